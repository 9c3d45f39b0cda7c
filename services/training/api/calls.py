"""HTTP routes of a call for projects itself: opening it, reading it, amending, closing it, publishing
its results, granting an auditor access to its decision files; and the funding applications it
received, as the caller may see them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from services.training import queries
from services.training.access import access_of
from services.training.api.common import (
    ANYONE,
    FUNDING,
    READ_ERRORS,
    READERS,
    STAFF,
    WRITE_ERRORS,
    CallId,
    Limit,
    Offset,
    WaitFor,
    call_row,
    training,
)
from services.training.api.schemas import (
    AuditGrantIn,
    CallAmendment,
    CallOpening,
    CallTermsIn,
    CancellationIn,
    DatedIn,
)
from services.training.domain.call import CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.read_models import (
    ApplicationPage,
    ApplicationStatusCode,
    CallRecord,
)
from services.training.redaction import application_summary, call_record
from shared.auth import Role
from shared.commands import expected_version, run_command
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


def call_terms(body: CallTermsIn) -> CallTerms:
    c = body.criteria
    return CallTerms(
        title=body.title.strip(),
        fund_amount=Decimal(body.fund_amount),
        envelope=Decimal(body.envelope),
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        criteria=EligibilityCriteria(
            accord_groupe_required=c.accord_groupe_required,
            integration_pathway_required=c.integration_pathway_required,
            max_cofunding_rate=Decimal(c.max_cofunding_rate),
            priority_cofunding_rate=Decimal(c.priority_cofunding_rate),
            max_per_trainee=Decimal(c.max_per_trainee),
        ),
        grid=tuple(ScoringCriterion(code=g.code, label=g.label, weight=g.weight) for g in body.grid),
        priority_trainings=tuple(t.strip() for t in body.priority_trainings),
    )


class CallController(Controller):
    """A call and its life, from opening to published results."""

    path = "/api/training/calls"
    tags = ["training: calls"]

    @post(
        "/",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Open a call for projects (several a year, told apart by their label)",
    )
    async def open(
        self, request: Request, data: JSONBody[CallOpening], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.open_call(year=data.year, terms=call_terms(data), on=data.on or app.today(), label=data.label),
            name="open_call",
            status_code=201,
        )

    @get(
        "/",
        responses=READ_ERRORS,
        guards=[ANYONE],
        summary="The calls for projects (the envelope's figures for national staff)",
    )
    async def list_calls(
        self, request: Request, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> list[CallRecord]:
        await platform.wait_for("training", wait_for, [FUNDING])
        # Calls are public to every signed-in user: read in network scope on purpose.
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            rows = await queries.calls(conn)
        staff = request.user.has(Role.NATIONAL_STAFF)
        return [call_record(r, with_envelope=staff) for r in rows]

    @get("/{call_id:uuid}", responses=READ_ERRORS, guards=[ANYONE], summary="A call: terms, dates, status")
    async def get_call(
        self, request: Request, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> CallRecord:
        row = await call_row(platform, call_id, wait_for)
        return call_record(row, with_envelope=request.user.has(Role.NATIONAL_STAFF))

    @post(
        "/{call_id:uuid}/amendment",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Amend the call (before its first application)",
    )
    async def amend(
        self,
        request: Request,
        call_id: CallId,
        data: JSONBody[CallAmendment],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.amend_call(
                call_id,
                terms=call_terms(data),
                reason=data.reason,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="amend_call",
        )

    @post("/{call_id:uuid}/closure", responses=WRITE_ERRORS, guards=[STAFF], status_code=200, summary="Close the call")
    async def close(
        self, request: Request, call_id: CallId, data: JSONBody[DatedIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.close_call(call_id, on=data.on or app.today(), expected_version=expected_version(request)),
            name="close_call",
        )

    @post(
        "/{call_id:uuid}/results",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Publish the call's results",
    )
    async def publish(
        self, request: Request, call_id: CallId, data: JSONBody[DatedIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.publish_results(call_id, on=data.on or app.today(), expected_version=expected_version(request)),
            name="publish_results",
        )

    @post(
        "/{call_id:uuid}/cancellation",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Cancel the call, with a reason (it then takes no more applications, decisions or money)",
    )
    async def cancel(
        self, request: Request, call_id: CallId, data: JSONBody[CancellationIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.cancel_call(
                call_id, reason=data.reason, on=data.on or app.today(), expected_version=expected_version(request)
            ),
            name="cancel_call",
        )

    @post(
        "/{call_id:uuid}/audit-grants",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Let an auditor read the call's decision files",
    )
    async def grant_audit(
        self,
        request: Request,
        call_id: CallId,
        data: JSONBody[AuditGrantIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.grant_audit(call_id, auditor_id=data.auditor_id, reason=data.reason),
            name="grant_audit",
            status_code=201,
        )

    @get(
        "/{call_id:uuid}/applications",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="The call's applications the caller may see (staff: all; members: their own; delegates: their "
        "region's; reviewers: those assigned to them)",
    )
    async def applications(
        self,
        request: Request,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        status: Annotated[
            ApplicationStatusCode | None, QueryParameter(description="only the applications in this status")
        ] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ApplicationPage:
        await platform.wait_for("training", wait_for, [FUNDING])
        access = await access_of(platform, request.user)
        if access.call_ids is not None and str(call_id) not in access.call_ids:
            return ApplicationPage(items=[], total=0, limit=limit, offset=offset)
        ids = sorted(access.application_ids) if access.application_ids is not None else None
        async with scoped_connection(platform.read_pool, access.scope) as conn:
            rows, total = await queries.funding_applications(
                conn, call_id=str(call_id), status=status, application_ids=ids, limit=limit, offset=offset
            )
        return ApplicationPage(
            items=[application_summary(r, access) for r in rows], total=total, limit=limit, offset=offset
        )
