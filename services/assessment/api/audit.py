"""HTTP routes of the auditor's replay: history, diffs between two moments or two successive
assessments, and the access grants (with every audit read recorded)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from services.assessment import queries
from services.assessment.api.common import (
    AUDIT_READERS,
    MAX_VERSION,
    READ_ERRORS,
    READERS,
    STAFF,
    WRITE_ERRORS,
    AsOf,
    AssessmentInPath,
    AssessmentInQuery,
    AuditorInQuery,
    GrantInPath,
    KnownAt,
    PageLimit,
    PageOffset,
    WaitFor,
    access,
    cap,
    cap_command,
    directory_entry,
    moment_of,
    record_audit_read,
    replayed,
    visible_summary,
    wait,
)
from services.assessment.api.schemas import GrantIn, ReasonIn
from services.assessment.domain.diff import AssessmentDiff, diff
from services.assessment.domain.errors import AssessmentNotFound, MemberNotFound
from services.assessment.domain.replay import HistoryEntry, Moment
from services.assessment.domain.replay import history as history_of
from services.assessment.read_models import AuditReadView, GrantView
from shared.auth import Principal, Role
from shared.commands import expected_version, run_command
from shared.errors import InvalidInput
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

MomentVersion = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_VERSION, description="a version (its first N events)")
]


class AuditController(Controller):
    path = "/api/assessment/assessments/{assessment_id:uuid}"
    tags = ["assessment: audit"]

    @get(
        "/history",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="Every event of the assessment: when, who, in which role",
    )
    async def history(
        self, request: Request, assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
    ) -> list[HistoryEntry]:
        who = await access(request, platform)
        events = await to_thread.run_sync(cap(platform).assessment_events, assessment_id)
        tenant_id = events[0].tenant_id
        if not who.sees_assessment(str(assessment_id), tenant_id):
            raise AssessmentNotFound(assessment_id)
        await record_audit_read(
            request, platform, who, tenant_id=tenant_id, assessment_id=str(assessment_id), resource="history"
        )
        return history_of(events)

    @get(
        "/diff",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="What changed between two moments (from_version / from_as_of / from_known_at → "
        "to_version / to_as_of / to_known_at; default: now)",
        description="Each side is a version, or a date (`as_of`: the state at the end of that day, Europe/Paris) "
        "and / or a moment (`known_at`: what had been recorded by then), as on the replays.",
    )
    async def diff_moments(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        from_version: MomentVersion = None,
        from_as_of: AsOf = None,
        from_known_at: KnownAt = None,
        to_version: MomentVersion = None,
        to_as_of: AsOf = None,
        to_known_at: KnownAt = None,
    ) -> AssessmentDiff:
        start = moment_of(from_version, from_as_of, from_known_at, "from_")
        end = moment_of(to_version, to_as_of, to_known_at, "to_")
        if start.is_now:
            raise InvalidInput(
                "from_version, from_as_of ou from_known_at : à partir de quel moment comparer ?", field="from_version"
            )
        who = await access(request, platform)
        before, before_ref = await replayed(platform, who, assessment_id, start)
        after, after_ref = await replayed(platform, who, assessment_id, end)
        await record_audit_read(
            request, platform, who, tenant_id=after.tenant_id, assessment_id=str(assessment_id), resource="diff"
        )
        return diff(before, before_ref, after, after_ref)

    @get(
        "/diff/previous",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="This assessment against the member's previous one (e.g. last year's against this year's)",
    )
    async def diff_previous(
        self, request: Request, assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
    ) -> AssessmentDiff:
        who = await access(request, platform)
        current = await visible_summary(platform, who, assessment_id)
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            previous = await queries.previous_of(conn, current)
        if previous is None:
            raise AssessmentNotFound(f"précédant {assessment_id} : c'est la première évaluation de l'adhérent")
        before, before_ref = await replayed(platform, who, UUID(previous), Moment())
        after, after_ref = await replayed(platform, who, assessment_id, Moment())
        await record_audit_read(
            request,
            platform,
            who,
            tenant_id=current.tenant_id,
            assessment_id=str(assessment_id),
            resource="diff_previous",
        )
        return diff(before, before_ref, after, after_ref)


class AccessGrantController(Controller):
    path = "/api/assessment"
    tags = ["assessment: audit"]

    @post(
        "/access-grants",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Grant an auditor read-only access to one assessment or one member, for a period",
    )
    async def grant(
        self, request: Request, data: JSONBody[GrantIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        if (data.tenant_id is None) == (data.assessment_id is None):
            raise InvalidInput(
                "assessment_id ou tenant_id : nommez soit une évaluation, soit un adhérent (l'un des deux)",
                field="assessment_id",
            )
        assessment_id = data.assessment_id
        if assessment_id is None and await directory_entry(platform, str(data.tenant_id)) is None:
            raise MemberNotFound(data.tenant_id)
        valid_from = data.valid_from or datetime.now(UTC)
        return await cap_command(
            request,
            platform,
            "grant_access",
            lambda app, by, version: app.grant_access(
                auditor_id=data.auditor_id,
                tenant_id=data.tenant_id,
                assessment_id=assessment_id,
                valid_from=valid_from,
                valid_until=data.valid_until,
                reason=data.reason,
            ),
            status_code=201,
        )

    @post(
        "/access-grants/{grant_id:uuid}/revocation",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        summary="Revoke an auditor's access grant",
        status_code=200,
    )
    async def revoke(
        self, request: Request, grant_id: GrantInPath, data: JSONBody[ReasonIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = cap(platform)
        return await run_command(
            request,
            app,
            lambda: app.revoke_access(grant_id, reason=data.reason, expected_version=expected_version(request)),
            name="revoke_access",
        )

    @get(
        "/access-grants",
        responses=READ_ERRORS,
        guards=[AUDIT_READERS],
        summary="Access grants (an auditor sees their own)",
    )
    async def grants(
        self, request: Request, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> list[GrantView]:
        await wait(platform, wait_for)
        principal: Principal = request.user
        auditor = None if principal.has(Role.NATIONAL_STAFF) else principal.subject
        # Grants name the auditor: read across the network, filtered on the caller unless staff.
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            return await queries.grants(conn, auditor)

    @get("/audit-reads", responses=READ_ERRORS, guards=[STAFF], summary="Every read made by auditors under a grant")
    async def audit_reads(
        self,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        assessment_id: AssessmentInQuery = None,
        auditor_id: AuditorInQuery = None,
        limit: PageLimit = 100,
        offset: PageOffset = 0,
    ) -> list[AuditReadView]:
        await wait(platform, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            return await queries.audit_reads(
                conn, assessment_id=assessment_id, auditor_id=auditor_id, limit=limit, offset=offset
            )
