"""What the training controllers share: the guards, the application, the `wait_for` parameter, the
paging parameters, the errors each kind of operation documents, and the call's read-model row."""

from __future__ import annotations

from typing import Annotated, get_args
from uuid import UUID

from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from services.training import queries
from services.training.api.schemas import REGION_PATTERN, SCORE_PATTERN
from services.training.application import TrainingApplication
from services.training.domain.errors import CallNotFound
from shared.auth import Role, requires
from shared.http_errors import COMMAND_ERRORS, QUERY_ERRORS, ErrorBody
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.values import MONEY_PATTERN
from shared.values import Limit as SharedLimit
from shared.values import Offset as SharedOffset

STAFF = requires(Role.NATIONAL_STAFF)
APPLICANTS = requires(Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
REVIEWERS = requires(Role.FUND_REVIEWER)
ANYONE = requires(*Role)
# Everyone who may read applications; what each sees is narrowed by `access.access_of`.
READERS = requires(
    Role.NATIONAL_STAFF,
    Role.AUDITOR,
    Role.FUND_REVIEWER,
    Role.REGIONAL_DELEGATE,
    Role.MEMBER_ADMIN,
    Role.MEMBER_CONTRIBUTOR,
)

WaitFor = Annotated[
    int | None,
    QueryParameter(ge=1, le=2**63 - 1, description="a notification id to wait for (read your own write)"),
]
# Litestar checks a parameter against the constraints of its `QueryParameter`/`PathParameter` (not
# against a `Meta` inside the type): the bounds are copied from the shared paging types.
_LIMIT, _OFFSET = get_args(SharedLimit)[1], get_args(SharedOffset)[1]
Limit = Annotated[int, QueryParameter(ge=_LIMIT.ge, le=_LIMIT.le, description=_LIMIT.description)]
Offset = Annotated[int, QueryParameter(ge=_OFFSET.ge, le=_OFFSET.le, description=_OFFSET.description)]
CallId = Annotated[UUID, PathParameter(description="the call's id")]
ApplicationId = Annotated[UUID, PathParameter(description="the application's id")]
MemberId = Annotated[UUID, PathParameter(description="the member's id (its tenant id)")]
RegionCode = Annotated[
    str, PathParameter(min_length=2, max_length=8, pattern=REGION_PATTERN, description="a region's code, e.g. BRE")
]
MoneyQuery = Annotated[
    str | None,
    QueryParameter(pattern=MONEY_PATTERN, description="euros, at most two decimals, e.g. 5000.50"),
]
ScoreQuery = Annotated[
    str | None,
    QueryParameter(pattern=SCORE_PATTERN, description="a score out of 100, at most two decimals, e.g. 75.5"),
]

# Commands: the shared list (400, 401, 403, 404, 409, 422).
WRITE_ERRORS = COMMAND_ERRORS
# Reads: the shared list, plus the 422 of a parameter that breaks a rule or a `wait_for` beyond the log.
READ_ERRORS = {
    **QUERY_ERRORS,
    422: ResponseSpec(
        data_container=ErrorBody,
        description="`wait_for` names a notification the log has not reached, or a parameter breaks a rule "
        "(the field is named in `extra.field`)",
        generate_examples=False,
    ),
}

FUNDING = "funding"
DECISION_FILES = "decision_files"


def training(platform: NamedDependency[Platform]) -> TrainingApplication:
    application = platform.application("training")
    if not isinstance(application, TrainingApplication):
        raise TypeError(f"the platform's training application is a {type(application).__name__}")
    return application


async def call_row(platform: Platform, call_id: UUID, wait_for: int | None) -> dict:
    """The call's read-model row (in network scope: calls are public to every signed-in user), or 404."""
    await platform.wait_for("training", wait_for, [FUNDING])
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        row = await queries.call(conn, str(call_id))
    if row is None:
        raise CallNotFound(call_id)
    return row
