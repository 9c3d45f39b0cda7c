"""What every le Cap route uses: guards, query parameters, the caller's access, the assessment as
the caller may see it (live or as of a past moment), and the record of auditors' reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast, get_args
from uuid import UUID

from anyio import to_thread
from litestar import Request, Response
from litestar.params import PathParameter, QueryParameter
from msgspec.structs import replace

from services.assessment import queries
from services.assessment.access import Access, access_of
from services.assessment.api.schemas import (
    INDICATOR_PATTERN,
    SUB_THEME_PATTERN,
    VERSION_CODE_PATTERN,
    ReviewCommented,
    ReviewRequested,
)
from services.assessment.app import OWN_PROJECTIONS
from services.assessment.application import AssessmentApplication
from services.assessment.application.people import PersonDirectory
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.errors import AssessmentNotFound, AssessmentRefused, MemberNotFound
from services.assessment.domain.referential import Referential
from services.assessment.domain.replay import Moment, sheet_as_of
from services.assessment.domain.sheet import Sheet
from services.assessment.read_models import AssessmentRecord, AssessmentSummary, DirectoryEntry
from shared.as_of import AsOfParameter, KnownAtParameter, as_of_date
from shared.auth import Principal, Role, requires
from shared.commands import expected_version, run_command
from shared.decoding import RequestRefused
from shared.events import command_context
from shared.eventstore import CommandResult
from shared.http_errors import COMMAND_ERRORS, QUERY_ERRORS, error_responses
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.values import SINGLE_LINE_PATTERN, Limit, Offset

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

# What le Cap's operations may answer besides success. Reads also answer 422 (`wait_for` beyond the
# log's head, a replay before the assessment began, a diff without a starting point); commands also
# answer 503 (the member directory they consult has not caught up with the register yet).
READ_ERRORS = {**QUERY_ERRORS, **error_responses(422)}
WRITE_ERRORS = {**COMMAND_ERRORS, **error_responses(503)}

# Bounds that keep every number a query passes to PostgreSQL inside `bigint` (and a page in reason).
MAX_BIGINT = 2**63 - 1
MAX_VERSION = 2**31 - 1  # no assessment has two billion events: a version beyond is a typo or an attack
_OFFSET, _LIMIT = get_args(Offset)[1], get_args(Limit)[1]  # one bound for every list of the platform

WaitFor = Annotated[
    int | None,
    QueryParameter(
        ge=1, le=MAX_BIGINT, description="a notification id (from a command's answer) to wait for before reading"
    ),
]
# Replays (computed from the assessment's events): `as_of` a date, `known_at` a moment, with the
# platform's one meaning of both (`shared.as_of`); or `version`, its first N events.
AsOf = AsOfParameter
KnownAt = KnownAtParameter
AtVersion = Annotated[
    int | None,
    QueryParameter(
        ge=1,
        le=MAX_VERSION,
        description="replay: the assessment as of this version (its first N events; past the last one: 404); "
        "not with `as_of` / `known_at`",
    ),
]
PageLimit = Annotated[
    int, QueryParameter(ge=_LIMIT.ge, le=_LIMIT.le, description=f"how many items per page ({_LIMIT.ge} to {_LIMIT.le})")
]
PageOffset = Annotated[
    int, QueryParameter(ge=_OFFSET.ge, le=_OFFSET.le, description=f"rank of the page's first item (0 to {_OFFSET.le})")
]

# Identifiers and codes in paths and queries: bounded, and never a control character (a NUL would
# reach PostgreSQL, which refuses it in text).
_ID = {"min_length": 1, "max_length": 200, "pattern": SINGLE_LINE_PATTERN}
AssessmentInPath = Annotated[UUID, PathParameter(description="an assessment's id")]
GrantInPath = Annotated[UUID, PathParameter(description="an auditor's access grant id")]
TenantInPath = Annotated[str, PathParameter(**_ID, description="a member's id")]
TenantInQuery = Annotated[str | None, QueryParameter(**_ID, description="only this member's")]
AssessmentInQuery = Annotated[str | None, QueryParameter(**_ID, description="only reads of this assessment")]
AuditorInQuery = Annotated[str | None, QueryParameter(**_ID, description="only this auditor's reads")]
IndicatorInPath = Annotated[
    str,
    PathParameter(pattern=INDICATOR_PATTERN, description="an indicator's code, e.g. 1.1.1"),
]
SubThemeInQuery = Annotated[
    str | None,
    QueryParameter(pattern=SUB_THEME_PATTERN, description="only this sub-theme, e.g. 2.1"),
]
VersionInPath = Annotated[
    str,
    PathParameter(
        min_length=1, max_length=30, pattern=VERSION_CODE_PATTERN, description="a referential version, e.g. 2016.1"
    ),
]
RequestInPath = Annotated[str, PathParameter(**_ID, description="a review request's id (from its creation)")]
ProposalInPath = Annotated[str, PathParameter(**_ID, description="a reviewer's proposal id (from the comment)")]
ParticipantInPath = Annotated[str, PathParameter(**_ID, description="a participant's user id")]
# The member register's region codes (NPC, RAL...): capitals only.
RegionInPath = Annotated[
    str, PathParameter(min_length=2, max_length=8, pattern=r"^[A-Z]+$", description="a region's code, e.g. NPC")
]


def cap(platform: Platform) -> AssessmentApplication:
    application = platform.application("assessment")
    assert isinstance(application, AssessmentApplication)
    return application


AssessmentCommand = Callable[[AssessmentApplication, Principal, int | None], CommandResult]


def directory(platform: Platform) -> PersonDirectory:
    """The people directory the commands check named people against (`depends_on=("people",)`)."""
    return cast(PersonDirectory, platform.application("people"))


async def with_directory_names(platform: Platform, scope: ReadScope, record: AssessmentRecord) -> AssessmentRecord:
    """The record with its participants' current names from the directory, as far as the caller's
    scope sees them (a member's team: its people; the network: everyone). A participant the scope
    does not show, or invited before the directory, keeps the name the event recorded (or none)."""
    ids = [p.participant_id for p in record.participant_list]
    if not ids:
        return record
    async with scoped_connection(platform.read_pool, scope) as conn:
        rows = await conn.fetch("SELECT person_id, name FROM people.directory WHERE person_id = ANY($1::text[])", ids)
    names = {r["person_id"]: r["name"] for r in rows}
    participants = [replace(p, name=names.get(p.participant_id, p.name)) for p in record.participant_list]
    return replace(record, participant_list=participants)


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


def moment_of(version: int | None, as_of: str | None, known_at: datetime | None, prefix: str = "") -> Moment:
    """The moment a read asks for (`prefix`: `from_` / `to_` in a diff). A version names one state
    already: with a date or a moment as well, the request contradicts itself (400)."""
    day = as_of_date(as_of, f"{prefix}as_of")
    if version is not None and (day is not None or known_at is not None):
        raise RequestRefused(
            f"« {prefix}version » et « {prefix}as_of » / « {prefix}known_at » se contredisent : une version désigne "
            "déjà un état précis de l'évaluation, donnez l'un ou l'autre",
            f"{prefix}version",
            "query",
        )
    return Moment(version=version, as_of=day, known_at=known_at)


@dataclass(frozen=True)
class Replay:
    sheet: Sheet
    referential: Referential
    recorded_at: datetime  # when the store recorded the last event replayed


async def replay(platform: Platform, who: Access, assessment_id: UUID, moment: Moment) -> Replay:
    """The assessment as of `moment`, folded from its events, with its referential (404 when the
    caller may not see it, when the version does not exist or the moment is before its start)."""
    app = cap(platform)
    events = await to_thread.run_sync(app.assessment_events, assessment_id)
    tenant_id = events[0].tenant_id
    if not who.sees_assessment(str(assessment_id), tenant_id):
        raise AssessmentNotFound(assessment_id)
    sheet = sheet_as_of(events, moment)
    referential = await to_thread.run_sync(app.referential, sheet.referential_version)
    return Replay(sheet, referential, events[sheet.version - 1].timestamp)


async def replayed(platform: Platform, who: Access, assessment_id: UUID, moment: Moment) -> tuple[Sheet, Referential]:
    """The assessment's sheet as of `moment` and its referential."""
    found = await replay(platform, who, assessment_id, moment)
    return found.sheet, found.referential


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


async def directory_entry(platform: Platform, tenant_id: str) -> DirectoryEntry | None:
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


async def active_member(platform: Platform, tenant_id: str) -> DirectoryEntry:
    """The member an assessment starts (or restarts) for: known to the directory and still active."""
    entry = await directory_entry(platform, tenant_id)
    if entry is None:
        raise MemberNotFound(tenant_id)
    if entry.status != "active":
        raise AssessmentRefused(f"l'adhérent {entry.name} n'est plus actif ({entry.status})")
    return entry


async def check_peer(platform: Platform, reviewer_tenant: str) -> None:
    """A peer asked for a review is a member the directory knows as active."""
    peer = await directory_entry(platform, reviewer_tenant)
    if peer is None or peer.status != "active":
        raise AssessmentRefused(f"reviewer_tenant : aucun adhérent actif {reviewer_tenant}", field="reviewer_tenant")


def review_requested(response: Response[Any]) -> Response[Any]:
    """The command's answer with the id of the review request it created (its one event's version)."""
    result = response.content
    response.content = ReviewRequested(**_fields(result), request_id=Assessment.request_id_at(result.version))
    return response


def review_commented(response: Response[Any], *, proposed: bool) -> Response[Any]:
    """The comment's answer, with the id of the proposal it made when it proposed a level."""
    result = response.content
    proposal_id = Assessment.proposal_id_at(result.version) if proposed else None
    response.content = ReviewCommented(**_fields(result), proposal_id=proposal_id)
    return response


def _fields(result: CommandResult) -> dict[str, Any]:
    return {"id": result.id, "version": result.version, "notification_id": result.notification_id}
