"""Parameters the membership routes share, each with the description the OpenAPI document shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, get_args
from uuid import UUID

from litestar.params import HeaderParameter, Parameter, PathParameter, QueryParameter

from services.membership.api.schemas import REGION_CODE_PATTERN
from services.membership.domain.member import Form, Scheme, Status
from shared.as_of import AsOfParameter, KnownAtParameter, as_of_date, aware, today_in_paris
from shared.commands import MAX_IDEMPOTENCY_KEY_LENGTH
from shared.values import SINGLE_LINE_PATTERN
from shared.values import Offset as SharedOffset

# A version as an ETag (3, "3" or W/"3"), ASCII digits only: `int()` alone would also take "+3",
# " 3 " or fullwidth digits.
IF_MATCH_PATTERN = r'^(W/)?"?[0-9]{1,18}"?(?!\n)$'

# The bound of `shared.values.Offset`, read from it so that there is one definition.
OFFSET_MAX = get_args(SharedOffset)[1].le

MemberId = Annotated[UUID, Parameter(description="The member's id (also its tenant id)")]
# A region code in a path: bounded like everywhere else (U+0000 in it could not even reach PostgreSQL).
RegionCodeInPath = Annotated[
    str, PathParameter(min_length=2, max_length=8, pattern=REGION_CODE_PATTERN, description="The region's code")
]

# Headers the commands read (in `shared.commands`), declared on their routes so that the OpenAPI
# document shows them; both are optional. A registration or a merger creates: it has no version to match.
IDEMPOTENCY_KEY = HeaderParameter(
    annotation=str,
    name="Idempotency-Key",
    required=False,
    min_length=1,
    max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
    description="A key of the client's choosing: a retry with the same key and body gets the first "
    "answer and writes nothing",
)
# A route handler takes no `parameters` (only controllers do): a creation declares this in its signature.
IdempotencyKey = Annotated[str | None, IDEMPOTENCY_KEY]
COMMAND_HEADERS = {
    "idempotency_key": IDEMPOTENCY_KEY,
    "if_match": HeaderParameter(
        annotation=str,
        name="If-Match",
        required=False,
        pattern=IF_MATCH_PATTERN,
        description='The version of the record the client last read (its ETag, e.g. "3"): '
        "a stale one is refused with 409 and nothing is written",
    ),
}

# Paging of the member list: the bounds of `shared.values` (an offset beyond PostgreSQL's bigint
# was a 500), as query parameters.
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="How many members per page (1 to 500)")]
Offset = Annotated[int, QueryParameter(ge=0, le=OFFSET_MAX, description="How many members to skip (0 to 1,000,000)")]

# Filters of the member list: coded values are enums (the OpenAPI document lists them), and free
# text is one line without control characters (PostgreSQL cannot even receive U+0000 in text).
RegionFilter = Annotated[
    str | None,
    QueryParameter(min_length=2, max_length=8, pattern=REGION_CODE_PATTERN, description="Only members of this region"),
]
FormFilter = Annotated[Form | None, QueryParameter(description="Only members carrying this form")]
StatusFilter = Annotated[Status | None, QueryParameter(description="Only members with this status")]
CertificationFilter = Annotated[Scheme | None, QueryParameter(description="Only members holding this certification")]
NameFilter = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=300,
        pattern=SINGLE_LINE_PATTERN,
        description="Only members whose name contains this text (case ignored)",
    ),
]

# Reading one's own write, and the register at a date as known at a moment.
WaitFor = Annotated[int | None, QueryParameter(ge=1, description="a notification id to wait for")]
# `as_of` (a date) and `known_at` (a moment): the meaning every service shares (`shared.as_of`).
AsOf = AsOfParameter
KnownAt = KnownAtParameter


def asked(as_of: str | None, known_at: datetime | None) -> tuple[date | None, datetime | None]:
    """The date `as_of` names (a date-time there is a 400 pointing to `known_at`) and the moment
    `known_at` names, in UTC."""
    return as_of_date(as_of), None if known_at is None else aware(known_at)


def or_today(day: date | None, now: datetime | None = None) -> date:
    """A date parameter or field the client may leave out: today in Paris when it did (the
    federation's date, not the server's: UTC is still on yesterday for an hour or two)."""
    return day or today_in_paris(now)
