"""How long idempotency records are kept, and the task that deletes them afterwards.

Every command leaves a record in its service's `idempotency_keys` (`shared.eventstore.CommandRecorder`).
A client's `Idempotency-Key` is kept for `CLIENT_KEY_RETENTION`: a retry within that window gets
the first answer; after it, the same key is a new command. A key the server made up only serves to
settle a save whose connection died, which is over within seconds: it is kept for
`SERVER_KEY_RETENTION`, for whoever investigates an incident. Without this sweep the table would
grow by one row per command for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta

import asyncpg
import structlog

from shared.commands import SERVER_KEY_SCOPE
from shared.outages import is_database_outage

log = structlog.get_logger(__name__)

CLIENT_KEY_RETENTION = timedelta(days=7)
SERVER_KEY_RETENTION = timedelta(days=1)
SWEEP_INTERVAL_SECONDS = 600.0


async def delete_expired_records(conn: asyncpg.Connection, schema: str) -> int:
    """Delete the service's idempotency records past their retention; returns how many."""
    status = await conn.execute(
        f"DELETE FROM {schema}.idempotency_keys "
        "WHERE recorded_at < now() - CASE WHEN scope = $1 THEN $2::interval ELSE $3::interval END",
        SERVER_KEY_SCOPE,
        SERVER_KEY_RETENTION,
        CLIENT_KEY_RETENTION,
    )
    return int(status.split()[-1])


class IdempotencyRetention:
    """Sweeps every service's expired idempotency records, every `interval` seconds, in the
    process that runs the projections. A sweep that fails (the database is down) is logged and
    tried again at the next interval; several processes sweeping at once delete nothing twice."""

    def __init__(self, pool: asyncpg.Pool, schemas: Sequence[str], interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        self.pool = pool
        self.schemas = tuple(schemas)
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def sweep(self) -> dict[str, int]:
        deleted: dict[str, int] = {}
        async with self.pool.acquire() as conn:
            for schema in self.schemas:
                deleted[schema] = await delete_expired_records(conn, schema)
        if any(deleted.values()):
            log.info("idempotency.records_expired", deleted=deleted)
        return deleted

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="idempotency-retention")

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception as error:  # the task outlives any failed sweep: the next one tries again
                if is_database_outage(error):
                    log.warning("idempotency.sweep_failed", error=repr(error), retry_in=self.interval)
                else:
                    log.exception("idempotency.sweep_failed", error=repr(error), retry_in=self.interval)
            await asyncio.sleep(self.interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
