"""A service's notification log: reading it in order, and decoding its rows into events.

The library's recorder commits notification ids in order, so "after position N" never skips an
event. A service's own events are decoded with the library's mapper; another service's events are
read as their published JSON (`ForeignEvent`): a service never imports another service's modules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from eventsourcing.persistence import Mapper, StoredEvent

from shared.events import EVENT_VALUE_TYPES
from shared.eventstore import event_transcoder


@dataclass(frozen=True)
class EventLog:
    """A service's notification log: the library's events table in the service's schema."""

    schema: str
    table: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def channel(self) -> str:
        # The library NOTIFYs on a channel named after the events table.
        return self.table.replace(".", "_")


@dataclass(frozen=True)
class Notified:
    """A decoded event and its position in the log."""

    notification_id: int
    event: Any


@dataclass(frozen=True)
class ForeignEvent:
    """Another service's event, read as its published JSON rather than through its classes."""

    topic: str
    name: str  # the class part of the topic, e.g. "Member.JoinedAccordGroupe"
    originator_id: UUID
    originator_version: int
    timestamp: datetime
    state: dict[str, Any]  # dates, datetimes, UUIDs, decimals and tuples as Python values;
    # value objects (frozen dataclasses) as plain dicts of their fields


_SIMPLE_TAGS: dict[str, Callable[[Any], Any]] = {
    "uuid_hex": UUID,
    "date_iso": date.fromisoformat,
    "datetime_iso": datetime.fromisoformat,
    "decimal_str": Decimal,
    "tuple_as_list": tuple,
}


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        if value.keys() == {"_type_", "_data_"}:
            data = _untag(value["_data_"])
            convert = _SIMPLE_TAGS.get(value["_type_"])
            return convert(data) if convert else data
        return {k: _untag(v) for k, v in value.items()}
    return value


def decode_foreign(row: asyncpg.Record) -> Notified:
    state = _untag(msgspec.json.decode(row["state"]))
    topic = row["topic"]
    event = ForeignEvent(
        topic=topic,
        name=topic.partition(":")[2],
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        timestamp=state.pop("timestamp"),
        state=state,
    )
    return Notified(row["notification_id"], event)


_mappers: dict[int, Mapper[Any]] = {}


def _mapper() -> Mapper[Any]:
    # Built on first use, after the services' domain modules registered their value types.
    key = len(EVENT_VALUE_TYPES)
    if key not in _mappers:
        _mappers[key] = Mapper(transcoder=event_transcoder())
    return _mappers[key]


def decode(row: asyncpg.Record) -> Notified:
    stored = StoredEvent(
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=row["state"],
    )
    return Notified(row["notification_id"], _mapper().to_domain_event(stored))


@dataclass(frozen=True)
class DecodedBatch:
    """The events decoded from a run of rows: all of them, or those before the first row that
    could not be decoded (`failed_at` and `error` then say which and why)."""

    events: list[Notified]
    failed_at: int | None = None
    error: BaseException | None = None


def decode_rows(rows: Sequence[asyncpg.Record], *, foreign: bool) -> DecodedBatch:
    # `decode`/`decode_foreign` are looked up at call time so that a test can count the calls.
    decoder = decode_foreign if foreign else decode
    events: list[Notified] = []
    for row in rows:
        try:
            events.append(decoder(row))
        except Exception as error:  # an undecodable row is a poison event like any other
            return DecodedBatch(events, row["notification_id"], error)
    return DecodedBatch(events)


async def read_rows(
    conn: asyncpg.Connection, source: EventLog, *, after: int, limit: int, stop: int | None = None
) -> list[asyncpg.Record]:
    """The log's rows after a position (up to `stop` if given), in order."""
    if stop is None:
        return await conn.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {source.qualified} WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
            after,
            limit,
        )
    return await conn.fetch(
        f"SELECT notification_id, originator_id, originator_version, topic, state "
        f"FROM {source.qualified} WHERE notification_id > $1 AND notification_id <= $3 "
        f"ORDER BY notification_id LIMIT $2",
        after,
        limit,
        stop,
    )


async def head_position(conn: asyncpg.Connection, source: EventLog) -> int:
    return await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {source.qualified}")
