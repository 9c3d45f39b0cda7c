"""The auditor's replay: an assessment's history, and the assessment as of a past moment, both
computed from its events (the store is the audit trail: nothing in between can lag or differ).

"As of" a version keeps the events up to that version; `as_of` (a date) keeps those that happened
before the end of that day in Europe/Paris; `known_at` (a date-time) those recorded by then
(`shared.as_of` gives the platform's one meaning of both). Either way it is a prefix of the events.
The prefix is folded by the same function as the live read model, and the rows, plan and
positioning come from the same functions too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import takewhile
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.domain.sheet import Sheet, fold
from shared.as_of import aware, end_of_day
from shared.errors import NotFound


@dataclass(frozen=True)
class Moment:
    """Which past state of an assessment to replay (every field None: as it stands now).

    - `version`: its first N events (a version past the last one names nothing: 404);
    - `as_of`: the state in force at the end of that day, Europe/Paris (events whose `at` is before
      the next midnight);
    - `known_at`: what the store had recorded by that moment (events whose `timestamp`, the
      history's `recorded_at`, is not after it). With `as_of`, both hold.
    """

    version: int | None = None
    as_of: date | None = None
    known_at: datetime | None = None

    @property
    def is_now(self) -> bool:
        return self.version is None and self.as_of is None and self.known_at is None


class VersionNotFound(NotFound):
    def __init__(self, assessment_id: object, version: int, last: int) -> None:
        super().__init__(
            f"l'évaluation {assessment_id} n'a pas de version {version} (sa dernière version est la {last})",
            version=version,
            last_version=last,
        )


class NotYetStarted(NotFound):
    """A moment before the assessment's first event: it did not exist then (404, like any record
    asked for at a date before it existed; a read never answers `command_refused`)."""

    def __init__(self, assessment_id: object, moment: Moment, started: datetime) -> None:
        asked = " et ".join(
            part
            for part in (
                f"à la fin du {moment.as_of:%d/%m/%Y}" if moment.as_of is not None else "",
                f"tel qu'enregistré le {moment.known_at.isoformat()}" if moment.known_at is not None else "",
            )
            if part
        )
        super().__init__(
            f"l'évaluation {assessment_id} n'existait pas encore {asked} (commencée le {started.isoformat()})",
            started_at=started.isoformat(),
        )


def prefix(events: Sequence[Any], moment: Moment) -> list[Any]:
    """The events of the assessment as of `moment`: always a prefix (within one assessment `at`
    never goes backwards, and the store records in order)."""
    chosen = list(events)
    if moment.version is not None:
        if moment.version > len(chosen):
            raise VersionNotFound(chosen[0].originator_id if chosen else "?", moment.version, len(chosen))
        chosen = chosen[: moment.version]
    if moment.as_of is not None:
        before = end_of_day(moment.as_of)
        chosen = list(takewhile(lambda e: e.at < before, chosen))
    if moment.known_at is not None:
        recorded_by = aware(moment.known_at)
        chosen = list(takewhile(lambda e: e.timestamp <= recorded_by, chosen))
    return chosen


def sheet_as_of(events: Sequence[Any], moment: Moment = Moment()) -> Sheet:
    """The assessment's sheet as of `moment`, folded by the live read model's own function."""
    if not events:
        raise AssessmentNotFound("?")
    sheet = fold(prefix(events, moment))
    if sheet is None:
        raise NotYetStarted(events[0].originator_id, moment, events[0].at)
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
