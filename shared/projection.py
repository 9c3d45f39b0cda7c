"""Projection runners: follow a service's notification log and keep read models up to date.

A runner reads the events table in notification-id order with asyncpg (the library's recorder
commits ids in order, so "after position N" never skips an event), decodes them with the library's
mapper, hands each batch to the projection, and moves the generation's position **in the same
transaction** as the read-model change. A crash rolls back both; the restart resumes at the last
committed position, so nothing is lost and nothing is applied twice.

It wakes on the library's NOTIFY (no busy polling) and, as a safety net, every few seconds.

Rebuilds never take a read model offline: a new generation is built beside the live one, caught
up, compared table by table (row count and checksum per tenant), and the views are switched over in
one transaction only if both agree — or, when the projection's code version changed, once the new
generation has caught up.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

import asyncpg
import msgspec
import structlog
from eventsourcing.persistence import Mapper, StoredEvent

from shared.events import EVENT_VALUE_TYPES
from shared.eventstore import event_transcoder
from shared.readmodel import (
    Table,
    TableNames,
    create_generation_tables,
    drop_generation_tables,
    point_views_at,
)

log = structlog.get_logger(__name__)

BATCH_SIZE = 1000
REBUILD_BATCH_SIZE = 5000
SAFETY_POLL_SECONDS = 5.0


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
    """Another service's event, read as its published JSON rather than through its classes: a
    service never imports another service's modules, it follows its events."""

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


class Projection:
    """A read model: its tables, and how a batch of events changes them.

    Subclasses set `name`, `version` (bump it when tables or logic change: the runner then
    builds a new generation), `source`, `tables`, and implement `apply_batch`. A projection that
    follows *another* service's log sets `foreign = True` and receives `ForeignEvent`s.
    """

    name: ClassVar[str]
    foreign: ClassVar[bool] = False
    version: ClassVar[int] = 1
    source: ClassVar[EventLog]
    tables: ClassVar[tuple[Table, ...]]

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        raise NotImplementedError


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


class ProjectionStore:
    """The generations of one service's projections, in `<schema>.projection_generations`."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.table = f"{schema}.projection_generations"

    def names(self, projection: Projection, generation: int) -> TableNames:
        return TableNames(self.schema, generation, {t.name: t for t in projection.tables})

    async def live(self, conn: asyncpg.Connection, projection: Projection) -> asyncpg.Record | None:
        return await conn.fetchrow(
            f"SELECT generation, projection_version, position FROM {self.table} "
            "WHERE projection = $1 AND status = 'live'",
            projection.name,
        )

    async def new_generation(self, conn: asyncpg.Connection, projection: Projection, status: str) -> TableNames:
        generation = await conn.fetchval(
            f"SELECT coalesce(max(generation), 0) + 1 FROM {self.table} WHERE projection = $1", projection.name
        )
        await conn.execute(
            f"INSERT INTO {self.table} (projection, generation, projection_version, status) VALUES ($1, $2, $3, $4)",
            projection.name,
            generation,
            projection.version,
            status,
        )
        names = self.names(projection, generation)
        await create_generation_tables(conn, names)
        return names

    async def position(self, conn: asyncpg.Connection, projection: Projection, generation: int) -> int:
        return await conn.fetchval(
            f"SELECT position FROM {self.table} WHERE projection = $1 AND generation = $2",
            projection.name,
            generation,
        )


def lock_key(schema: str, projection: str) -> int:
    # One advisory lock per projection: batches of the live generation and a rebuild's switch-over
    # take it, so they never interleave, whatever process runs them.
    return zlib.crc32(f"{schema}.{projection}".encode())


async def head_position(conn: asyncpg.Connection, source: EventLog) -> int:
    return await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {source.qualified}")


async def apply_next_batch(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    generation: int,
    *,
    limit: int = BATCH_SIZE,
    stop: int | None = None,
) -> int:
    """Apply the events after the generation's position (up to `stop`) in one transaction.
    Returns how many events were applied."""
    names = store.names(projection, generation)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(store.schema, projection.name))
        position = await store.position(conn, projection, generation)
        upper = "" if stop is None else f"AND notification_id <= {int(stop)}"
        rows = await conn.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {projection.source.qualified} WHERE notification_id > $1 {upper} "
            f"ORDER BY notification_id LIMIT $2",
            position,
            limit,
        )
        if not rows:
            return 0
        decoder = decode_foreign if projection.foreign else decode
        await projection.apply_batch(conn, [decoder(r) for r in rows], names)
        await conn.execute(
            f"UPDATE {store.table} SET position = $3, updated_at = now() WHERE projection = $1 AND generation = $2",
            projection.name,
            generation,
            rows[-1]["notification_id"],
        )
        return len(rows)


async def ensure_live_generation(conn: asyncpg.Connection, store: ProjectionStore, projection: Projection) -> int:
    """The live generation's number; creates the first one (empty, at position 0) if none exists."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(store.schema, projection.name))
        live = await store.live(conn, projection)
        if live is not None:
            return live["generation"]
        names = await store.new_generation(conn, projection, "live")
        await point_views_at(conn, names)
        return names.generation


