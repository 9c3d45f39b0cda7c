"""What the training controllers share: the guards, the application, the `wait_for` parameter, the
paging parameters, and the errors each kind of operation documents."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter

from services.training.application import TrainingApplication
from shared.auth import Role, requires
from shared.errors import COMMAND_ERRORS, QUERY_ERRORS, ErrorBody
from shared.platform import Platform
from shared.values import Limit as LimitValue
from shared.values import Offset as OffsetValue

STAFF = requires(Role.NATIONAL_STAFF)
APPLICANTS = requires(Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
REVIEWERS = requires(Role.FUND_REVIEWER)
ANYONE = requires(*Role)
# Everyone who may read applications; what each sees is narrowed by `access.reader_of`.
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
Limit = Annotated[LimitValue, QueryParameter(description="page size (1 to 500)")]
Offset = Annotated[OffsetValue, QueryParameter(description="rank of the page's first item (0 to 1,000,000)")]

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
