"""HTTP routes of assessments: start, read (live or as of a past moment), participants, submission,
validation, reopening. Thin: parse, authorise, call the application or a query."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from services.assessment import queries
from services.assessment.api.common import (
    ADMIN,
    ADMIN_OR_STAFF,
    READ_ERRORS,
    READERS,
    WRITE_ERRORS,
    AsOf,
    AssessmentInPath,
    AtVersion,
    KnownAt,
    PageLimit,
    PageOffset,
    ParticipantInPath,
    TenantInQuery,
    WaitFor,
    access,
    active_member,
    cap,
    cap_command,
    directory,
    moment_of,
    record_audit_read,
    replayed,
    wait,
    with_directory_names,
)
from services.assessment.api.schemas import AssessmentStart, ParticipantIn, Reopening, SubThemesIn
from services.assessment.domain.errors import AssessmentNotFound, Forbidden
from services.assessment.domain.plan import plan_of
from services.assessment.domain.positioning import positioning_of
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet
from services.assessment.projections.sheet_rows import summary_row
from services.assessment.read_models import AssessmentPage, AssessmentRecord, Status
from shared.auth import Principal, Role
from shared.commands import expected_version, run_command
from shared.errors import InvalidInput
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import scoped_connection


def record_as_of(sheet: Sheet, referential: Referential, **as_of: object) -> AssessmentRecord:
    row = summary_row(sheet, referential, plan_of(sheet, referential), positioning_of(sheet, referential))
    return queries.record_of(row, sheet, **as_of)


class AssessmentController(Controller):
    path = "/api/assessment/assessments"
    tags = ["assessment: assessments"]

    @post(
        "/",
        responses=WRITE_ERRORS,
        guards=[ADMIN_OR_STAFF],
        status_code=201,
        summary="Start an assessment (a member admin for its member; national staff name the member)",
    )
    async def start(
        self, request: Request, data: JSONBody[AssessmentStart], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        principal: Principal = request.user
        if principal.has(Role.NATIONAL_STAFF):
            if data.tenant_id is None:
                raise InvalidInput("tenant_id : nommez l'adhérent dont l'évaluation commence", field="tenant_id")
            tenant_id = data.tenant_id
        else:
            if data.tenant_id not in (None, principal.tenant):
                raise Forbidden("tenant_id : un adhérent ne commence que sa propre évaluation", field="tenant_id")
            tenant_id = str(principal.tenant)
        member = await active_member(platform, tenant_id)
        return await cap_command(
            request,
            platform,
            "start_assessment",
            lambda app, by, version: app.start_assessment(
                tenant_id=tenant_id,
                region=member.region,
                forms=tuple(member.forms),
                scope=data.scope,
                referential_version=data.referential_version,
            ),
            status_code=201,
        )

    @get(
        "/",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="The assessments the caller may see (filtered, paginated)",
    )
    async def list_assessments(
        self,
        request: Request,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        tenant_id: TenantInQuery = None,
        status: Annotated[Status | None, QueryParameter(description="only assessments at this stage")] = None,
        limit: PageLimit = 50,
        offset: PageOffset = 0,
    ) -> AssessmentPage:
        await wait(platform, wait_for)
        who = await access(request, platform)
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            page = await queries.list_assessments(
                conn, who, tenant=tenant_id, status=status, limit=limit, offset=offset
            )
        # An auditor's list is recorded once for each grant that let rows through.
        through: dict[str, tuple[str, str]] = {}
        for item in page.items:
            grant = who.audit_grant(item.tenant_id, item.assessment_id)
            if grant is not None:
                through.setdefault(grant, (item.tenant_id, item.assessment_id))
        for tenant, assessment in through.values():
            await record_audit_read(
                request, platform, who, tenant_id=tenant, assessment_id=assessment, resource="assessment_list"
            )
        return page

    @get(
        "/{assessment_id:uuid}",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="An assessment (as_of / known_at / version: as it stood then, replayed from its events)",
    )
    async def record(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        version: AtVersion = None,
    ) -> AssessmentRecord:
        who = await access(request, platform)
        moment = moment_of(version, as_of, known_at)
        if not moment.is_now:
            sheet, referential = await replayed(platform, who, assessment_id, moment)
            found = record_as_of(
                sheet, referential, as_of=moment.as_of, known_at=moment.known_at, as_of_version=sheet.version
            )
        else:
            await wait(platform, wait_for)
            async with scoped_connection(platform.read_pool, who.scope) as conn:
                stored = await queries.record(conn, str(assessment_id))
            if stored is None or not who.sees_assessment(stored.assessment_id, stored.tenant_id):
                raise AssessmentNotFound(assessment_id)
            found = stored
        await record_audit_read(
            request, platform, who, tenant_id=found.tenant_id, assessment_id=found.assessment_id, resource="assessment"
        )
        return await with_directory_names(platform, who.scope, found)

    @post(
        "/{assessment_id:uuid}/reopening",
        responses=WRITE_ERRORS,
        guards=[ADMIN_OR_STAFF],
        status_code=201,
        summary="Reopen a validated assessment: starts a new one linked to it",
    )
    async def reopen(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        data: JSONBody[Reopening],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = cap(platform)
        # The write side's own record (not a read model that may lag): whose assessment it is.
        current = await to_thread.run_sync(app.assessment, assessment_id)
        principal: Principal = request.user
        if not principal.has(Role.NATIONAL_STAFF) and principal.tenant != current.tenant_id:
            raise AssessmentNotFound(assessment_id)
        member = await active_member(platform, current.tenant_id)
        return await run_command(
            request,
            app,
            lambda: app.reopen(
                assessment_id,
                by=request.user,
                region=member.region,
                forms=tuple(member.forms),
                referential_version=data.referential_version,
            ),
            name="reopen_assessment",
            status_code=201,
        )

    @post(
        "/{assessment_id:uuid}/participants",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        status_code=200,
        summary="Invite a participant (an employee or a volunteer) to answer collectively",
    )
    async def invite(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        data: JSONBody[ParticipantIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "invite_participant",
            lambda app, by, version: app.invite_participant(
                assessment_id,
                by=by,
                participant_id=data.participant_id,
                kind=data.kind,
                sub_themes=tuple(data.sub_themes),
                directory=directory(platform),
                expected_version=version,
            ),
        )

    @put(
        "/{assessment_id:uuid}/participants/{participant_id:str}/sub-themes",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        summary="Assign sub-themes to a participant",
        status_code=200,
    )
    async def assign(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        participant_id: ParticipantInPath,
        data: JSONBody[SubThemesIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "assign_sub_themes",
            lambda app, by, version: app.assign_sub_themes(
                assessment_id,
                by=by,
                participant_id=participant_id,
                sub_themes=tuple(data.sub_themes),
                expected_version=version,
            ),
        )

    @post(
        "/{assessment_id:uuid}/submission",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        status_code=200,
        summary="Submit the self-assessment",
    )
    async def submit(
        self, request: Request, assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = cap(platform)
        return await run_command(
            request,
            app,
            lambda: app.submit(assessment_id, by=request.user, expected_version=expected_version(request)),
            name="submit_assessment",
        )

    @post(
        "/{assessment_id:uuid}/validation",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        status_code=200,
        summary="Validate the assessment (after reviews): it becomes read-only",
    )
    async def validate(
        self, request: Request, assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = cap(platform)
        return await run_command(
            request,
            app,
            lambda: app.validate(assessment_id, by=request.user, expected_version=expected_version(request)),
            name="validate_assessment",
        )
