"""The team page: a member admin's colleagues, or (national staff) everyone, with filters; invite
someone, change a role, deactivate or reactivate an account. The same scoped reads and the same
application methods as the API: the page adds screens, never rules."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from anyio import to_thread
from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template

from services.people import queries
from services.people.domain.person import STATUS_WORDS, Status
from services.people.domain.roles import ROLE_WORDS
from services.people.invitations import send_invitation
from services.people.read_models import PersonEntry
from services.people.web.common import AnyRequest, as_person, now, people, platform_of
from shared.auth import MEMBER_ROLES, Principal, Role
from shared.errors import DomainError
from shared.personal import PersonalDetails
from shared.tenancy import read_scope, scoped_connection
from shared.web.auth import signed_in_as
from shared.web.forms import form_fields, see_other
from shared.web.session import sessions_of

MANAGERS = signed_in_as(Role.NATIONAL_STAFF, Role.MEMBER_ADMIN)
PAGE_SIZE = 100
# Beyond this, a page number is a typo or a probe, not a page (OFFSET would read and drop rows).
MAX_PAGE = 10_000
INFOS = {
    "invite": "L'invitation est envoyée : la personne a reçu un lien pour choisir son mot de passe.",
    "role": "Le rôle est changé ; il vaut dès la prochaine page que la personne ouvre.",
    "desactive": "Le compte est désactivé : la personne ne peut plus se connecter.",
    "reactive": "Le compte est réactivé.",
    "reinvite": "Une nouvelle invitation est envoyée ; le lien de la précédente ne sert plus.",
}


def _roles_for(principal: Principal) -> list[tuple[str, str]]:
    """The roles the principal may give, as (value, words) for a select."""
    roles = list(Role) if principal.has(Role.NATIONAL_STAFF) else [r for r in Role if r in MEMBER_ROLES]
    return [(r.value, ROLE_WORDS[r]) for r in roles]


def _words() -> dict[str, Any]:
    return {"role_words": {r.value: w for r, w in ROLE_WORDS.items()}, "status_words": STATUS_WORDS}


@get("/equipe", guards=[MANAGERS])
async def team(
    request: AnyRequest,
    role: FromQuery[str | None] = None,
    statut: FromQuery[str | None] = None,
    nom: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    principal: Principal = request.user
    platform = platform_of(request)
    national = principal.has(Role.NATIONAL_STAFF)
    role = role if role in {r.value for r in Role} else None
    statut = statut if statut in {s.value for s in Status} else None
    nom = (nom or "").strip()[:300] or None
    number = _page_number(page)
    scope = await read_scope(platform.write_pool, principal)
    async with scoped_connection(platform.read_pool, scope) as conn:
        people_page = await queries.list_people(
            conn, role=role, status=statut, name=nom, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
    filters = {"role": role or "", "statut": statut or "", "nom": nom or ""}
    last = max(math.ceil(people_page.total / PAGE_SIZE), 1)
    return Template(
        template_name="people/equipe.html",
        context={
            "title": "L'équipe" if not national else "Les personnes de la plateforme",
            "page": people_page,
            "number": number,
            "last": last,
            # Past the end (a stale link after people left the list): back to the last page.
            "previous": _page_url(filters, min(number - 1, last)) if number > 1 else None,
            "next": _page_url(filters, number + 1) if number < last else None,
            "national": national,
            "filters": filters,
            "roles": _roles_for(principal) if not national else [(r.value, ROLE_WORDS[r]) for r in Role],
            "statuses": [(s.value, STATUS_WORDS[s]) for s in Status],
            "notice": INFOS.get(request.query_params.get("info", ""), ""),
            **_words(),
        },
    )


def _page_number(text: str | None) -> int:
    """The page asked for (1 when the value is not a page number); one past the end shows none."""
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def _page_url(filters: dict[str, str], number: int) -> str:
    """The team page `number` with the same filters (the first page without `page=`)."""
    query = {name: value for name, value in filters.items() if value}
    if number > 1:
        query["page"] = str(number)
    return "/equipe" + ("?" + urlencode(query) if query else "")


def _invite_page(
    principal: Principal, values: dict[str, str] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    return Template(
        template_name="people/inviter.html",
        context={
            "title": "Inviter une personne",
            "values": {"name": "", "email": "", "phone": "", "role": "", "tenant": "", "region": "", **(values or {})},
            "errors": errors or {},
            "roles": _roles_for(principal),
            "national": principal.has(Role.NATIONAL_STAFF),
        },
        status_code=status,
    )


@get("/equipe/inviter", guards=[MANAGERS], sync_to_thread=False)
def invite_form(request: AnyRequest) -> Template:
    return _invite_page(request.user)


@post("/equipe/inviter", guards=[MANAGERS])
async def invite(request: AnyRequest) -> Response[Any]:
    principal: Principal = request.user
    values = await form_fields(request)
    errors = {}
    for field, message in (
        ("name", "Indiquez le nom de la personne."),
        ("email", "Indiquez l'adresse électronique de la personne."),
        ("role", "Choisissez un rôle."),
    ):
        if not values.get(field):
            errors[field] = message
    if errors:
        return _invite_page(principal, values, errors, 400)
    # A member admin invites into their own member: the member is theirs, not a field of the form.
    tenant = values.get("tenant") or None if principal.has(Role.NATIONAL_STAFF) else principal.tenant
    details = PersonalDetails(name=values["name"], email=values["email"], phone=values.get("phone") or None)
    app, platform = people(request), platform_of(request)
    try:
        result = await as_person(
            request,
            principal,
            lambda: app.invite(
                principal, details=details, role=values["role"], tenant=tenant, region=values.get("region") or None
            ),
        )
    except DomainError as refusal:
        return _invite_page(principal, values, {_field(refusal): refusal.message}, refusal.status_code)
    person = await to_thread.run_sync(app.person, UUID(result.id))
    await send_invitation(platform, person.id, person.details, person.role, now(request))
    await platform.wait_for("people", result.notification_id)
    return see_other("/equipe?info=invite")


def _field(refusal: DomainError) -> str:
    field = str(refusal.details.get("field") or "name")
    return field if field in {"name", "email", "phone", "role", "tenant", "region", "reason"} else "name"


async def _visible(request: AnyRequest, person_id: FromPath[UUID]) -> PersonEntry:
    """The person, if the signed-in manager's scope sees them (else 404, as if no one)."""
    platform = platform_of(request)
    scope = await read_scope(platform.write_pool, request.user)
    async with scoped_connection(platform.read_pool, scope) as conn:
        entry = await queries.person(conn, str(person_id))
    if entry is None:
        raise NotFoundException()
    return entry


