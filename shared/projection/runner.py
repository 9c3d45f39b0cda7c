"""The live runner: keeps a process's projections up to date, each on its own.

Every round, each service's live positions are read in one query; then for each source log, the
projections that are due are served from shared reads: one read (and one decode per kind of event)
serves every projection whose position falls in it, and a projection that is behind is served by
a read of its own, so it never holds the others back. Each projection applies its share in its own
transaction, under its own lock.

A projection that fails is alone to wait: the others go on. A failed batch is retried one event at
a time, which names the poison event; each failure on it is recorded (`shared.projection.parking`)
and retried after an exponential, capped back-off; after `max_attempts` the event is parked and the
projection waits, at the event before, for an operator to `retry` or `skip` it. A fault of the
database itself (connection lost, server shutting down) is nobody's poison: every projection waits
alike and no attempt is counted.

The runner wakes on the library's NOTIFY; when its LISTEN connection is lost (a database restart)
it reconnects with back-off, and a safety poll covers the gap. It writes a heartbeat row in each
service schema it serves, so that `/ready` can tell whether any runner is alive.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog

from shared.observability import PROJECTION_ERRORS
from shared.projection.base import Projection
from shared.projection.log import DecodedBatch, EventLog, decode_rows, read_rows
from shared.projection.parking import clear_failures, current_failures, record_failure
from shared.projection.rebuild import RebuildAlreadyRunning, rebuild
from shared.projection.store import BATCH_SIZE, GenerationChanged, ProjectionStore, apply_events

log = structlog.get_logger(__name__)

SAFETY_POLL_SECONDS = 5.0
HEARTBEAT_SECONDS = 5.0
LISTEN_RETRY_CAP_SECONDS = 2.0
STOP_GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class RunnerPolicy:
    """How a runner retries: attempts before parking, back-off bounds, safety poll, heartbeat."""

    max_attempts: int = 5
    first_backoff: float = 0.5
    max_backoff: float = 60.0
    safety_poll: float = SAFETY_POLL_SECONDS
    heartbeat: float = HEARTBEAT_SECONDS

    def backoff(self, attempts: int) -> float:
        return min(self.first_backoff * 2 ** max(attempts - 1, 0), self.max_backoff)


@dataclass(eq=False)
class Follower:
    """One projection as the runner follows it."""

    store: ProjectionStore
    projection: Projection
    retry_at: float = 0.0  # loop time before which it is not tried again (back-off)
    parked_at: int | None = None  # the parked event, while parked
    one_at_a_time_until: int = 0  # after a failed batch: one event per transaction up to here
    failed: bool = False  # failed since its last success: its failure records are cleared on success

    @property
    def name(self) -> str:
        return self.projection.name


@dataclass
class _Live:
    generation: int
    position: int
    version: int


def is_database_fault(error: BaseException, conn: asyncpg.Connection) -> bool:
    """A fault of the database or the connection (no projection is to blame)."""
    client_side = OSError | TimeoutError | asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError
    if conn.is_closed() or isinstance(error, client_side):
        return True
    sqlstate = getattr(error, "sqlstate", None) or ""
    # 08: connection lost; 53: out of resources; 57: shutting down (but 57014 is a statement
    # timeout, which a projection's own query can cause every time).
    return sqlstate[:2] in {"08", "53"} or (sqlstate[:2] == "57" and sqlstate != "57014")


class ProjectionRunner:
    """Keeps a set of projections live, in the background of a process."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        projections: Sequence[tuple[ProjectionStore, Projection]],
        policy: RunnerPolicy | None = None,
        *,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.pool = pool
        self._connect = connect
        self.policy = policy or RunnerPolicy()
        self.batch_size = batch_size
        self.followers = [Follower(store, projection) for store, projection in projections]
        self._by_store: dict[ProjectionStore, list[Follower]] = defaultdict(list)
        self._by_source: dict[EventLog, list[Follower]] = defaultdict(list)
        for follower in self.followers:
            self._by_store[follower.store].append(follower)
            self._by_source[follower.projection.source].append(follower)
        self.runner_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.errors = 0  # projection failures seen by this runner
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self._listen_failures = 0
        self._next_listen_attempt = 0.0
        self._next_beat = 0.0

    # --- start and stop -------------------------------------------------------------------

    async def start(self) -> None:
        await self._listen()
        async with self.pool.acquire() as conn:
            await self._load_failures(conn)
        await self._upgrade_changed_projections()
        await self._beat_if_due()
        self._task = asyncio.create_task(self._run(), name="projection-runner")

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            try:
                # A round stuck on a database that does not answer must not hold the process.
                await asyncio.wait_for(self._task, timeout=STOP_GRACE_SECONDS)
            except TimeoutError:
                log.warning("projection.runner_stop_forced", after_seconds=STOP_GRACE_SECONDS)
            except Exception as error:
                log.error("projection.runner_crashed", error=repr(error))
            self._task = None
        if self._listener is not None:
            try:
                await asyncio.wait_for(self._listener.close(), timeout=2.0)
            except Exception:
                self._listener.terminate()
            self._listener = None
        try:
            async with asyncio.timeout(2.0), self.pool.acquire() as conn:
                for store in self._by_store:
                    await conn.execute(f"DELETE FROM {store.runners_table} WHERE runner_id = $1", self.runner_id)
        except Exception as error:  # its heartbeat then simply grows old
            log.warning("projection.runner_unregister_failed", error=repr(error))

    @property
    def listening(self) -> bool:
        """Whether the LISTEN connection is up (NOTIFY wakes the runner at once)."""
        return self._listener is not None and not self._listener.is_closed()

    async def _listen(self) -> None:
        conn = await self._connect()
        try:
            for channel in {f.projection.source.channel for f in self.followers}:
                await conn.add_listener(channel, self._on_notify)
            conn.add_termination_listener(self._on_listener_lost)
        except BaseException:
            conn.terminate()
            raise
        self._listener = conn

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def _on_listener_lost(self, *_: object) -> None:
        if not self._stopping.is_set():
            log.warning("projection.listen_lost")
            self._wake.set()

    async def _keep_listening(self) -> None:
        """Re-establish a lost LISTEN connection, with back-off while the database is away."""
        loop = asyncio.get_running_loop()
        if self.listening or loop.time() < self._next_listen_attempt:
            return
        try:
            await asyncio.wait_for(self._listen(), timeout=5.0)
        except Exception as error:
            self._listen_failures += 1
            delay = min(0.05 * 2**self._listen_failures, LISTEN_RETRY_CAP_SECONDS)
            self._next_listen_attempt = loop.time() + delay
            log.warning("projection.listen_failed", error=repr(error), retry_in=delay)
            return
        self._listen_failures = 0
        log.info("projection.listen_restored")

    async def _load_failures(self, conn: asyncpg.Connection) -> None:
        for store, followers in self._by_store.items():
            failures = await current_failures(conn, store)
            for follower in followers:
                failure = failures.get(follower.name)
                if failure is not None:
                    follower.failed = True
                    follower.parked_at = failure.notification_id if failure.parked else None

    async def _upgrade_changed_projections(self) -> None:
        # A projection whose live generation has another code version is not run until a rebuild
        # switched it (see `_advance`); here is that rebuild. If it fails, or another process runs
        # it, the other projections still start.
        for store, followers in self._by_store.items():
            for follower in followers:
                async with self.pool.acquire() as conn:
                    live = await store.live(conn, follower.projection)
                if live is None or live["projection_version"] == follower.projection.version:
                    continue
                log.info(
                    "projection.upgrade",
                    projection=follower.name,
                    from_version=live["projection_version"],
                    to_version=follower.projection.version,
                )
                try:
                    await rebuild(self.pool, store, follower.projection)
                except RebuildAlreadyRunning:
                    log.info("projection.upgrade_elsewhere", projection=follower.name)
                except Exception as error:
                    log.exception("projection.upgrade_failed", projection=follower.name, error=repr(error))

    # --- the loop -------------------------------------------------------------------------

    async def _run(self) -> None:
        faults = 0
        while not self._stopping.is_set():
            self._wake.clear()
            await self._keep_listening()
            try:
                busy = await self.run_once()
                await self._beat_if_due()
                faults = 0
            except Exception as error:
                # The database could not be used: every projection waits alike, none is blamed.
                faults += 1
                delay = min(0.1 * 2**faults, self.policy.safety_poll)
                log.warning("projection.round_failed", error=repr(error), retry_in=delay)
                await self._pause(delay)
                continue
            if not busy:
                await self._pause(self._idle_seconds())

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=max(seconds, 0.0))
        except TimeoutError:
            pass

    def _idle_seconds(self) -> float:
        now = asyncio.get_running_loop().time()
        deadlines = [now + self.policy.safety_poll, self._next_beat]
        deadlines += [f.retry_at for f in self.followers if f.retry_at > now and f.parked_at is None]
        if not self.listening:
            deadlines.append(self._next_listen_attempt)
        return min(deadlines) - now

    async def _beat_if_due(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_beat:
            return
        async with self.pool.acquire() as conn:
            for store in self._by_store:
                await conn.execute(
                    f"INSERT INTO {store.runners_table} (runner_id, host, pid) VALUES ($1, $2, $3) "
                    "ON CONFLICT (runner_id) DO UPDATE SET beat_at = now()",
                    self.runner_id,
                    socket.gethostname(),
                    os.getpid(),
                )
        self._next_beat = loop.time() + self.policy.heartbeat

    async def run_once(self) -> bool:
        """One round: each projection that is due gets at most a batch; True if any had work."""
        now = asyncio.get_running_loop().time()
        busy = False
        async with self.pool.acquire() as conn:
            live: dict[Follower, _Live] = {}
            for store, followers in self._by_store.items():
                if any(f.parked_at is not None for f in followers):
                    await self._resume_released(conn, store, followers)
                rows = await conn.fetch(
                    f"SELECT projection, generation, position, projection_version FROM {store.table} "
                    "WHERE status = 'live'"
                )
                by_name = {r["projection"]: r for r in rows}
                for follower in followers:
                    row = by_name.get(follower.name)
                    if row is not None:
                        live[follower] = _Live(row["generation"], row["position"], row["projection_version"])
            for source, followers in self._by_source.items():
                due = [
                    f
                    for f in followers
                    if f in live
                    and live[f].version == f.projection.version
                    and f.parked_at is None
                    and f.retry_at <= now
                ]
                busy |= await self._advance(conn, source, due, live)
        return busy

    async def _resume_released(
        self, conn: asyncpg.Connection, store: ProjectionStore, followers: list[Follower]
    ) -> None:
        failures = await current_failures(conn, store)
        for follower in followers:
            if follower.parked_at is None:
                continue
            failure = failures.get(follower.name)
            if failure is None or not failure.parked:
                log.info(
                    "projection.resumed",
                    projection=follower.name,
                    service=store.schema,
                    notification_id=follower.parked_at,
                )
                follower.parked_at = None
                follower.retry_at = 0.0

    async def _advance(
        self, conn: asyncpg.Connection, source: EventLog, due: list[Follower], live: dict[Follower, _Live]
    ) -> bool:
        busy = False
        pending = sorted(due, key=lambda f: live[f].position)
        while pending:
            rows = await read_rows(conn, source, after=live[pending[0]].position, limit=self.batch_size)
            if not rows:
                break
            last = rows[-1]["notification_id"]
            decoded: dict[bool, DecodedBatch] = {}
            served = [f for f in pending if live[f].position < last]
            for follower in served:
                kind = follower.projection.foreign
                if kind not in decoded:
                    decoded[kind] = decode_rows(rows, foreign=kind)
                busy |= await self._apply(conn, follower, live[follower], decoded[kind], rows)
            if len(rows) < self.batch_size:
                break  # the log ends in this batch: every projection got what there is
            # Those ahead of this read get one of their own; those served wait for the next round, so
            # that one far behind takes a batch per round like the others.
            pending = [f for f in pending if f not in served]
        return busy

    async def _apply(
        self,
        conn: asyncpg.Connection,
        follower: Follower,
        state: _Live,
        batch: DecodedBatch,
        rows: list[asyncpg.Record],
    ) -> bool:
        events = [n for n in batch.events if n.notification_id > state.position]
        if follower.one_at_a_time_until > state.position:
            events = events[:1]
        if not events:
            if batch.failed_at is not None and batch.error is not None and batch.failed_at > state.position:
                await self._failed_on(conn, follower, batch.failed_at, rows, batch.error)
            return False
        try:
            applied = await apply_events(
                conn, follower.store, follower.projection, state.generation, state.position, events
            )
        except GenerationChanged:
            return True  # a rebuild switched generations: read the positions again
        except Exception as error:
            if is_database_fault(error, conn):
                raise
            if len(events) > 1:
                # Which event? Apply this batch's events one per transaction to find out.
                self._count_error(follower)
                follower.one_at_a_time_until = events[-1].notification_id
                log.warning(
                    "projection.batch_failed",
                    projection=follower.name,
                    service=follower.store.schema,
                    first=events[0].notification_id,
                    last=events[-1].notification_id,
                    error=repr(error),
                )
                return True
            await self._failed_on(conn, follower, events[0].notification_id, rows, error)
            return False
        state.position = events[-1].notification_id
        if follower.one_at_a_time_until <= state.position:
            follower.one_at_a_time_until = 0
        if follower.failed:
            await clear_failures(conn, follower.store, follower.projection, upto=state.position)
            follower.failed = False
        return applied > 0

    async def _failed_on(
        self,
        conn: asyncpg.Connection,
        follower: Follower,
        notification_id: int,
        rows: list[asyncpg.Record],
        error: BaseException,
    ) -> None:
        self._count_error(follower)
        follower.failed = True
        topic = next((r["topic"] for r in rows if r["notification_id"] == notification_id), "")
        failure = await record_failure(
            conn,
            follower.store,
            follower.projection,
            notification_id=notification_id,
            topic=topic,
            error=f"{type(error).__name__}: {error}"[:2000],
            max_attempts=self.policy.max_attempts,
        )
        where = {"projection": follower.name, "service": follower.store.schema, "notification_id": notification_id}
        if failure.parked:
            follower.parked_at = notification_id
            log.error("projection.parked", **where, topic=topic, attempts=failure.attempts, error=failure.error)
            return
        delay = self.policy.backoff(failure.attempts)
        follower.retry_at = asyncio.get_running_loop().time() + delay
        log.warning(
            "projection.event_failed",
            **where,
            topic=topic,
            attempt=failure.attempts,
            max_attempts=self.policy.max_attempts,
            retry_in=delay,
            error=failure.error,
        )

    def _count_error(self, follower: Follower) -> None:
        self.errors += 1
        PROJECTION_ERRORS.labels(follower.store.schema, follower.name).inc()
