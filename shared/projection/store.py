"""The generations of a service's projections and their positions, in `<schema>.projection_generations`.

A batch of events changes a generation's tables and moves its position **in the same
transaction**: a crash rolls back both, and the restart resumes at the last committed position, so
nothing is lost and nothing is applied twice. One advisory lock per projection serialises batches
of the live generation and a rebuild's switch-over, whatever process runs them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Sequence

import asyncpg

from shared.migrations import Migration, apply_migrations
from shared.projection.base import Projection
from shared.projection.log import Notified, decode_rows, read_rows
from shared.readmodel import TableNames, create_generation_tables, point_views_at

BATCH_SIZE = 1000


def projection_migrations(schema: str) -> tuple[Migration, ...]:
    """Tables the projection machinery keeps beside `projection_generations` in each service's
    schema. Applied as their own component (`<schema>.projections`), so that they number their
    steps apart from the service's own migrations."""
    return (
        Migration(
            1,
            "parked events and runner heartbeats",
            f"""
            CREATE TABLE {schema}.projection_parked_events (
                projection text NOT NULL,
                notification_id bigint NOT NULL,
                topic text NOT NULL,
                error text NOT NULL,
                attempts int NOT NULL,
                status text NOT NULL CHECK (status IN ('failing', 'parked', 'skipped')),
                first_failed_at timestamptz NOT NULL DEFAULT now(),
                last_failed_at timestamptz NOT NULL DEFAULT now(),
                skipped_by text,
                skipped_at timestamptz,
                skip_reason text,
                PRIMARY KEY (projection, notification_id)
            );
            CREATE TABLE {schema}.projection_runners (
                runner_id text PRIMARY KEY,
                host text NOT NULL,
                pid int NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                beat_at timestamptz NOT NULL DEFAULT now()
            );
            """,
        ),
    )


async def migrate_projection_tables(conn: asyncpg.Connection, schema: str) -> list[int]:
    return await apply_migrations(conn, f"{schema}.projections", projection_migrations(schema))


class GenerationChanged(RuntimeError):
    """The generation a caller worked on is no longer the one it expected (a rebuild switched)."""


class ProjectionStore:
    """The generations of one service's projections, in `<schema>.projection_generations`."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.table = f"{schema}.projection_generations"
        self.parked_table = f"{schema}.projection_parked_events"
        self.runners_table = f"{schema}.projection_runners"

    def names(self, projection: Projection, generation: int) -> TableNames:
        return TableNames(self.schema, generation, {t.name: t for t in projection.tables})

    async def live(self, conn: asyncpg.Connection, projection: Projection) -> asyncpg.Record | None:
        return await conn.fetchrow(
            f"SELECT generation, projection_version, position FROM {self.table} "
            "WHERE projection = $1 AND status = 'live'",
            projection.name,
        )

    async def live_positions(self, conn: asyncpg.Connection) -> dict[str, tuple[int, int]]:
        """Every projection's live generation and position: {name: (generation, position)}."""
        rows = await conn.fetch(f"SELECT projection, generation, position FROM {self.table} WHERE status = 'live'")
        return {r["projection"]: (r["generation"], r["position"]) for r in rows}

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

    async def move_position(self, conn: asyncpg.Connection, projection: Projection, generation: int, to: int) -> None:
        await conn.execute(
            f"UPDATE {self.table} SET position = $3, updated_at = now() WHERE projection = $1 AND generation = $2",
            projection.name,
            generation,
            to,
        )

    async def skipped(self, conn: asyncpg.Connection, projection: Projection) -> frozenset[int]:
        """The events an operator chose to skip for this projection: a replay skips them too, so
        that a rebuilt generation equals the live one."""
        rows = await conn.fetch(
            f"SELECT notification_id FROM {self.parked_table} WHERE projection = $1 AND status = 'skipped'",
            projection.name,
        )
        return frozenset(r["notification_id"] for r in rows)


def lock_key(schema: str, projection: str) -> int:
    # One advisory lock per projection: batches of the live generation and a rebuild's switch-over
    # take it, so they never interleave, whatever process runs them.
    return zlib.crc32(f"{schema}.{projection}".encode())


async def lock_projection(conn: asyncpg.Connection, store: ProjectionStore, projection: Projection) -> None:
    """Take the projection's lock until the end of the caller's transaction."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(store.schema, projection.name))


async def apply_next_batch(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    generation: int,
    *,
    limit: int = BATCH_SIZE,
    stop: int | None = None,
    skipped: Collection[int] = (),
) -> int:
    """Apply the events after the generation's position (up to `stop`) in one transaction, leaving
    out the `skipped` ones. Returns how many rows of the log were passed."""
    names = store.names(projection, generation)
    async with conn.transaction():
        await lock_projection(conn, store, projection)
        position = await store.position(conn, projection, generation)
        rows = await read_rows(conn, projection.source, after=position, limit=limit, stop=stop)
        if not rows:
            return 0
        decoded = decode_rows([r for r in rows if r["notification_id"] not in skipped], foreign=projection.foreign)
        if decoded.error is not None:
            raise decoded.error
        await projection.apply_batch(conn, decoded.events, names)
        await store.move_position(conn, projection, generation, rows[-1]["notification_id"])
        return len(rows)


async def apply_events(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projection: Projection,
    generation: int,
    position: int,
    events: Sequence[Notified],
) -> int:
    """Apply already decoded events (read once for several projections after `position`) to a live
    generation, in one transaction. Events at or before a position committed meanwhile (by another
    process) are left out. Returns how many were applied."""
    async with conn.transaction():
        await lock_projection(conn, store, projection)
        row = await conn.fetchrow(
            f"SELECT position, status FROM {store.table} WHERE projection = $1 AND generation = $2",
            projection.name,
            generation,
        )
        if row is None or row["status"] != "live":
            raise GenerationChanged(f"{projection.name}: generation {generation} is no longer live")
        if row["position"] < position:
            raise GenerationChanged(f"{projection.name}: position went back from {position} to {row['position']}")
        fresh = [n for n in events if n.notification_id > row["position"]]
        if not fresh:
            return 0
        await projection.apply_batch(conn, fresh, store.names(projection, generation))
        await store.move_position(conn, projection, generation, fresh[-1].notification_id)
        return len(fresh)


async def ensure_live_generation(conn: asyncpg.Connection, store: ProjectionStore, projection: Projection) -> int:
    """The live generation's number; creates the first one (empty, at position 0) if none exists."""
    async with conn.transaction():
        await lock_projection(conn, store, projection)
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
