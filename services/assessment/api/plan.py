"""HTTP routes of the positioning and the progress plan (live, or replayed as of a past moment),
and of the team's decisions on each plan action."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.assessment import figures
from services.assessment.api.common import (
    READ_ERRORS,
    READERS,
    TEAM,
    WRITE_ERRORS,
    AsOf,
    AssessmentInPath,
    AtVersion,
    IndicatorInPath,
    KnownAt,
    WaitFor,
    access,
    cap_command,
    moment_of,
    record_audit_read,
    replay,
    replayed,
    wait,
)
from services.assessment.api.schemas import CompletionIn, ReasonIn, ScheduleIn
from services.assessment.domain.plan import plan_of
from services.assessment.domain.positioning import positioning_of
from services.assessment.read_models import PlanView, PositioningView
from services.assessment.results_reading import peers_of, plan_now, positioning_now, split_positions
from shared.as_of import aware, end_of_day
from shared.eventstore import CommandResult
from shared.platform import Platform


class PlanController(Controller):
    path = "/api/assessment/assessments/{assessment_id:uuid}"
    tags = ["assessment: positioning and plan"]

    @get(
        "/positioning",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="Score against the objectives per theme and sub-theme, with peer benchmarks "
        "(as_of / known_at / version: replayed)",
    )
    async def positioning(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        version: AtVersion = None,
    ) -> PositioningView:
        who = await access(request, platform)
        moment = moment_of(version, as_of, known_at)
        if moment.is_now:
            await wait(platform, wait_for)
            summary, view = await positioning_now(platform, who, assessment_id)
            tenant_id = summary.tenant_id
        else:
            replayed_then = await replay(platform, who, assessment_id, moment)
            sheet = replayed_then.sheet
            tenant_id = sheet.tenant_id
            # As of a version: the other members' validations recorded by the time that version was.
            recorded_by = replayed_then.recorded_at if moment.version is not None else moment.known_at
            # As of a moment, the benchmarks are the averages as they stood then (the same query,
            # with the moment's bounds).
            peers = await peers_of(
                platform,
                tenant_id,
                started_form=sheet.forms[0] if sheet.forms else "other",
                started_region=sheet.region,
                validated_before=None if moment.as_of is None else end_of_day(moment.as_of),
                recorded_by=None if recorded_by is None else aware(recorded_by),
            )
            overall, themes, sub_themes = split_positions(list(positioning_of(sheet, replayed_then.referential).all()))
            view = PositioningView(
                assessment_id=str(assessment_id),
                referential_version=sheet.referential_version,
                version=sheet.version,
                overall=overall,
                themes=themes,
                sub_themes=sub_themes,
                benchmark_form=peers.form,
                benchmark_region=peers.region,
                benchmark_minimum=figures.BENCHMARK_MINIMUM,
                benchmarks=peers.benchmarks,
                as_of=moment.as_of,
                known_at=moment.known_at,
                as_of_version=sheet.version,
            )
        await record_audit_read(
            request, platform, who, tenant_id=tenant_id, assessment_id=str(assessment_id), resource="positioning"
        )
        return view

    @get(
        "/plan",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="The progress plan, by priority (as_of / known_at / version: replayed)",
    )
    async def plan(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        version: AtVersion = None,
    ) -> PlanView:
        who = await access(request, platform)
        moment = moment_of(version, as_of, known_at)
        if not moment.is_now:
            sheet, referential = await replayed(platform, who, assessment_id, moment)
            computed = plan_of(sheet, referential)
            view = PlanView(
                assessment_id=str(assessment_id),
                referential_version=computed.referential_version,
                version=computed.version,
                actions=list(computed.actions),
                as_of=moment.as_of,
                known_at=moment.known_at,
                as_of_version=computed.version,
            )
            tenant_id = sheet.tenant_id
        else:
            await wait(platform, wait_for)
            summary, view = await plan_now(platform, who, assessment_id)
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
