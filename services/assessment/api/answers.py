"""HTTP routes of answers: each participant answers, the team settles, everyone reads the answers
with the self view and the reviewers' view side by side."""

from __future__ import annotations

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.assessment import queries
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
    SubThemeInQuery,
    WaitFor,
    access,
    cap,
    cap_command,
    moment_of,
    record_audit_read,
    replayed,
    visible_summary,
    wait,
)
from services.assessment.api.schemas import AnswerIn, RevisitIn, SettlementIn
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.read_models import AnswerSheet
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import scoped_connection


class AnswerController(Controller):
    path = "/api/assessment/assessments/{assessment_id:uuid}/answers"
    tags = ["assessment: answers"]

    @get(
        "/",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="Every indicator: participants' answers, the assessment's answer, self view and reviewer view "
        "(as_of / known_at / version: replayed)",
    )
    async def answers(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        sub_theme: SubThemeInQuery = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        version: AtVersion = None,
    ) -> AnswerSheet:
        who = await access(request, platform)
        app = cap(platform)
        moment = moment_of(version, as_of, known_at)
        if not moment.is_now:
            sheet, referential = await replayed(platform, who, assessment_id, moment)
            result = AnswerSheet(
                assessment_id=str(assessment_id),
                version=sheet.version,
                answers=queries.answer_views(sheet, referential, sub_theme),
                as_of=moment.as_of,
                known_at=moment.known_at,
                as_of_version=sheet.version,
            )
        else:
            await wait(platform, wait_for)
            await visible_summary(platform, who, assessment_id)
            async with scoped_connection(platform.read_pool, who.scope) as conn:
                stored = await queries.sheet(conn, str(assessment_id))
            if stored is None:
                raise AssessmentNotFound(assessment_id)
            sheet = stored
            referential = await to_thread.run_sync(app.referential, sheet.referential_version)
            result = AnswerSheet(
                assessment_id=str(assessment_id),
                version=sheet.version,
                answers=queries.answer_views(sheet, referential, sub_theme),
            )
        tenant_id = sheet.tenant_id
        await record_audit_read(
            request, platform, who, tenant_id=tenant_id, assessment_id=str(assessment_id), resource="answers"
        )
        return result

    @post(
        "/{indicator:str}",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        status_code=200,
        summary="Answer an indicator in one's own name (each participant's answer is kept beside the others)",
        description="A participant answers in their own name only. The member's admin may record, naming its "
        "`participant_id`, the answer of an invited participant who has not answered that indicator themselves "
        "(answers given on paper); the answer then shows both the participant and its author.",
    )
    async def answer(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        data: JSONBody[AnswerIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "answer",
            lambda app, by, version: app.answer(
                assessment_id,
                by=by,
                indicator=indicator,
                participant_id=data.participant_id,
                level=data.level,
                comment=data.comment,
                practice=data.practice,
                improve=data.improve,
                revisit=data.revisit,
                expected_version=version,
            ),
        )

    @post(
        "/{indicator:str}/revisit",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        status_code=200,
        summary='Mark (or unmark) one\'s own answer "revisit this" (the same rule as for answering)',
    )
    async def revisit(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        data: JSONBody[RevisitIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "mark_revisit",
            lambda app, by, version: app.mark_revisit(
                assessment_id,
                by=by,
                indicator=indicator,
                participant_id=data.participant_id,
                revisit=data.revisit,
                expected_version=version,
            ),
        )

    @post(
        "/{indicator:str}/settlement",
        responses=WRITE_ERRORS,
        guards=[TEAM],
        status_code=200,
        summary="Settle the assessment's answer where participants diverge (an explicit event)",
    )
    async def settle(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        indicator: IndicatorInPath,
        data: JSONBody[SettlementIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "settle_answer",
            lambda app, by, version: app.settle(
                assessment_id,
                by=by,
                indicator=indicator,
                level=data.level,
                practice=data.practice,
                improve=data.improve,
                comment=data.comment,
                expected_version=version,
            ),
        )
