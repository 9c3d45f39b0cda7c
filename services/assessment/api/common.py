"""What every le Cap route uses: guards, query parameters, the caller's access, the assessment as
the caller may see it (live or as of a past moment), and the record of auditors' reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from anyio import to_thread
from litestar import Request, Response
from litestar.params import QueryParameter

from services.assessment import queries
from services.assessment.access import Access, access_of
from services.assessment.api.schemas import AssessmentSummary
from services.assessment.app import OWN_PROJECTIONS
from services.assessment.application import AssessmentApplication
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet
from services.assessment.replay import sheet_as_of
from shared.auth import Principal, Role, requires
from shared.commands import expected_version, run_command
from shared.events import command_context
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

ANYONE = requires(*Role)
READERS = requires(
    Role.NATIONAL_STAFF,
    Role.REGIONAL_DELEGATE,
    Role.TRAINER,
    Role.MEMBER_ADMIN,
    Role.MEMBER_CONTRIBUTOR,
    Role.PEER_REVIEWER,
    Role.AUDITOR,
)
TEAM = requires(Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
ADMIN = requires(Role.MEMBER_ADMIN)
ADMIN_OR_STAFF = requires(Role.MEMBER_ADMIN, Role.NATIONAL_STAFF)
REVIEWERS = requires(Role.REGIONAL_DELEGATE, Role.TRAINER, Role.PEER_REVIEWER)
STAFF = requires(Role.NATIONAL_STAFF)
REGION_READERS = requires(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE, Role.TRAINER)
AUDIT_READERS = requires(Role.NATIONAL_STAFF, Role.AUDITOR)

WaitFor = Annotated[
    int | None,
    QueryParameter(ge=1, description="a notification id (from a command's answer) to wait for before reading"),
]
AsOf = Annotated[
    datetime | None,
    QueryParameter(description="replay: the assessment as it stood at this time (computed from its events)"),
]
AtVersion = Annotated[
    int | None, QueryParameter(ge=1, description="replay: the assessment as of this version (its first N events)")
]


def cap(platform: Platform) -> AssessmentApplication:
    application = platform.application("assessment")
    assert isinstance(application, AssessmentApplication)
    return application


AssessmentCommand = Callable[[AssessmentApplication, Principal, int | None], CommandResult]


async def cap_command(
    request: Request, platform: Platform, name: str, command: AssessmentCommand, *, status_code: int = 200
) -> Response[CommandResult]:
    """Run a le Cap command as the caller, with the version the caller last read (`If-Match`)."""
    app = cap(platform)
    return await run_command(
        request, app, lambda: command(app, request.user, expected_version(request)), name=name, status_code=status_code
    )


async def wait(platform: Platform, wait_for: int | None) -> None:
    """Wait until le Cap's read models have applied the notification a command answered."""
    await platform.wait_for("assessment", wait_for, OWN_PROJECTIONS)


async def access(request: Request, platform: Platform) -> Access:
    return await access_of(platform.read_pool, request.user)


async def visible_summary(platform: Platform, who: Access, assessment_id: UUID) -> AssessmentSummary:
    """The assessment's summary if the caller may see it; otherwise it does not exist (404)."""
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        found = await queries.summary(conn, str(assessment_id))
    if found is None or not who.sees_assessment(found.assessment_id, found.tenant_id):
        raise AssessmentNotFound(assessment_id)
    return found


async def replayed(
    platform: Platform, who: Access, assessment_id: UUID, *, as_of: datetime | None, version: int | None
) -> tuple[Sheet, Referential]:
    """The assessment's sheet as of a time or a version, folded from its events, and its referential."""
    app = cap(platform)
    events = await to_thread.run_sync(app.assessment_events, assessment_id)
    tenant_id = events[0].tenant_id
    if not who.sees_assessment(str(assessment_id), tenant_id):
        raise AssessmentNotFound(assessment_id)
    sheet = sheet_as_of(events, version=version, at=as_of)
    referential = await to_thread.run_sync(app.referential, sheet.referential_version)
    return sheet, referential


async def record_audit_read(
    request: Request, platform: Platform, who: Access, *, tenant_id: str, assessment_id: str | None, resource: str
) -> None:
    """Record the read when only an access grant allowed it (auditors): reads are events too."""
    grant_id = who.audit_grant(tenant_id, assessment_id)
    if grant_id is None:
        return
    principal: Principal = request.user
    app = cap(platform)

    def record() -> None:
        with command_context(
            actor_id=principal.subject,
            actor_role=principal.main_role,
            tenant_id=None,
            correlation_id=request.scope["state"].get("correlation_id"),
            causation_id=request.scope["state"].get("request_id"),
        ):
            app.record_audit_read(
                auditor_id=principal.subject,
                grant_id=grant_id,
                tenant_id=tenant_id,
                assessment_id=assessment_id,
                resource=resource,
                path=request.url.path,
                query=request.url.query or "",
            )

    await to_thread.run_sync(record)


async def directory_entry(platform: Platform, tenant_id: str) -> queries.DirectoryEntry | None:
    """A member as the directory knows it (network scope on purpose: a command names the member and
    the application checks the caller's right to act for it). When the directory has not seen the
    member yet, wait once for it to catch up with the member register."""
    for attempt in (1, 2):
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            entry = await queries.directory_entry(conn, tenant_id)
        if entry is not None or attempt == 2:
            return entry
        await platform.wait_for("assessment", await platform.head("membership"), ["member_directory"])
    return None
