"""Which role needs what (a member, a region), and who may invite or manage whom.

A member admin manages their own member's people only, in the member roles; national staff manage
everyone. Everyone else manages no one.
"""

from __future__ import annotations

from services.people.domain.errors import PersonRefused
from shared.auth import MEMBER_ID, MEMBER_ROLES, REGION_CODE, REGIONAL_ROLES, Principal, Role

ROLE_WORDS = {
    Role.MEMBER_ADMIN: "administrateur de l'adhérent",
    Role.MEMBER_CONTRIBUTOR: "contributeur de l'adhérent",
    Role.PEER_REVIEWER: "pair relecteur",
    Role.REGIONAL_DELEGATE: "délégué régional",
    Role.TRAINER: "formateur",
    Role.AUDITOR: "auditeur",
    Role.FUND_REVIEWER: "instructeur du fonds",
    Role.NATIONAL_STAFF: "équipe nationale",
}


def checked_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise PersonRefused(
            f"le champ « role » : {role!r} n'est pas un rôle ; rôles possibles : {', '.join(r.value for r in Role)}",
            field="role",
        ) from None


def placement(role: Role, tenant: str | None, region: str | None) -> tuple[str | None, str | None]:
    """The (tenant, region) a role keeps: a member for the member roles, a region for the regional
    roles, neither for the others (a value given for a role that has no use for it is dropped)."""
    if role in MEMBER_ROLES:
        if not tenant or not MEMBER_ID.fullmatch(tenant):
            raise PersonRefused(
                f"le champ « tenant » : le rôle « {ROLE_WORDS[role]} » demande l'identifiant de l'adhérent",
                field="tenant",
            )
        return tenant, None
    if role in REGIONAL_ROLES:
        if not region or not REGION_CODE.fullmatch(region):
            raise PersonRefused(
                f"le champ « region » : le rôle « {ROLE_WORDS[role]} » demande le code de sa région (ex. BRE)",
                field="region",
            )
        return None, region
    return None, None


def require_may_manage(actor: Principal, role: Role, tenant: str | None) -> None:
    """Refuses unless `actor` may give `role` (at `tenant`) to someone: invite, or change a role."""
    if actor.has(Role.NATIONAL_STAFF):
        return
    if actor.has(Role.MEMBER_ADMIN):
        if role not in MEMBER_ROLES:
            raise PersonRefused(
                f"le champ « role » : un administrateur d'adhérent ne peut pas donner le rôle « {ROLE_WORDS[role]} » "
                "(seulement administrateur, contributeur ou pair relecteur)",
                field="role",
            )
        if tenant != actor.tenant:
            raise PersonRefused(
                "le champ « tenant » : un administrateur d'adhérent ne gère que les personnes de son adhérent",
                field="tenant",
            )
        return
    raise PersonRefused(
        "le champ « role » : seuls l'équipe nationale et les administrateurs d'adhérent gèrent les personnes",
        field="role",
    )
