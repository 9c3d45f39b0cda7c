"""The portal's home page: my enterprise as the register knows it, and what waits for me in every
service (each service says what through `ServiceDefinition.tasks`). Someone who belongs to no
member (national staff, a delegate, an auditor) gets a short home with the links of their role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.membership import queries
from services.membership.read_models import MemberRecord
from shared.as_of import today_in_paris
from shared.auth import Principal, Role
from shared.platform import Platform
from shared.tenancy import read_scope
from shared.web.auth import signed_in_as
from shared.web.navigation import links_for
from shared.web.tasks import Task

FORMS = {
    "AI": "Association intermédiaire",
    "ACI": "Atelier et chantier d'insertion",
    "EI": "Entreprise d'insertion",
    "ETTI": "Entreprise de travail temporaire d'insertion",
    "GES": "Groupe économique solidaire",
}
SCHEMES = {"CEDRE": "CEDRE", "CEDRE_ISO_9001": "CEDRE et ISO 9001"}
STATUSES = {"active": "adhérente", "resigned": "démissionnaire", "excluded": "exclue"}
ROLE_NAMES = {
    Role.MEMBER_ADMIN: "administrateur de l'entreprise",
    Role.MEMBER_CONTRIBUTOR: "contributeur",
    Role.PEER_REVIEWER: "relecteur pair",
    Role.REGIONAL_DELEGATE: "délégué régional",
    Role.TRAINER: "formateur",
    Role.AUDITOR: "auditeur",
    Role.FUND_REVIEWER: "instructeur du fonds",
    Role.NATIONAL_STAFF: "équipe nationale",
}


def dues_rows(dues: dict[str, Any]) -> list[dict[str, Any]]:
    """Latest year first: called, paid, and what is left to pay."""
    rows = []
    for year in sorted(dues, reverse=True):
        entry = dues[year] or {}
        try:
            called, paid = Decimal(entry.get("called") or 0), Decimal(entry.get("paid") or 0)
        except InvalidOperation:
            continue
        rows.append({"year": year, "called": called, "paid": paid, "due": max(called - paid, Decimal(0))})
    return rows


def certification_of(member: MemberRecord | None) -> dict[str, Any] | None:
    """The certification with its dates as dates (the register keeps them as ISO text in JSON)."""
    if member is None or not member.certification:
        return None
    found = dict(member.certification)
    for key in ("obtained_on", "expires_on"):
        if isinstance(found.get(key), str):
            found[key] = date.fromisoformat(found[key])
    return found


async def _tasks(platform: Platform, principal: Principal) -> list[Task]:
    """Every service's tasks, the most urgent first (a dated one before an undated one)."""
    found: list[Task] = []
    for service in platform.services.values():
        if service.tasks is None:
            continue
        found.extend(await service.tasks(platform, principal))
    return sorted(found, key=lambda t: (t.due_on is None, t.due_on or date.max, t.label))


async def _member(platform: Platform, principal: Principal) -> MemberRecord | None:
    if not principal.tenant:
        return None
    scope = await read_scope(platform.write_pool, principal)
    return await queries.member_record(platform.read_pool, scope, principal.tenant, today_in_paris(), None)


@get("/", guards=[signed_in_as()])
async def home(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Template:
    principal: Principal = request.scope["user"]
    member = await _member(platform, principal)
    tasks = await _tasks(platform, principal)
    # Someone without a member of their own: the links of their role, past the home page itself.
    links = [] if principal.tenant else links_for(principal)[1:]
    return Template(
        template_name="membership/home.html",
        context={
            "title": "Accueil",
            "principal": principal,
            "role_names": [ROLE_NAMES[r] for r in sorted(principal.roles) if r in ROLE_NAMES],
            "member": member,
            "forms_fr": [FORMS.get(f, f) for f in member.forms] if member else [],
            "schemes": SCHEMES,
            "certification": certification_of(member),
            "member_status": STATUSES.get(member.status, member.status) if member else None,
            "dues": dues_rows(member.dues) if member else [],
            "tasks": tasks,
            "links": links,
            "today": today_in_paris(),
        },
    )
