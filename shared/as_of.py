"""`as_of` and `known_at`: one meaning and one type for "as it stood then" in every service.

The member register's vocabulary is the reference:

- `as_of` is a DATE (AAAA-MM-JJ): the state in force at the end of that day, in the federation's
  time zone (Europe/Paris). Whatever took effect before midnight at the end of that day counts.
- `known_at` is a DATE-TIME (RFC 3339): what had been recorded by that moment. A date-time
  without an offset is read as UTC, as PostgreSQL and asyncpg read it (give the offset:
  `2016-03-31T18:00:00+02:00`).

Both may be given together (the state in force on a day, as known at a moment). A date-time given
in `as_of` is refused (400) with a message that points to `known_at`: before this module le Cap
took a date-time there, and silently reading only its date would answer another question.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from litestar.params import QueryParameter

from shared.decoding import RequestRefused

PARIS = ZoneInfo("Europe/Paris")

AS_OF_DESCRIPTION = (
    "a date AAAA-MM-JJ: the state in force at the end of that day (Europe/Paris); for a precise moment, use `known_at`"
)
KNOWN_AT_DESCRIPTION = (
    "a date-time (RFC 3339, with its offset; without one it is read as UTC): what had been recorded by that moment"
)

# `as_of` is read by `as_of_date` rather than by the framework, so that a date-time gets the message
# naming `known_at`; the OpenAPI document still says it is a date.
AsOfParameter = Annotated[
    str | None,
    QueryParameter(max_length=40, description=AS_OF_DESCRIPTION, schema_extra={"format": "date"}),
]
KnownAtParameter = Annotated[datetime | None, QueryParameter(description=KNOWN_AT_DESCRIPTION)]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ].*", re.DOTALL)


def as_of_date(value: str | None, field: str = "as_of") -> date | None:
    """The date an `as_of` query parameter names (None: not given), or a 400 naming the field."""
    if value is None:
        return None
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise RequestRefused(
                f"le paramètre « {field} » n'est pas une date du calendrier ({value})", field, "query"
            ) from None
    if _DATE_TIME.fullmatch(value):
        raise RequestRefused(
            f"le paramètre « {field} » est une date AAAA-MM-JJ (l'état en vigueur à la fin de ce jour, heure de "
            "Paris), pas une date-heure : pour un moment précis, utilisez « known_at » (ce qui était enregistré "
            "à ce moment-là)",
            field,
            "query",
        )
    raise RequestRefused(f"le paramètre « {field} » doit être une date AAAA-MM-JJ", field, "query")


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Europe/Paris: what happened strictly before it was in force
    at the end of that day (midnight is computed in Paris time, so daylight saving is right)."""
    if day >= date.max:
        return datetime.max.replace(tzinfo=UTC)  # the calendar's last day: nothing comes after it
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=PARIS).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    """A `known_at` moment in UTC (read as UTC when the client gave no offset). A moment so close
    to year 1 or year 9999 that its offset carries it past the calendar is that end of the calendar
    (PostgreSQL's drivers convert to UTC and would otherwise fail)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


def today_in_paris(now: datetime | None = None) -> date:
    """The federation's today: the date in Paris (a server on UTC is still on yesterday for the first
    hour or two of a French day)."""
    return (now or datetime.now(UTC)).astimezone(PARIS).date()
