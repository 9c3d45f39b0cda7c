"""The auditor's replay: an assessment's history, and the assessment as of a past moment, both
computed from its events (the store is the audit trail: nothing in between can lag or differ).

"As of" a version keeps the events up to that version; "as of" a time keeps those that happened
by then (`at` never goes backwards within an assessment, so either way it is a prefix of the
events). The prefix is folded by the same function as the live read model, and the rows, plan and
positioning come from the same functions too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import takewhile
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from services.assessment.domain.errors import AssessmentRefused
from services.assessment.domain.sheet import Sheet, fold


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def prefix(events: Sequence[Any], *, version: int | None = None, at: datetime | None = None) -> list[Any]:
    """The events up to `version`, or up to the time `at`."""
    chosen = list(events)
    if version is not None:
        chosen = chosen[:version]
    if at is not None:
        moment = as_utc(at)
        chosen = list(takewhile(lambda e: e.at <= moment, chosen))
    return chosen


def sheet_as_of(events: Sequence[Any], *, version: int | None = None, at: datetime | None = None) -> Sheet:
    chosen = prefix(events, version=version, at=at)
    sheet = fold(chosen)
    if sheet is None:
        raise AssessmentRefused("l'évaluation n'avait pas encore commencé à ce moment-là")
    return sheet


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    version: Annotated[int, Meta(description="The event's version")]
    event: Annotated[str, Meta(description="What happened (the event's name)")]
    at: Annotated[datetime, Meta(description="When it happened")]
    recorded_at: Annotated[datetime, Meta(description="When the store recorded it")]
    actor_id: Annotated[str, Meta(description="Who did it")]
    actor_role: Annotated[str, Meta(description="In which role")]
    correlation_id: Annotated[str, Meta(description="The request it came from")]
    details: Annotated[dict[str, Any], Meta(description="The event's fields")]


_NOT_DETAILS = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "meta", "at"})


def history(events: Sequence[Any]) -> list[HistoryEntry]:
    """Every event: its time, its actor and role, and its own fields."""
    return [
        HistoryEntry(
            version=e.originator_version,
            event=type(e).__name__,
            at=e.at,
            recorded_at=e.timestamp,
            actor_id=e.meta.actor_id,
            actor_role=e.meta.actor_role,
            correlation_id=e.meta.correlation_id,
            details=msgspec.to_builtins({k: v for k, v in vars(e).items() if k not in _NOT_DETAILS}),
        )
        for e in events
    ]
