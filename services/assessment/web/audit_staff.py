"""National staff's audit pages: who read which assessment when (the audit reads, filtered and a page
at a time), and the access grants: given, revoked, a form to grant an auditor of the directory
access to one assessment or one member for a period, a button to revoke with a reason. Writes go
through le Cap's application methods, as the API's."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import structlog
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from services.assessment.api.common import GrantInPath, directory_entry
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.web import audit_queries
from services.assessment.web.audit_common import ROLE_WORDS, STAFF, PageInputError, day_of
from shared.as_of import PARIS, end_of_day, today_in_paris
from shared.errors import DomainError
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.forms import form_fields, page_command, refusal, see_other, sentence
from shared.web.notices import flash, take_notice

log = structlog.get_logger(__name__)

READS_PAGE = 50
GRANTS_PAGE = 50
MAX_PAGE = 10_000
# The API's field → the form's.
GRANT_FIELDS = {
    "auditor_id": "auditeur",
    "tenant_id": "adherent",
    "assessment_id": "evaluation",
    "valid_from": "debut",
    "valid_until": "fin",
    "reason": "motif",
}
RESOURCE_WORDS = {
    "history": "chronologie",
    "assessment": "évaluation",
    "answers": "réponses",
    "positioning": "positionnement",
    "plan": "plan de progrès",
    "diff": "écarts",
    "diff_previous": "comparaison avec la campagne précédente",
    "assessment_list": "liste des évaluations",
}


def _page_number(text: str | None) -> int:
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def _bounded(text: str | None) -> str | None:
    value = (text or "").strip()
    return value[:200] if value and value.isprintable() else None


@get("/lectures", guards=[STAFF])
async def reads_page(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    auditeur: FromQuery[str | None] = None,
    adherent: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    auditor_id, tenant_id = _bounded(auditeur), _bounded(adherent)
    number = _page_number(page)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        found = await audit_queries.reads(
            conn, auditor_id=auditor_id, tenant_id=tenant_id, limit=READS_PAGE, offset=(number - 1) * READS_PAGE
        )
        auditors, members = await audit_queries.readers_and_members(conn)
    last = max(math.ceil(found.total / READS_PAGE), 1)
    filters = {"auditeur": auditor_id or "", "adherent": tenant_id or ""}

    def url(n: int) -> str:
        query = {k: v for k, v in filters.items() if v}
        if n > 1:
            query["page"] = str(n)
        return "/audit/lectures" + ("?" + urlencode(query) if query else "")

    return Template(
        template_name="assessment/audit/reads.html",
        context={
            "title": "Lectures des auditeurs",
            "reads": found,
            "number": number,
            "last": last,
            "previous": url(min(number - 1, last)) if number > 1 else None,
            "next": url(number + 1) if number < last else None,
            "filters": filters,
            "auditors": auditors,
            "members": members,
            "resources": RESOURCE_WORDS,
            "notice": await take_notice(request),
        },
    )


async def _grants_page(
    request: Request[Any, Any, Any],
    platform: Platform,
    *,
    page: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    revoke_errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    number = _page_number(page)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        grants, total = await audit_queries.grants(
            conn, auditor_id=None, limit=GRANTS_PAGE, offset=(number - 1) * GRANTS_PAGE
        )
        auditors = await audit_queries.active_auditors(conn)
        members = await audit_queries.members(conn)
    last = max(math.ceil(total / GRANTS_PAGE), 1)
    today = today_in_paris()
    return Template(
        template_name="assessment/audit/grants.html",
        context={
            "title": "Habilitations des auditeurs",
            "grants": grants,
            "total": total,
            "number": number,
            "last": last,
            "previous": f"/audit/acces?page={number - 1}" if number > 1 else None,
            "next": f"/audit/acces?page={number + 1}" if number < last else None,
            "now": datetime.now(UTC),
            "auditors": auditors,
            "members": members,
            "values": {
                "auditeur": "",
                "adherent": "",
                "evaluation": "",
                "debut": today.isoformat(),
                "fin": "",
                "motif": "",
                **(values or {}),
            },
            "errors": errors or {},
            "revoke_errors": revoke_errors or {},
            "roles": ROLE_WORDS,
            "notice": await take_notice(request) if status == 200 else "",
        },
        status_code=status,
    )


@get("/acces", guards=[STAFF])
async def grants_page(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform], page: FromQuery[str | None] = None
) -> Template:
    return await _grants_page(request, platform, page=page)


def _check_grant(values: dict[str, str], auditors: set[str], today: date) -> tuple[date, date]:
    """The form's own checks (the domain checks the rest): the period's dates, whom it names."""
    if values.get("auditeur", "") not in auditors:
        raise PageInputError("auditeur", "Choisissez l'auditeur·rice parmi les personnes de l'annuaire.")
    if not values.get("adherent") and not values.get("evaluation"):
        raise PageInputError("adherent", "Choisissez l'adhérent, ou indiquez l'évaluation que l'habilitation ouvre.")
    if values.get("evaluation"):
        try:
            UUID(values["evaluation"])
        except ValueError:
            raise PageInputError(
                "evaluation", "L'identifiant d'évaluation n'est pas valable (il s'écrit comme 0f1e…-…)."
            ) from None
    start = day_of(values["debut"], "debut") if values.get("debut") else today
    if not values.get("fin"):
        raise PageInputError("fin", "Indiquez le dernier jour de l'habilitation.")
    end = day_of(values["fin"], "fin")
    if end < start:
        raise PageInputError("fin", "Le dernier jour de l'habilitation ne peut précéder son premier jour.")
    if not values.get("motif"):
        raise PageInputError("motif", "Dites pourquoi l'auditeur·rice a besoin de cet accès.")
    return start, end


@post("/acces", guards=[STAFF])
async def grant(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Template | Redirect:
    values = await form_fields(request)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        auditors = dict(await audit_queries.active_auditors(conn))
    try:
        start, end = _check_grant(values, set(auditors), today_in_paris())
        assessment_id = UUID(values["evaluation"]) if values.get("evaluation") else None
        tenant_id = None if assessment_id else values["adherent"]
        if tenant_id is not None and await directory_entry(platform, tenant_id) is None:
            raise PageInputError("adherent", "Cet adhérent n'est pas connu de le Cap.")
    except PageInputError as error:
        return await _grants_page(request, platform, values=values, errors={error.field: error.message}, status=400)
    # The first day from midnight in Paris; the last one up to midnight after it (exclusive).
    valid_from = datetime.combine(start, datetime.min.time(), tzinfo=PARIS)
    valid_until = end_of_day(end)
    try:
        await page_command(
            request,
            platform,
            "assessment",
            "grant_access",
            lambda app: app.grant_access(
                auditor_id=values["auditeur"],
                tenant_id=tenant_id,
                assessment_id=assessment_id,
                valid_from=valid_from,
                valid_until=valid_until,
                reason=values["motif"],
            ),
        )
    except AssessmentNotFound:
        return await _grants_page(
            request,
            platform,
            values=values,
            errors={"evaluation": "Aucune évaluation ne porte cet identifiant."},
            status=400,
        )
    except DomainError as error:
        return await _grants_page(
            request, platform, values=values, errors=refusal(error, GRANT_FIELDS), status=error.status_code
        )
    await flash(request, f"L'habilitation de {auditors[values['auditeur']]} est enregistrée.")
    return see_other("/audit/acces")


@post("/acces/{grant_id:uuid}/revocation", guards=[STAFF])
async def revoke(
    request: Request[Any, Any, Any], grant_id: GrantInPath, platform: NamedDependency[Platform]
) -> Template | Redirect:
    values = await form_fields(request)
    reason = values.get("motif", "")
    key = f"motif-{grant_id}"
    if not reason:
        return await _grants_page(
            request,
            platform,
            revoke_errors={key: "Dites pourquoi l'habilitation est révoquée."},
            status=400,
        )
    version = values.get("version", "")
    expected = int(version) if version.isdigit() and len(version) < 10 else None
    try:
        await page_command(
            request,
            platform,
            "assessment",
            "revoke_access",
            lambda app: app.revoke_access(grant_id, reason=reason, expected_version=expected),
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        message = sentence(error.message)
        if error.status_code == 409:
            message = "L'habilitation a changé entre-temps : voici son état actuel. " + message
        return await _grants_page(request, platform, revoke_errors={key: message}, status=error.status_code)
    await flash(request, "L'habilitation est révoquée.")
    return see_other("/audit/acces")
