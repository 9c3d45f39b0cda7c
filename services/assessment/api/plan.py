"""HTTP routes of the positioning and the progress plan (live, or replayed as of a past moment),
and of the team's decisions on each plan action."""

from __future__ import annotations

from typing import TypedDict

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.assessment import figures, queries
from services.assessment.api.common import (
    READ_ERRORS,
    READERS,
    TEAM,
    WRITE_ERRORS,
    AsOf,
    AssessmentInPath,
    AtVersion,
    IndicatorInPath,
    WaitFor,
    access,
    cap_command,
    directory_entry,
    record_audit_read,
    replayed,
    visible_summary,
    wait,
)
from services.assessment.api.schemas import CompletionIn, ReasonIn, ScheduleIn
from services.assessment.domain.plan import plan_of
from services.assessment.domain.positioning import Position, positioning_of
from services.assessment.read_models import PlanView, PositioningView
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


class SplitPositions(TypedDict):
    overall: Position
    themes: list[Position]
    sub_themes: list[Position]


def _split(positions: list[Position] | tuple[Position, ...]) -> SplitPositions:
    return {
        "overall": next(p for p in positions if p.kind == "overall"),
        "themes": [p for p in positions if p.kind == "theme"],
        "sub_themes": [p for p in positions if p.kind == "sub_theme"],
    }


class PlanController(Controller):
    path = "/api/assessment/assessments/{assessment_id:uuid}"
    tags = ["assessment: positioning and plan"]

    @get(
        "/positioning",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="Score against the objectives per theme and sub-theme, with peer benchmarks "
        "(as_of / version: replayed)",
    )
    async def positioning(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        version: AtVersion = None,
    ) -> PositioningView:
        who = await access(request, platform)
        if as_of is not None or version is not None:
            sheet, referential = await replayed(platform, who, assessment_id, as_of=as_of, version=version)
            computed = positioning_of(sheet, referential)
            view = PositioningView(
                assessment_id=str(assessment_id),
                referential_version=sheet.referential_version,
                version=sheet.version,
                **_split(computed.all()),
                as_of=as_of,
                as_of_version=sheet.version,
            )
            tenant_id = sheet.tenant_id
        else:
            await wait(platform, wait_for)
            summary = await visible_summary(platform, who, assessment_id)
            async with scoped_connection(platform.read_pool, who.scope) as conn:
                positions = await queries.positions(conn, str(assessment_id))
            tenant_id = summary.tenant_id
            member = await directory_entry(platform, tenant_id)
            form = member.primary_form if member else summary.primary_form
            region = member.region if member else summary.region
            # Benchmarks are averages over other members: computed across the network on purpose,
            # and only averages of at least `BENCHMARK_MINIMUM` members are shown.
            async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
                benchmarks = await figures.benchmarks(conn, form=form, region=region, exclude_tenant=tenant_id)
            view = PositioningView(
                assessment_id=str(assessment_id),
                referential_version=summary.referential_version,
                version=summary.version,
                **_split(positions),
                benchmark_form=form,
                benchmark_region=region,
                benchmark_minimum=figures.BENCHMARK_MINIMUM,
                benchmarks=benchmarks,
            )
        await record_audit_read(
            request, platform, who, tenant_id=tenant_id, assessment_id=str(assessment_id), resource="positioning"
        )
        return view

    @get(
        "/plan",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="The progress plan, by priority (as_of / version: replayed)",
    )
    async def plan(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        version: AtVersion = None,
    ) -> PlanView:
        who = await access(request, platform)
        if as_of is not None or version is not None:
            sheet, referential = await replayed(platform, who, assessment_id, as_of=as_of, version=version)
            computed = plan_of(sheet, referential)
            view = PlanView(
                assessment_id=str(assessment_id),
                referential_version=computed.referential_version,
                version=computed.version,
                actions=list(computed.actions),
                as_of=as_of,
                as_of_version=computed.version,
            )
            tenant_id = sheet.tenant_id
        else:
            await wait(platform, wait_for)
            summary = await visible_summary(platform, who, assessment_id)
            async with scoped_connection(platform.read_pool, who.scope) as conn:
                actions = await queries.plan_actions(conn, str(assessment_id))
            view = PlanView(
                assessment_id=str(assessment_id),
                referential_version=summary.referential_version,
                version=summary.version,
                actions=actions,
            )
            tenant_id = summary.tenant_id
        await record_audit_read(
            request, platform, who, tenant_id=tenant_id, assessment_id=str(assessment_id), resource="plan"
        )
        return view

    @post(
        "/plan/actions/{indicator:str}/adoption",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        summary="Adopt a plan action",
        status_code=200,
    )
    async def adopt(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "adopt_action",
            lambda app, by, version: app.adopt_action(assessment_id, indicator, by=by, expected_version=version),
        )

    @post(
        "/plan/actions/{indicator:str}/schedule",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        summary="Schedule a plan action: owner, due date",
        status_code=200,
    )
    async def schedule(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        data: JSONBody[ScheduleIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "schedule_action",
            lambda app, by, version: app.schedule_action(
                assessment_id,
                indicator,
                by=by,
                owner=data.owner,
                due_on=data.due_on,
                expected_version=version,
            ),
        )

    @post(
        "/plan/actions/{indicator:str}/completion",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        summary="Record a plan action as done",
        status_code=200,
    )
    async def complete(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        data: JSONBody[CompletionIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "complete_action",
            lambda app, by, version: app.complete_action(
                assessment_id,
                indicator,
                by=by,
                completed_on=data.completed_on,
                expected_version=version,
            ),
        )

    @post(
        "/plan/actions/{indicator:str}/drop",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        summary="Drop a plan action, saying why",
        status_code=200,
    )
    async def drop(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        data: JSONBody[ReasonIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "drop_action",
            lambda app, by, version: app.drop_action(
                assessment_id,
                indicator,
                by=by,
                reason=data.reason,
                expected_version=version,
            ),
        )
