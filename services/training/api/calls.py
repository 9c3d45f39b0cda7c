"""HTTP routes of the calls for projects: opening and running a call, its envelope, dashboards,
what-if, exports, and the applications it received."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from services.training import queries
from services.training.api.access import reader_of
from services.training.api.common import (
    ANYONE,
    FUNDING,
    READ_ERRORS,
    READERS,
    STAFF,
    WRITE_ERRORS,
    CallId,
    Limit,
    MoneyQuery,
    Offset,
    RegionCode,
    ScoreQuery,
    WaitFor,
    training,
)
from services.training.api.schemas import (
    ApplicationPage,
    ApplicationStatusCode,
    AuditGrantIn,
    CallAmendment,
    CallDashboard,
    CallOpening,
    CallRecord,
    CallTermsIn,
    DashboardFigures,
    DatedIn,
    EnvelopeLedger,
    LedgerLine,
    ReviewItem,
    TopUpIn,
    TopUpRecorded,
    WhatIf,
    WhatIfLine,
)
from services.training.api.views import application_summary, call_record, dashboard_figures
from services.training.domain.call import CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.errors import CallNotFound
from services.training.domain.what_if import Candidate, simulate
from services.training.exports import as_csv, as_xlsx, decision_lines
from shared.auth import Principal, Role, requires
from shared.commands import expected_version, run_command
from shared.errors import NotFound
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scope_of, scoped_connection

EXPORTERS = requires(Role.NATIONAL_STAFF, Role.AUDITOR)
REGION_READERS = requires(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE)


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
    path = "/api/training/calls"
    tags = ["training: calls"]

    @post("/", responses=WRITE_ERRORS, guards=[STAFF], status_code=201, summary="Open a yearly call for projects")
    async def open(
        self, request: Request, data: JSONBody[CallOpening], platform: NamedDependency[Platform]
    ) -> CommandResult:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.open_call(year=data.year, terms=call_terms(data), on=date.today()),
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
        row = await _call_row(platform, call_id, wait_for)
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
    ) -> CommandResult:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.amend_call(
                call_id, terms=call_terms(data), reason=data.reason, expected_version=expected_version(request)
            ),
            name="amend_call",
        )

    @post(
        "/{call_id:uuid}/top-ups",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Top up the envelope (a partner's complement); answers the top-up's ledger entry",
    )
    async def top_up(
        self, request: Request, call_id: CallId, data: JSONBody[TopUpIn], platform: NamedDependency[Platform]
    ) -> Response[TopUpRecorded]:
        app = training(platform)
        answer = await run_command(
            request,
            app,
            lambda: app.top_up(
                call_id,
                amount=Decimal(data.amount),
                reason=data.reason,
                on=data.on or date.today(),
                expected_version=expected_version(request),
            ),
            name="top_up",
            status_code=201,
        )
        # A top-up is one event on the call: its ledger entry is the call's version it produced
        # (the same on an idempotent retry, which answers the first version).
        result = answer.content
        return Response(
            TopUpRecorded(
                id=result.id, version=result.version, notification_id=result.notification_id, entry=result.version
            ),
            status_code=answer.status_code,
            headers=answer.headers,
        )

    @post("/{call_id:uuid}/closure", responses=WRITE_ERRORS, guards=[STAFF], status_code=200, summary="Close the call")
    async def close(
        self, request: Request, call_id: CallId, data: JSONBody[DatedIn], platform: NamedDependency[Platform]
    ) -> CommandResult:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.close_call(call_id, on=data.on or date.today(), expected_version=expected_version(request)),
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
    ) -> CommandResult:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.publish_results(
                call_id, on=data.on or date.today(), expected_version=expected_version(request)
            ),
            name="publish_results",
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
    ) -> CommandResult:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.grant_audit(call_id, auditor_id=data.auditor_id, reason=data.reason),
            name="grant_audit",
            status_code=201,
        )

    @get(
        "/{call_id:uuid}/envelope",
        responses=READ_ERRORS,
        guards=[STAFF],
        summary="The envelope's ledger and balance (now, or `at` a past moment, from the call's events)",
    )
    async def envelope(
        self,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        at: Annotated[datetime | None, QueryParameter(description="a past moment")] = None,
    ) -> EnvelopeLedger:
        row = await _call_row(platform, call_id, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            lines = [
                LedgerLine(**{k: v for k, v in line.items() if k in LedgerLine.__struct_fields__})
                for line in await queries.ledger(conn, str(call_id))
            ]
        if at is None:
            return EnvelopeLedger(
                call_id=str(call_id),
                as_at=None,
                version=row["version"],
                lines=lines,
                **{
                    k: row[k]
                    for k in ("envelope_initial", "top_ups", "envelope_total", "committed", "paid", "available")
                },
            )
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)  # a moment without its offset is read as UTC
        call = await to_thread.run_sync(training(platform).call_as_at, call_id, at)
        return EnvelopeLedger(
            call_id=str(call_id),
            as_at=at,
            version=call.version,
            envelope_initial=call.terms.envelope,
            top_ups=call.top_ups,
            envelope_total=call.envelope_total,
            committed=call.committed,
            paid=call.paid,
            available=call.available,
            lines=[line for line in lines if line.entry <= call.version],
        )

    @get(
        "/{call_id:uuid}/dashboard",
        responses=READ_ERRORS,
        guards=[STAFF],
        summary="The call's figures, per region and per member form, and the decisions awaiting review",
    )
    async def dashboard(
        self, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> CallDashboard:
        row = await _call_row(platform, call_id, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            figures = await queries.dashboard(conn, str(call_id))
            queue = await queries.review_queue(conn, str(call_id))
        by_breakdown = {
            b: [dashboard_figures(f) for f in figures if f["breakdown"] == b] for b in ("call", "region", "form")
        }
        if not by_breakdown["call"]:
            raise CallNotFound(call_id)
        return CallDashboard(
            call_id=str(call_id),
            year=row["year"],
            title=row["title"],
            status=row["status"],
            call=by_breakdown["call"][0],
            regions=by_breakdown["region"],
            forms=by_breakdown["form"],
            review_queue=[
                ReviewItem(
                    application_id=q["application_id"],
                    title=q["title"],
                    lead_name=q["lead_name"],
                    kind=q["decision"]["kind"],
                    amount=q["decision"]["amount"],
                    reason=q["decision"]["reason"],
                    decided_by=q["decision"]["decided_by"],
                    decided_on=date.fromisoformat(q["decision"]["on"]),
                    version=q["version"],
                )
                for q in queue
            ],
        )

    @get(
        "/{call_id:uuid}/regions/{code:str}/dashboard",
        responses=READ_ERRORS,
        guards=[REGION_READERS],
        summary="A region's part of the call's figures (regional delegates: their own region)",
    )
    async def region_dashboard(
        self,
        request: Request,
        call_id: CallId,
        code: RegionCode,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> DashboardFigures:
        await platform.wait_for("training", wait_for, [FUNDING])
        async with scoped_connection(platform.read_pool, scope_of(request.user)) as conn:
            figures = [f for f in await queries.region_figures(conn, code) if f["call_id"] == str(call_id)]
        if not figures:
            raise NotFound(f"aucun chiffre pour la région {code} dans l'appel {call_id}")
        return dashboard_figures(figures[0])

    @get(
        "/{call_id:uuid}/what-if",
        responses=READ_ERRORS,
        guards=[STAFF],
        summary="Rank the scored applications and show what an envelope or a cut-off score would fund "
        "(decides nothing)",
    )
    async def what_if(
        self,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        envelope: MoneyQuery = None,
        cutoff_score: ScoreQuery = None,
    ) -> WhatIf:
        row = await _call_row(platform, call_id, wait_for)
        budget = row["envelope_total"] if envelope is None else Decimal(envelope)
        cutoff = None if cutoff_score is None else Decimal(cutoff_score)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            candidates = [Candidate(**c) for c in await queries.scored_candidates(conn, str(call_id))]
        outcomes = simulate(candidates, budget, cutoff)
        count = Counter(o.outcome for o in outcomes)
        return WhatIf(
            call_id=str(call_id),
            envelope=budget,
            cutoff_score=cutoff,
            funded_total=sum((o.funded for o in outcomes), Decimal(0)),
            fully_funded=count["full"],
            partly_funded=count["partial"],
            unfunded=count["unfunded"],
            below_cutoff=count["below_cutoff"],
            lines=[
                WhatIfLine(
                    rank=o.rank,
                    application_id=o.candidate.application_id,
                    title=o.candidate.title,
                    lead_name=o.candidate.lead_name,
                    score=o.candidate.score,
                    requested=o.candidate.requested,
                    fundable=o.fundable,
                    funded=o.funded,
                    outcome=o.outcome,
                )
                for o in outcomes
            ],
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
        reader = await reader_of(platform, request.user)
        if reader.call_ids is not None and str(call_id) not in reader.call_ids:
            return ApplicationPage(items=[], total=0, limit=limit, offset=offset)
        ids = sorted(reader.application_ids) if reader.application_ids is not None else None
        async with scoped_connection(platform.read_pool, reader.scope) as conn:
            rows, total = await queries.applications(
                conn, call_id=str(call_id), status=status, application_ids=ids, limit=limit, offset=offset
            )
        return ApplicationPage(
            items=[application_summary(r, reader) for r in rows], total=total, limit=limit, offset=offset
        )

    @get(
        "/{call_id:uuid}/decisions.csv",
        responses=READ_ERRORS,
        guards=[EXPORTERS],
        summary="The call's decisions as CSV",
        media_type="text/csv",
    )
    async def decisions_csv(
        self, request: Request, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> Response[bytes]:
        row, lines = await _decisions(platform, request.user, call_id, wait_for)
        return Response(
            as_csv(lines),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="fms-{row["year"]}-decisions.csv"'},
        )

    @get(
        "/{call_id:uuid}/decisions.xlsx",
        responses=READ_ERRORS,
        guards=[EXPORTERS],
        summary="The call's decisions as an XLSX workbook",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    async def decisions_xlsx(
        self, request: Request, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> Response[bytes]:
        row, lines = await _decisions(platform, request.user, call_id, wait_for)
        content = await to_thread.run_sync(as_xlsx, lines, f"Décisions {row['year']}")
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="fms-{row["year"]}-decisions.xlsx"'},
        )


async def _call_row(platform: Platform, call_id: UUID, wait_for: int | None) -> dict:
    await platform.wait_for("training", wait_for, [FUNDING])
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        row = await queries.call(conn, str(call_id))
    if row is None:
        raise CallNotFound(call_id)
    return row


async def _decisions(
    platform: Platform, principal: Principal, call_id: UUID, wait_for: int | None
) -> tuple[dict, list[list]]:
    row = await _call_row(platform, call_id, wait_for)
    reader = await reader_of(platform, principal)
    if reader.call_ids is not None and str(call_id) not in reader.call_ids:
        raise CallNotFound(call_id)  # an auditor without a grant for this call
    async with scoped_connection(platform.read_pool, reader.scope) as conn:
        rows = await queries.decisions(conn, str(call_id))
    return row, decision_lines(rows)
