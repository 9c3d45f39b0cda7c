"""Poison events: a projection that keeps failing on one event parks it, durably, and waits.

Each failure on an identified event is recorded in `<schema>.projection_parked_events` (the
event's notification id, topic, error, attempts, first and last failure time). After
`max_attempts` the row's status becomes `parked`: the projection stays at the event before and
every other projection goes on. An operator then either fixes the cause and `retry`s (the row is
cleared and the projection tries again), or `skip`s the event: an explicit action recorded with who,
when and why, which moves the projection past it (a rebuild skips it too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
import structlog

from shared.projection.base import Projection
from shared.projection.store import ProjectionStore, lock_projection

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Failure:
    """Where a projection stands with the event it fails on."""

    projection: str
    notification_id: int
    topic: str
    error: str
    attempts: int
    status: str  # 'failing' (still retried) or 'parked'
    first_failed_at: datetime
    last_failed_at: datetime

    @property
    def parked(self) -> bool:
        return self.status == "parked"


class ParkingError(Exception):
    """An operator action on parked events that cannot be done as asked (the message says why)."""


async def record_failure(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    *,
    notification_id: int,
    topic: str,
    error: str,
    max_attempts: int,
) -> Failure:
    """Count one more failed attempt at an event; park it when the attempts reach the bound."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO {store.parked_table} AS p (projection, notification_id, topic, error, attempts, status)
        VALUES ($1, $2, $3, $4, 1, CASE WHEN 1 >= $5 THEN 'parked' ELSE 'failing' END)
        ON CONFLICT (projection, notification_id) DO UPDATE SET
            attempts = p.attempts + 1,
            error = EXCLUDED.error,
            last_failed_at = now(),
            status = CASE WHEN p.attempts + 1 >= $5 THEN 'parked' ELSE 'failing' END
        RETURNING *
        """,
        projection.name,
        notification_id,
        topic,
        error,
        max_attempts,
    )
    return _failure(row)


async def clear_failures(
    conn: asyncpg.Connection, store: ProjectionStore, projection: Projection, *, upto: int
) -> None:
    """The projection got past events it failed on before (a passing fault): forget them."""
    await conn.execute(
        f"DELETE FROM {store.parked_table} WHERE projection = $1 AND status = 'failing' AND notification_id <= $2",
        projection.name,
        upto,
    )


async def current_failures(conn: asyncpg.Connection, store: ProjectionStore) -> dict[str, Failure]:
    """Each of the service's projections that is failing or parked, with its event."""
    rows = await conn.fetch(
        f"SELECT * FROM {store.parked_table} WHERE status IN ('failing', 'parked') ORDER BY notification_id"
    )
    failures: dict[str, Failure] = {}
    for row in rows:
        failures.setdefault(row["projection"], _failure(row))
    return failures


async def retry(conn: asyncpg.Connection, store: ProjectionStore, projection: Projection, *, by: str) -> int:
    """Clear the projection's parked event so that its runner tries it again. Returns its id."""
    notification_id = await conn.fetchval(
        f"DELETE FROM {store.parked_table} WHERE projection = $1 AND status = 'parked' RETURNING notification_id",
        projection.name,
    )
    if notification_id is None:
        raise ParkingError(f"{projection.name} has no parked event")
    log.warning("projection.retry", projection=projection.name, notification_id=notification_id, by=by)
    return notification_id


async def skip(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    *,
    notification_id: int,
    reason: str,
    by: str,
) -> None:
    """Skip the projection's parked event: record who, when and why, and move the live generation
    past it, in one transaction under the projection's lock."""
    if not reason.strip():
        raise ParkingError("a reason is required to skip an event")
    async with conn.transaction():
        await lock_projection(conn, store, projection)
        parked = await conn.fetchval(
            f"SELECT status FROM {store.parked_table} WHERE projection = $1 AND notification_id = $2 FOR UPDATE",
            projection.name,
            notification_id,
        )
        if parked != "parked":
            raise ParkingError(f"event {notification_id} is not parked by {projection.name}")
        live = await store.live(conn, projection)
        if live is None:
            raise ParkingError(f"{projection.name} has no live generation")
        next_event = await conn.fetchval(
            f"SELECT min(notification_id) FROM {projection.source.qualified} WHERE notification_id > $1",
            live["position"],
        )
        if next_event != notification_id:
            raise ParkingError(
                f"{projection.name} is at {live['position']}: its next event is {next_event}, not {notification_id}"
            )
        await conn.execute(
            f"UPDATE {store.parked_table} SET status = 'skipped', skipped_by = $3, skipped_at = now(), "
            "skip_reason = $4 WHERE projection = $1 AND notification_id = $2",
            projection.name,
            notification_id,
            by,
            reason,
        )
        await store.move_position(conn, projection, live["generation"], notification_id)
    log.warning("projection.skip", projection=projection.name, notification_id=notification_id, by=by, reason=reason)


def _failure(row: asyncpg.Record) -> Failure:
    return Failure(
        projection=row["projection"],
        notification_id=row["notification_id"],
        topic=row["topic"],
        error=row["error"],
        attempts=row["attempts"],
        status=row["status"],
        first_failed_at=row["first_failed_at"],
        last_failed_at=row["last_failed_at"],
    )
