"""Rebuilds and verification: replay the whole log into a new generation beside the live one.

Rebuilds never take a read model offline: a new generation is built beside the live one, caught
up, compared table by table (row count and checksum per tenant), and the views are switched over in
one transaction only if both agree — or, when the projection's code version changed, once the new
generation has caught up.

A rebuild holds a session-level advisory lock per projection while it runs. A `building`
generation whose lock is free belongs to a rebuild that was killed or failed: the next process
start, or the next rebuild, drops it with its tables.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog

from shared.projection.base import Projection
from shared.projection.log import EventLog, Notified, decode_rows, head_position, read_rows
from shared.projection.store import (
    GenerationChanged,
    ProjectionStore,
    apply_next_batch,
    ensure_live_generation,
    lock_key,
)
from shared.readmodel import TableNames, drop_generation_tables, point_views_at

log = structlog.get_logger(__name__)

REBUILD_BATCH_SIZE = 5000


class RebuildAlreadyRunning(RuntimeError):
    pass


def rebuild_lock_key(schema: str, projection: str) -> int:
    return zlib.crc32(f"{schema}.{projection}:rebuild".encode())


async def drop_abandoned_rebuilds(
    conn: asyncpg.Connection, store: ProjectionStore, projection: Projection
) -> list[int]:
    """Drop the projection's `building` generations that no running rebuild holds (a rebuild killed
    or failed half-way), with their tables. Returns the generations dropped."""
    async with conn.transaction():
        free = await conn.fetchval(
            "SELECT pg_try_advisory_xact_lock($1)", rebuild_lock_key(store.schema, projection.name)
        )
        if not free:
            return []  # a rebuild is running (here or in another process): its generation is not abandoned
        generations = [
            r["generation"]
            for r in await conn.fetch(
                f"DELETE FROM {store.table} WHERE projection = $1 AND status = 'building' RETURNING generation",
                projection.name,
            )
        ]
        for generation in generations:
            await drop_generation_tables(conn, store.names(projection, generation))
    if generations:
        log.warning("projection.abandoned_rebuild_dropped", projection=projection.name, generations=generations)
    return generations


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

    A rebuild that fails drops what it built before raising; one that is killed leaves a `building`
    generation that the next start or rebuild drops.
    """
    if len({p.source for p in projections}) > 1:
        raise ValueError("projections rebuilt together must follow the same log")
    async with pool.acquire() as conn:
        keys = sorted(rebuild_lock_key(store.schema, p.name) for p in projections)
        held: list[int] = []
        try:
            for key in keys:
                if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                    names = ", ".join(p.name for p in projections)
                    raise RebuildAlreadyRunning(f"a rebuild of {names} is already running")
                held.append(key)
            for projection in projections:
                await drop_abandoned_rebuilds(conn, store, projection)
            return await _rebuild_locked(pool, conn, store, projections, verify_only, progress)
        finally:
            for key in held:
                await conn.execute("SELECT pg_advisory_unlock($1)", key)


async def _rebuild_locked(
    pool: asyncpg.Pool,
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projections: Sequence[Projection],
    verify_only: bool,
    progress: Callable[[int], None] | None,
) -> list[RebuildReport]:
    live_generations = [await ensure_live_generation(conn, store, p) for p in projections]
    skipped = {p.name: await store.skipped(conn, p) for p in projections}
    async with conn.transaction():
        rebuilt = [await store.new_generation(conn, p, "building") for p in projections]
    try:
        events = await _replay(pool, store, list(zip(projections, rebuilt, strict=True)), skipped, progress)
        async with conn.transaction():
            # Hold the projections' locks: live runners pause while both generations reach the
            # same position, and the comparison and switch-over happen at that one position.
            for key in sorted(lock_key(store.schema, p.name) for p in projections):
                await conn.execute("SELECT pg_advisory_xact_lock($1)", key)
            head = await head_position(conn, projections[0].source)
            return [
                await _compare_and_switch(
                    conn, store, projection, live_generation, names, head, events, verify_only, skipped[projection.name]
                )
                for projection, live_generation, names in zip(projections, live_generations, rebuilt, strict=True)
            ]
    except BaseException:
        # Leave nothing behind; if even this fails (the database is gone), the next start does it.
        try:
            async with conn.transaction():
                for projection, names in zip(projections, rebuilt, strict=True):
                    deleted = await conn.fetchval(
                        f"DELETE FROM {store.table} WHERE projection = $1 AND generation = $2 "
                        "AND status = 'building' RETURNING generation",
                        projection.name,
                        names.generation,
                    )
                    if deleted is not None:
                        await drop_generation_tables(conn, names)
        except Exception as error:
            log.warning("projection.rebuild_cleanup_failed", error=repr(error))
        raise


async def _replay(
    pool: asyncpg.Pool,
    store: ProjectionStore,
    targets: list[tuple[Projection, TableNames]],
    skipped: dict[str, frozenset[int]],
    progress: Callable[[int], None] | None,
) -> int:
    """Apply the log from the start to new generations (nobody else writes them: no lock).

    Reading and decoding the next batch (Python's work) overlaps with writing the current one
    (PostgreSQL's work), on two connections."""
    source: EventLog = targets[0][0].source
    kinds = {p.foreign for p, _ in targets}

    async def read_after(conn: asyncpg.Connection, position: int) -> tuple[int, int, dict[bool, list[Notified]]]:
        rows = await read_rows(conn, source, after=position, limit=REBUILD_BATCH_SIZE)
        decoded: dict[bool, list[Notified]] = {}
        for foreign in kinds:
            batch = decode_rows(rows, foreign=foreign)
            if batch.error is not None:
                raise batch.error
            decoded[foreign] = batch.events
        return (rows[-1]["notification_id"] if rows else position), len(rows), decoded

    async def write(conn: asyncpg.Connection, position: int, batch: dict[bool, list[Notified]]) -> None:
        async with conn.transaction():
            for projection, names in targets:
                events = batch[projection.foreign]
                if skipped[projection.name]:
                    events = [n for n in events if n.notification_id not in skipped[projection.name]]
                await projection.apply_batch(conn, events, names)
                await store.move_position(conn, projection, names.generation, position)

    applied = 0
    async with pool.acquire() as reader, pool.acquire() as writer:
        position, size, batch = await read_after(reader, 0)
        while size:
            # Both finish before a failure of either is raised: a connection goes back to the pool
            # only once its query is over.
            read, written = await asyncio.gather(
                read_after(reader, position), write(writer, position, batch), return_exceptions=True
            )
            for outcome in (written, read):
                if isinstance(outcome, BaseException):
                    raise outcome
            next_position, next_size, next_batch = read  # type: ignore[misc]
            applied += size
            if progress:
                progress(size)
            position, size, batch = next_position, next_size, next_batch
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
    skipped: frozenset[int],
) -> RebuildReport:
    live = await store.live(conn, projection)
    if live is None or live["generation"] != live_generation:
        raise GenerationChanged(f"{projection.name}: the live generation changed during the rebuild")
    # The caller holds the projection's lock in its transaction; a nested transaction (savepoint)
    # re-taking the same advisory lock is fine: advisory locks are re-entrant for their holder.
    for generation in (live_generation, names.generation):
        while await apply_next_batch(
            conn, store, projection, generation, limit=REBUILD_BATCH_SIZE, stop=head, skipped=skipped
        ):
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
