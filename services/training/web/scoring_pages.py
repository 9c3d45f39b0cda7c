"""The fund reviewer's pages: /fms/evaluations (my assignments), /fms/evaluations/{id} (the
application as a reviewer may see it, then the declaration of interest: no conflict, which opens
the scoring form, or a conflict, which steps the reviewer aside), /fms/evaluations/{id}/notation
(the call's grid: criteria, weights, 0 to 5 and a comment each; the weighted total shown after).
An application not assigned to the reviewer is the 404 page, as through the API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from services.training import queries
from services.training.access import access_of
from services.training.api.common import ApplicationId
from services.training.domain.call import MAX_SCORE
from services.training.domain.values import CriterionScore
from services.training.read_models import ApplicationRecord
from services.training.redaction import visible_status
from services.training.web.member_common import (
    ELIGIBILITY_WORDS,
    NO_VERSION,
    REASON_MAX,
    REVIEWERS,
    STATUS_WORDS,
    SUMMARY_MAX,
    call_of,
    fund_command,
    general_refusal,
    page,
    record_of,
    version_of,
)
from shared.auth import Principal
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.forms import GENERAL, form_fields, refusal, see_other
from shared.web.notices import flash, take_notice

NO_CONFLICT = "aucun-conflit"  # the declaration carried from the declaration to the scoring form
STALE = "La candidature a changé pendant que vous la lisiez : voici la version à jour."
Declared = Annotated[str | None, QueryParameter(name="declaration", max_length=20, description="aucun-conflit")]


@get("/evaluations", guards=[REVIEWERS])
async def assignments(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Template:
    principal: Principal = request.user
    access = await access_of(platform, principal)
    assigned_ids = sorted(access.application_ids or ())
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        assigned = {a["application_id"]: a for a in await queries.assignments_of(conn, principal.subject)}
        titles = {c["call_id"]: c["title"] for c in await queries.calls(conn)}
    async with scoped_connection(platform.read_pool, access.scope) as conn:
        rows, _ = await queries.funding_applications(conn, application_ids=assigned_ids, limit=500)
    items = [
        {
            "application_id": r["application_id"],
            "title": r["title"],
            "lead_name": r["lead_name"],
            "call": titles.get(r["call_id"], "—"),
            "status": STATUS_WORDS[visible_status(r, access)],
            "scored": assigned[r["application_id"]]["scored"],
            "assigned_at": assigned[r["application_id"]]["assigned_at"],
        }
        for r in rows
        if r["application_id"] in assigned
    ]
    return page(
        "scoring/assignments.html",
        title="Mes évaluations",
        notice=await take_notice(request),
        items=items,
    )


def _mine(record: ApplicationRecord, subject: str) -> Any:
    return next((s for s in record.scores or [] if s.reviewer_id == subject), None)


async def _review_page(
    request: Request[Any, Any, Any],
    platform: Platform,
    record: ApplicationRecord,
    *,
    template: str = "scoring/application.html",
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    principal: Principal = request.user
    call = await call_of(platform, record.call_id)
    grid = (call or {}).get("terms", {}).get("grid", [])
    return page(
        template,
        status,
        title=record.title,
        notice=await take_notice(request),
        record=record,
        call=call,
        grid=grid,
        total_weight=sum(c["weight"] for c in grid),
        scale=range(0, MAX_SCORE + 1),
        mine=_mine(record, principal.subject),
        open_to_scoring=record.status in ("submitted", "sent_back") and record.eligibility == "eligible",
        enterprise_names={e.member_id: e.name for e in record.enterprises},
        status_words=STATUS_WORDS,
        eligibility_words=ELIGIBILITY_WORDS,
        errors=errors or {},
        typed=typed or {},
    )


@get("/evaluations/{application_id:uuid}", guards=[REVIEWERS])
async def assigned_application(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Template:
    return await _review_page(request, platform, await record_of(request, platform, application_id))


@post("/evaluations/{application_id:uuid}/declaration", guards=[REVIEWERS], status_code=303)
async def declare(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    fields = await form_fields(request)
    choice, reason = fields.get("declaration", ""), fields.get("conflit-raison", "")
    if choice == "aucun":
        return see_other(f"/fms/evaluations/{application_id}/notation?declaration={NO_CONFLICT}")
    if choice != "conflit":
        errors = {"declaration-aucun": "Déclarez l'absence de conflit d'intérêts, ou le conflit que vous avez."}
        return await _review_page(request, platform, record, status=400, errors=errors, typed=fields)
    if not reason or len(reason) > REASON_MAX:
        errors = {
            "conflit-raison": f"Décrivez le conflit d'intérêts en quelques mots ({REASON_MAX} caractères au plus)."
        }
        return await _review_page(request, platform, record, status=400, errors=errors, typed=fields)
    expected = version_of(fields)
    try:
        await fund_command(
            request,
            platform,
            "declare_conflict",
            lambda app: app.declare_conflict(
                application_id, by=principal.subject, reason=reason, on=app.today(), expected_version=expected
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        return await _review_page(request, platform, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        errors = refusal(error, {"reason": "conflit-raison"})
        return await _review_page(request, platform, record, status=error.status_code, errors=errors, typed=fields)
    await flash(request, "Votre conflit d'intérêts est enregistré : vous ne notez pas cette candidature.")
    return see_other("/fms/evaluations")


@get("/evaluations/{application_id:uuid}/notation", guards=[REVIEWERS])
async def scoring_form(
    request: Request[Any, Any, Any],
    application_id: ApplicationId,
    platform: NamedDependency[Platform],
    declared: Declared = None,
) -> Redirect | Template:
    record = await record_of(request, platform, application_id)
    if declared != NO_CONFLICT:
        return see_other(f"/fms/evaluations/{application_id}")  # the declaration comes first
    return await _review_page(request, platform, record, template="scoring/grid.html")


@post("/evaluations/{application_id:uuid}/notation", guards=[REVIEWERS], status_code=303)
async def score(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    fields = await form_fields(request)
    grid_page = "scoring/grid.html"
    expected = version_of(fields)
    if expected is None:
        return await _review_page(
            request, platform, record, template=grid_page, status=400, errors={GENERAL: NO_VERSION}
        )
    call = await call_of(platform, record.call_id) or {}
    errors: dict[str, str] = {}
    scores: list[CriterionScore] = []
    for criterion in call.get("terms", {}).get("grid", []):
        code, label = criterion["code"], criterion["label"]
        note, comment = fields.get(f"note-{code}", ""), fields.get(f"commentaire-{code}", "")
        if not (note.isdigit() and int(note) <= MAX_SCORE):
            errors[f"note-{code}-0"] = f"{label} : choisissez une note de 0 à {MAX_SCORE}."
        if not comment or len(comment) > SUMMARY_MAX:
            errors[f"commentaire-{code}"] = (
                f"{label} : expliquez la note en quelques mots ({SUMMARY_MAX} caractères au plus)."
            )
        if note.isdigit() and int(note) <= MAX_SCORE and comment and len(comment) <= SUMMARY_MAX:
            scores.append(CriterionScore(criterion=code, score=int(note), comment=comment))
    if errors:
        return await _review_page(
            request, platform, record, template=grid_page, status=400, errors=errors, typed=fields
        )
    declared = fields.get("declaration") == NO_CONFLICT
    try:
        await fund_command(
            request,
            platform,
            "score",
            lambda app: app.score(
                application_id,
                by=principal.subject,
                reviewer_enterprise=principal.tenant,
                no_conflict_declared=declared,
                scores=tuple(scores),
                on=app.today(),
                expected_version=expected,
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        # What they typed stays on the fresh page: they read the change and send it again.
        return await _review_page(
            request,
            platform,
            fresh,
            template=grid_page,
            status=stale.status_code,
            errors={GENERAL: STALE},
            typed=fields,
        )
    except DomainError as error:
        errors = general_refusal(error)  # the declaration is the page before
        return await _review_page(
            request, platform, record, template=grid_page, status=error.status_code, errors=errors, typed=fields
        )
    await flash(request, "Votre notation est enregistrée.")
    return see_other(f"/fms/evaluations/{application_id}")