def _person_page(
    request: AnyRequest, entry: PersonEntry, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    principal: Principal = request.user
    return Template(
        template_name="people/personne.html",
        context={
            "title": entry.name,
            "person": entry,
            "roles": _roles_for(principal),
            "national": principal.has(Role.NATIONAL_STAFF),
            "is_me": entry.person_id == principal.subject,
            "errors": errors or {},
            **_words(),
        },
        status_code=status,
    )


@get("/equipe/{person_id:uuid}", guards=[MANAGERS])
async def person_page(request: AnyRequest, person_id: FromPath[UUID]) -> Template:
    return _person_page(request, await _visible(request, person_id))


async def _change(request: AnyRequest, person_id: UUID, command: Any, info: str) -> Response[Any]:
    entry = await _visible(request, person_id)
    try:
        result = await as_person(request, request.user, command)
    except DomainError as refusal:
        return _person_page(request, entry, {_field(refusal): refusal.message}, refusal.status_code)
    await platform_of(request).wait_for("people", result.notification_id)
    return see_other(f"/equipe?info={info}")


@post("/equipe/{person_id:uuid}/role", guards=[MANAGERS])
async def change_role(request: AnyRequest, person_id: FromPath[UUID]) -> Response[Any]:
    principal: Principal = request.user
    values = await form_fields(request)
    if principal.has(Role.NATIONAL_STAFF):
        # A member role given without a member keeps the person's member.
        tenant = values.get("tenant") or (await _visible(request, person_id)).tenant_id
    else:
        tenant = principal.tenant  # a member admin's colleagues stay in their member
    app = people(request)
    return await _change(
        request,
        person_id,
        lambda: app.change_role(
            principal, person_id, role=values.get("role", ""), tenant=tenant, region=values.get("region") or None
        ),
        "role",
    )


@post("/equipe/{person_id:uuid}/desactiver", guards=[MANAGERS])
async def deactivate(request: AnyRequest, person_id: FromPath[UUID]) -> Response[Any]:
    values = await form_fields(request)
    reason = values.get("reason", "")
    if not reason:
        entry = await _visible(request, person_id)
        return _person_page(request, entry, {"reason": "Indiquez pourquoi le compte est désactivé."}, 400)
    app = people(request)
    answer = await _change(
        request, person_id, lambda: app.deactivate(request.user, person_id, reason=reason), "desactive"
    )
    if answer.status_code == 303:
        await sessions_of(request.app.state).end_all(person_id)
    return answer


@post("/equipe/{person_id:uuid}/reactiver", guards=[MANAGERS])
async def reactivate(request: AnyRequest, person_id: FromPath[UUID]) -> Response[Any]:
    app = people(request)
    return await _change(request, person_id, lambda: app.reactivate(request.user, person_id), "reactive")


@post("/equipe/{person_id:uuid}/reinviter", guards=[MANAGERS])
async def resend_invitation(request: AnyRequest, person_id: FromPath[UUID]) -> Response[Any]:
    """A new invitation link (the previous one expired, or the e-mail was lost); the old link ends."""
    entry = await _visible(request, person_id)
    person = await to_thread.run_sync(people(request).person, person_id)
    if person.status != Status.INVITED:
        return _person_page(request, entry, {"role": "La personne a déjà accepté son invitation."}, 422)
    await send_invitation(platform_of(request), person.id, person.details, person.role, now(request))
    return see_other("/equipe?info=reinvite")
