"""/fms/decisions: the four-eyes queue — every decision waiting for its review by a second member
of national staff, oldest first, across calls (paginated); /fms/decisions/{id}: the decision file
and the form to approve it or send it back with a comment (the domain refuses its maker)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from services.training.api.common import ApplicationId, training
from services.training.web.instruction_forms import (
    FormProblem,
    date_of,
    done,
    page,
    problem_errors,
    refused,
    run,
    version_of,
)
from services.training.web.instruction_view import STAFF_PAGE, STALE, InstructionView, instruction_view, names, typed
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.forms import GENERAL, form_fields
from shared.web.notices import take_notice

PAGE_SIZE = 25
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=100_000, description="the page of the queue")]
QUEUE_SQL = (
    "SELECT a.application_id, a.title, a.lead_name, a.lead_region, a.decision, a.decided_on, a.version, "
    "c.title AS call_title, c.year AS call_year, count(*) OVER () AS total "
    "FROM training.applications a JOIN training.calls c ON c.call_id = a.call_id "
    "WHERE a.role = 'lead' AND a.status = 'decided' "
    "ORDER BY a.decided_on, a.title, a.application_id LIMIT $1 OFFSET $2"
)

COUNT_SQL = "SELECT count(*) FROM training.applications WHERE role = 'lead' AND status = 'decided'"


@get("/decisions", guards=[STAFF_PAGE])
async def queue(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    page_number: PageNumber = 1,
) -> Template:
    offset = (page_number - 1) * PAGE_SIZE
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = [typed_item(dict(r)) for r in await conn.fetch(QUEUE_SQL, PAGE_SIZE, offset)]
        total = rows[0]["total"] if rows else await conn.fetchval(COUNT_SQL) if offset else 0
        named = await names(conn, {r["decision"]["decided_by"] for r in rows})
    pages = max(1, -(-total // PAGE_SIZE))
    return page(
        "queue.html",
        title="Décisions à relire",
        notice=await take_notice(request),
        items=rows,
        names=named,
        total=total,
        page_number=page_number,
        pages=pages,
        me=request.user.subject,
    )


def typed_item(row: dict[str, Any]) -> dict[str, Any]:
    decision = typed({"decision": row["decision"], **_EMPTY})["decision"]
    return {**row, "decision": decision}


_EMPTY: dict[str, Any] = {
    "review": None,
    "scores": [],
    "reviewers": [],
    "checks": [],
    "content": {"trainings": []},
    "actuals": None,
}


def path_of(application_id: UUID) -> str:
    return f"/fms/decisions/{application_id}"


async def render(
    request: Request[Any, Any, Any],
    view: InstructionView,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str = "",
    today: str = "",
) -> Template:
    return page(
        "review.html",
        status,
        title=f"Relire la décision — {view.row['title']}",
        notice=notice,
        view=view,
        errors=errors or {},
        values=values or {},
        me=request.user.subject,
        today=today,
    )


@get("/decisions/{application_id:uuid}", guards=[STAFF_PAGE])
async def review_page(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Template:
    view = await instruction_view(platform, application_id, with_file=True)
    today = training(platform).today().isoformat()
    return await render(request, view, notice=await take_notice(request), today=today)


@post("/decisions/{application_id:uuid}", guards=[STAFF_PAGE], status_code=303)
async def review(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    fields = await form_fields(request)
    app = training(platform)
    today = app.today().isoformat()
    try:
        expected = version_of(fields)
        on = date_of(fields, "review_on", app.today(), "La date de la relecture")
        outcome = fields.get("outcome", "")
        if outcome not in ("approve", "send_back"):
            raise FormProblem("outcome", "Choisissez : approuver la décision ou la renvoyer.")
        comment = fields.get("comment", "")
        if outcome == "send_back" and not comment:
            raise FormProblem("comment", "Un renvoi explique ce qui doit être revu : écrivez un commentaire.")
        by = request.user.subject
        await run(
            request,
            platform,
            "review_decision",
            lambda a: a.review_decision(
                application_id,
                approve=outcome == "approve",
                comment=comment,
                by=by,
                on=on,
                expected_version=expected,
            ),
        )
    except FormProblem as problem:
        view = await instruction_view(platform, application_id, with_file=True)
        return await render(request, view, status=400, errors=problem_errors(problem), values=fields, today=today)
    except VersionMismatch as stale:
        view = await instruction_view(platform, application_id, with_file=True)
        return await render(request, view, status=stale.status_code, errors={GENERAL: STALE}, today=today)
    except DomainError as error:
        view = await instruction_view(platform, application_id, with_file=True)
        errors = refused(error, {"comment": "comment", "on": "review_on"}, "outcome")
        return await render(request, view, status=error.status_code, errors=errors, values=fields, today=today)
    if outcome == "approve":
        return await done(request, "/fms/decisions", "La décision est approuvée : l'adhérent en est notifié.")
    return await done(request, "/fms/decisions", "La décision est renvoyée à son auteur, avec votre commentaire.")


QUEUE_PAGES = [queue, review_page, review]