async def catch_up(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    generation: int,
    *,
    limit: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    applied = 0
    while n := await apply_next_batch(conn, store, projection, generation, limit=limit):
        applied += n
        if progress:
            progress(n)
    return applied


async def table_fingerprints(conn: asyncpg.Connection, physical: str) -> dict[str | None, tuple[int, str]]:
    """Row count and an order-independent checksum of the rows, per tenant: the sum of each row's
    md5 taken as a 64-bit number (no sort, no concatenation: it scales with the table)."""
    rows = await conn.fetch(
        f"SELECT t.tenant_id, count(*) AS n, "
        f"sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric)::text AS sum "
        f"FROM {physical} t GROUP BY t.tenant_id"
    )
    return {r["tenant_id"]: (r["n"], r["sum"]) for r in rows}


async def compare_generations(
    conn: asyncpg.Connection, live: TableNames, rebuilt: TableNames, *, detail_limit: int = 20
) -> list[str]:
    """Differences between two generations of the same tables; empty when they agree."""
    differences: list[str] = []
    for table in live.tables.values():
        a, b = live[table.name], rebuilt[table.name]
        if await table_fingerprints(conn, a) == await table_fingerprints(conn, b):
            continue
        only_live = await conn.fetch(f"(SELECT * FROM {a} EXCEPT SELECT * FROM {b}) LIMIT {detail_limit}")
        only_rebuilt = await conn.fetch(f"(SELECT * FROM {b} EXCEPT SELECT * FROM {a}) LIMIT {detail_limit}")
        differences += [f"{table.name}: only in live read model: {dict(r)}" for r in only_live]
        differences += [f"{table.name}: only in rebuilt read model: {dict(r)}" for r in only_rebuilt]
        if not only_live and not only_rebuilt:
            differences.append(f"{table.name}: row counts differ (duplicate rows)")
    return differences


@dataclass
class RebuildReport:
    projection: str
    events: int
    switched: bool
    differences: list[str]
    reason: str


async def rebuild(
    pool: asyncpg.Pool,
    store: ProjectionStore,
    projection: Projection,
    *,
    verify_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Rebuild one projection (see `rebuild_together`)."""
    [report] = await rebuild_together(pool, store, [projection], verify_only=verify_only, progress=progress)
    return report


async def rebuild_together(
    pool: asyncpg.Pool,
    store: ProjectionStore,
    projections: Sequence[Projection],
    *,
    verify_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[RebuildReport]:
    """Replay the whole log into a new generation of each projection, beside the live ones, then
    switch or compare. Projections of one source are replayed together: each batch is read and
    decoded once for all of them.

    - `verify_only`: compare with the live generation, report differences, drop the new one;
    - otherwise: switch the views over when the rebuilt generation equals the live one, or when the
      projection's code version is newer than the live generation's (its shape or logic changed).
    """
    if len({p.source for p in projections}) > 1:
        raise ValueError("projections rebuilt together must follow the same log")
    async with pool.acquire() as conn:
        live_generations = [await ensure_live_generation(conn, store, p) for p in projections]
        async with conn.transaction():
            rebuilt = [await store.new_generation(conn, p, "building") for p in projections]
        events = await _replay(pool, store, list(zip(projections, rebuilt, strict=True)), progress)
        async with conn.transaction():
            # Hold the projections' locks: live runners pause while both generations reach the
            # same position, and the comparison and switch-over happen at that one position.
            for key in sorted(lock_key(store.schema, p.name) for p in projections):
                await conn.execute("SELECT pg_advisory_xact_lock($1)", key)
            head = await head_position(conn, projections[0].source)
            return [
                await _compare_and_switch(conn, store, projection, live_generation, names, head, events, verify_only)
                for projection, live_generation, names in zip(projections, live_generations, rebuilt, strict=True)
            ]


async def _replay(
    pool: asyncpg.Pool,
    store: ProjectionStore,
    targets: list[tuple[Projection, TableNames]],
    progress: Callable[[int], None] | None,
) -> int:
    """Apply the log from the start to new generations (nobody else writes them: no lock).

    Reading and decoding the next batch (Python's work) overlaps with writing the current one
    (PostgreSQL's work), on two connections."""
    source = targets[0][0].source
    kinds = {p.foreign for p, _ in targets}

    async def read_after(conn: asyncpg.Connection, position: int) -> tuple[int, dict[bool, list[Notified]]]:
        rows = await conn.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {source.qualified} WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
            position,
            REBUILD_BATCH_SIZE,
        )
        decoded = {foreign: [(decode_foreign if foreign else decode)(r) for r in rows] for foreign in kinds}
        return (rows[-1]["notification_id"] if rows else position), decoded

    async def write(conn: asyncpg.Connection, position: int, batch: dict[bool, list[Notified]]) -> None:
        async with conn.transaction():
            for projection, names in targets:
                await projection.apply_batch(conn, batch[projection.foreign], names)
                await conn.execute(
                    f"UPDATE {store.table} SET position = $3, updated_at = now() "
                    "WHERE projection = $1 AND generation = $2",
                    projection.name,
                    names.generation,
                    position,
                )

    applied = 0
    async with pool.acquire() as reader, pool.acquire() as writer:
        position, batch = await read_after(reader, 0)
        while any(batch.values()):
            size = len(next(iter(batch.values())))
            (next_position, next_batch), _ = await asyncio.gather(
                read_after(reader, position), write(writer, position, batch)
            )
            applied += size
            if progress:
                progress(size)
            position, batch = next_position, next_batch
    return applied


async def _compare_and_switch(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    live_generation: int,
    names: TableNames,
    head: int,
    events: int,
    verify_only: bool,
) -> RebuildReport:
    live = await store.live(conn, projection)
    assert live is not None and live["generation"] == live_generation
    for generation in (live_generation, names.generation):
        while await _apply_unlocked(conn, store, projection, generation, stop=head):
            pass
    live_names = store.names(projection, live_generation)
    upgraded = live["projection_version"] != projection.version
    differences = [] if upgraded else await compare_generations(conn, live_names, names)
    switch = not verify_only and (upgraded or not differences)
    retired, kept = (live_names, names) if switch else (names, live_names)
    await conn.execute(
        f"UPDATE {store.table} SET status = 'retired' WHERE projection = $1 AND generation = $2",
        projection.name,
        retired.generation,
    )
    if switch:
        await conn.execute(
            f"UPDATE {store.table} SET status = 'live' WHERE projection = $1 AND generation = $2",
            projection.name,
            kept.generation,
        )
        await point_views_at(conn, kept)
    await drop_generation_tables(conn, retired)
    if switch and upgraded:
        reason = "code version changed: switched to the new generation"
    elif not differences:
        reason = "rebuilt generation equals the live one" + ("" if verify_only else ": switched to it")
    else:
        reason = "rebuilt generation differs from the live one: live read model kept"
    return RebuildReport(projection.name, events, switch, differences, reason)


async def _apply_unlocked(
    conn: asyncpg.Connection, store: ProjectionStore, projection: Projection, generation: int, *, stop: int
) -> int:
    # The caller holds the projection's lock in its transaction; a nested transaction (savepoint)
    # re-taking the same advisory lock is fine: advisory locks are re-entrant for their holder.
    return await apply_next_batch(conn, store, projection, generation, limit=REBUILD_BATCH_SIZE, stop=stop)


class ProjectionRunner:
    """Keeps a set of projections live, in the background of a process."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        listen_dsn: Callable[[], Awaitable[asyncpg.Connection]],
        projections: Sequence[tuple[ProjectionStore, Projection]],
    ) -> None:
        self.pool = pool
        self._connect = listen_dsn
        self.projections = projections
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self.errors = 0

    async def start(self) -> None:
        self._listener = await self._connect()
        for channel in {p.source.channel for _, p in self.projections}:
            await self._listener.add_listener(channel, lambda *_: self._wake.set())
        await self._upgrade_changed_projections()
        self._task = asyncio.create_task(self._run(), name="projection-runner")

    async def _upgrade_changed_projections(self) -> None:
        async with self.pool.acquire() as conn:
            for store, projection in self.projections:
                live = await store.live(conn, projection)
                if live is not None and live["projection_version"] != projection.version:
                    log.info(
                        "projection.upgrade",
                        projection=projection.name,
                        from_version=live["projection_version"],
                        to_version=projection.version,
                    )
                    await rebuild(self.pool, store, projection)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                busy = await self.run_once()
            except Exception as error:
                # The batch rolled back with its position: nothing is skipped. Keep the runner alive
                # and retry after a pause; a projection stuck on one event shows in its lag.
                self.errors += 1
                log.exception("projection.batch_failed", error=repr(error))
                await asyncio.sleep(1.0)
                continue
            if busy:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=SAFETY_POLL_SECONDS)
            except TimeoutError:
                pass

    async def run_once(self) -> bool:
        """One batch for each projection that has work; True if any had."""
        busy = False
        async with self.pool.acquire() as conn:
            for store, projection in self.projections:
                live = await store.live(conn, projection)
                if live is None:
                    continue
                busy |= await apply_next_batch(conn, store, projection, live["generation"]) > 0
        return busy

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._listener is not None:
            await self._listener.close()


async def projection_status(conn: asyncpg.Connection, store: ProjectionStore, projection: Projection) -> dict[str, Any]:
    live = await store.live(conn, projection)
    head = await head_position(conn, projection.source)
    position = live["position"] if live else 0
    return {
        "projection": projection.name,
        "service": store.schema,
        "generation": live["generation"] if live else None,
        "version": projection.version,
        "position": position,
        "head": head,
        "lag": head - position,
    }
