"""The portal's main navigation: what each role opens, in one place (every page's header and the
home page of someone without a member read it). A link is shown once, whatever roles lead to it."""

from __future__ import annotations

from shared.auth import Principal, Role

Link = tuple[str, str]  # (address, words)

HOME: Link = ("/", "Accueil")
LINKS: dict[Role, list[Link]] = {
    Role.MEMBER_ADMIN: [("/cap", "le Cap"), ("/fms", "Fonds de formation"), ("/equipe", "Équipe")],
    Role.MEMBER_CONTRIBUTOR: [("/cap", "le Cap"), ("/fms", "Fonds de formation")],
    Role.PEER_REVIEWER: [("/cap", "le Cap"), ("/relectures", "Relectures")],
    Role.REGIONAL_DELEGATE: [("/region", "Ma région"), ("/relectures", "Relectures")],
    Role.TRAINER: [("/region", "Ma région"), ("/relectures", "Relectures")],
    Role.AUDITOR: [("/audit", "Audit")],
    Role.FUND_REVIEWER: [("/fms/evaluations", "Mes évaluations")],
    Role.NATIONAL_STAFF: [
        ("/reseau", "Réseau"),
        ("/registre", "Registre"),
        ("/fms/appels", "Fonds de formation"),
        ("/fms/decisions", "Décisions à relire"),
        ("/audit/lectures", "Audit"),
        ("/equipe", "Équipe"),
        ("/courriels", "Courriels"),
    ],
}


def links_for(principal: Principal | None) -> list[Link]:
    """The header's links for `principal` (none for an anonymous visitor), home first."""
    if principal is None:
        return []
    found = [HOME]
    for role in sorted(principal.roles, key=list(LINKS).index):
        found.extend(LINKS.get(role, []))
    return list(dict.fromkeys(found))


def dashboard_tabs(region: str | None = None, *, network: bool = False, query: str = "") -> list[Link]:
    """The tabs of a dashboard, whose register part and le Cap part are served by two services
    (each prefix routed to its process): the network's, one's own region's (`region` None), or a
    named region's. `query` keeps the chosen date from tab to tab."""
    if network:
        return [("/reseau" + query, "Adhérents"), ("/reseau/cap" + query, "le Cap")]
    if region is None:
        return [("/region" + query, "Adhérents"), ("/region/cap" + query, "le Cap")]
    return [(f"/region/{region}{query}", "Adhérents"), (f"/region/cap/{region}{query}", "le Cap")]
