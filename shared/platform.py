"""The running platform: database, migrations, one application per service, pools, runners.

`Platform` is built once by the composition root (`services.bootstrap`) for a process, whatever
that process is (the HTTP server, a projection worker, the CLI, a test).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec
import structlog

from shared.audit_chain import (
    AuditChainCheck,
    ChainReport,
    chain_migrations,
    chain_status,
    last_checks,
    platform_logs,
)
from shared.config import Settings
from shared.database import DatabaseAddress, resolve_database
from shared.errors import InvalidInput, NotCaughtUp
from shared.eventstore import ServiceApplication
from shared.idempotency_retention import IdempotencyRetention
from shared.keyring import KeyRing, current_keyring, database_keyring, use_keyring
from shared.mail import Outbox
from shared.mail_delivery import DeliveryPolicy, MailDelivery
from shared.migrations import PLATFORM_MIGRATIONS, apply_migrations, check_reader_is_unprivileged
from shared.outages import POOL_TIMEOUT_SECONDS, connect_with_timeout, is_database_outage
from shared.projection import (
    Projection,
    ProjectionRunner,
    ProjectionStore,
    RunnerPolicy,
    drop_abandoned_rebuilds,
    ensure_live_generation,
    head_position,
    migrate_projection_tables,
    readiness,
    service_status,
)
from shared.projection.log import EventLog
from shared.service import Background, ServiceDefinition
from shared.tenancy import ReaderConnection

log = structlog.get_logger(__name__)

WAIT_FOR_TIMEOUT_SECONDS = 5.0
# A read that runs longer than this is cut (the connection is returned, the request fails): a
# server that hangs must not hold requests, and pools, for ever.
READ_COMMAND_TIMEOUT_SECONDS = 30.0
# How long stopping may wait for the pools to be returned before closing them by force.
POOL_CLOSE_TIMEOUT_SECONDS = 2.0
READ_POOL_SIZE = 32
# A session lookup is one indexed statement (~0.3 ms): a few connections serve 32 pages at once.
SESSION_POOL_SIZE = 4


class SessionConnection(asyncpg.Connection):
    """A session-pool connection: its statements set nothing that outlives them (no SET, no
    LISTEN, no prepared state of ours), so the pool's default reset (RESET ALL, UNLISTEN, ... a
    round trip per release) has nothing to clear; an open transaction is still rolled back."""

    def get_reset_query(self) -> str:
        return ""


async def init_connection(conn: asyncpg.Connection) -> None:
    """JSON columns in and out as Python values, encoded by msgspec (binary format, so that COPY
    works too: jsonb's binary form is a version byte, then the JSON text)."""
    await conn.set_type_codec(
        "json", schema="pg_catalog", encoder=msgspec.json.encode, decoder=msgspec.json.decode, format="binary"
    )
    await conn.set_type_codec("jsonb", schema="pg_catalog", encoder=_jsonb, decoder=_from_jsonb, format="binary")


def _jsonb(value: object) -> bytes:
    return b"\x01" + msgspec.json.encode(value)


def _from_jsonb(data: bytes) -> object:
    return msgspec.json.decode(data[1:])


class Platform:
    def __init__(
        self, settings: Settings, services: Sequence[ServiceDefinition], database: DatabaseAddress | None = None
    ) -> None:
        self.settings = settings
        self.services = {s.name: s for s in services}
        self.database = database or resolve_database(settings.database_url, settings.data_dir)
        self.read_database = self.database.as_reader(settings.reader_password)
        self.applications: dict[str, ServiceApplication] = {}
        self.projections: dict[str, list[tuple[ProjectionStore, Projection]]] = {}
        self.write_pool: asyncpg.Pool | None = None
        self.read_pool: asyncpg.Pool | None = None
        # The portal's session lookups (one per page): not the write pool, where 32 pages at once
        # would queue behind projections and commands, and without asyncpg's reset per release.
        self.session_pool: asyncpg.Pool | None = None
        # The read pool's bound: 32 requests reading at once. Several processes on one database
        # share its connections (`coorace serve --workers` divides it between them).
        self.read_pool_size = READ_POOL_SIZE
        # Settings of each service's event-store pool (the library's POSTGRES_POOL_SIZE and
        # POSTGRES_MAX_OVERFLOW), when several processes share the database's connections.
        self.event_store_env: dict[str, str] = {}
        self.runner: ProjectionRunner | None = None
        self.runner_policy = RunnerPolicy()
        self.outbox: Outbox  # set by start(): the write pool's outbox of e-mail messages
        self.retention: IdempotencyRetention | None = None
        self.mail_delivery: MailDelivery | None = None
        self.mail_policy = DeliveryPolicy()
        self.background: list[Background] = []
        self._keyring_before: KeyRing | None = None
        self.audit_check: AuditChainCheck | None = None

    # --- start and stop -------------------------------------------------------------------

    async def start(self, *, run_projections: bool = False) -> None:
        dsn = self.database.url()
        # What the projections open personal details with (restored at stop: a command-line
        # platform started beside a running one in a test process must not take it away).
        self._keyring_before = current_keyring()
        use_keyring(database_keyring(dsn))
        self.write_pool = await asyncpg.create_pool(
            dsn, min_size=1, max_size=8, init=init_connection, connect=connect_with_timeout
        )
        async with self.write_pool.acquire() as conn:
            await apply_migrations(conn, "platform", PLATFORM_MIGRATIONS)
            for service in self.services.values():
                await apply_migrations(conn, service.name, service.migrations)
                # Every service's log is hash-chained the same way: the platform's migrations.
                await apply_migrations(
                    conn,
                    f"{service.schema}.audit_chain",
                    chain_migrations(service.name, service.schema, service.application_class),
                )
                await migrate_projection_tables(conn, service.schema)
        # The read pool logs in as the unprivileged reader role itself: row-level security applies
        # to it, and no RESET ROLE or SET ROLE on one of its connections can gain a privilege.
        self.read_pool = await asyncpg.create_pool(
            self.read_database.url(),
            min_size=2,
            max_size=self.read_pool_size,
            init=init_connection,
            connection_class=ReaderConnection,
            connect=connect_with_timeout,
            command_timeout=READ_COMMAND_TIMEOUT_SECONDS,
        )
        await check_reader_is_unprivileged(self.read_pool)
        self.session_pool = await asyncpg.create_pool(
            dsn,
            min_size=1,
            max_size=SESSION_POOL_SIZE,
            init=init_connection,
            connection_class=SessionConnection,
            connect=connect_with_timeout,
            command_timeout=READ_COMMAND_TIMEOUT_SECONDS,
        )
        self.outbox = Outbox(self.write_pool)
        for service in self.services.values():
            self.application(service.name)
            store = ProjectionStore(service.schema)
            self.projections[service.name] = [(store, p) for p in service.projections()]
            for _, projection in self.projections[service.name]:
                projection.attach(self)
        async with self.write_pool.acquire() as conn:
            # Every read model exists (an empty first generation at worst) before anyone queries it,
            # and what a rebuild killed half-way left behind is dropped.
            for pairs in self.projections.values():
                for store, projection in pairs:
                    await ensure_live_generation(conn, store, projection)
                    await drop_abandoned_rebuilds(conn, store, projection)
        if run_projections:
            await self.start_projection_runner()
            self.retention = IdempotencyRetention(self._pool(), [s.schema for s in self.services.values()])
            self.retention.start()
            # What services run beside their projections (le Cap's daily digest of overdue actions).
            self.background = [service.background(self) for service in self.services.values() if service.background]
            for loop in self.background:
                loop.start()
            self.audit_check = AuditChainCheck(
                self._pool(),
                platform_logs(self),
                self.settings.audit_check_seconds,
                self.settings.audit_anchor_file,
            )
            self.audit_check.start()
            # Without SMTP settings nothing is delivered: messages wait in the outbox (the embedded default).
            if self.settings.smtp is not None:
                self.mail_delivery = MailDelivery(
                    self._pool(), self.settings.smtp, self.settings.mail_from, self.mail_policy
                )
                self.mail_delivery.start()
            else:
                log.info("mail.not_delivered", reason="COORACE_SMTP_HOST is not set: messages stay in the outbox")

    async def start_projection_runner(self) -> None:
        self.runner = ProjectionRunner(
            self._pool(),
            lambda: connect_with_timeout(self.database.url()),
            [pair for pairs in self.projections.values() for pair in pairs],
            self.runner_policy,
        )
        await self.runner.start()

    async def stop(self) -> None:
        use_keyring(self._keyring_before)
        for loop in self.background:
            await loop.stop()
        self.background = []
        if self.audit_check is not None:
            await self.audit_check.stop()
            self.audit_check = None
        if self.mail_delivery is not None:
            await self.mail_delivery.stop()
            self.mail_delivery = None
        if self.retention is not None:
            await self.retention.stop()
            self.retention = None
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        for pool in (self.session_pool, self.read_pool, self.write_pool):
            if pool is not None:
                try:
                    await asyncio.wait_for(pool.close(), POOL_CLOSE_TIMEOUT_SECONDS)
                except Exception:
                    pool.terminate()  # connections still out (or a dead server): close them all now
        self.session_pool = self.read_pool = self.write_pool = None
        for application in self.applications.values():
            application.close()
        self.applications.clear()

    def _pool(self) -> asyncpg.Pool:
        if self.write_pool is None:
            raise RuntimeError("the platform is not started")
        return self.write_pool

    # --- what services use ----------------------------------------------------------------

    def application(self, name: str) -> ServiceApplication:
        """The service's write-side application (built on first use; its schema must exist)."""
        if name not in self.applications:
            service = self.services[name]
            self.applications[name] = service.application_class(self.database, env=self.event_store_env or None)
        return self.applications[name]

    def projection(self, service: str, name: str) -> tuple[ProjectionStore, Projection]:
        for store, projection in self.projections[service]:
            if projection.name == name:
                return store, projection
        raise KeyError(f"no projection {name} in {service}")

    def own_read_models(self, service: str) -> list[str]:
        """The read models a command of `service` is waited for in: those that follow the service's
        own log (the first projection's; a copy of another service's log is at another position)
        and hold tables (a projection that only sends, such as a notification trigger, is no page's
        to wait for)."""
        projections = [p for _, p in self.projections[service]]
        own = projections[0].source if projections else None
        return [p.name for p in projections if p.source == own and p.tables]

    async def wait_for(self, service: str, notification_id: int | None, projections: Sequence[str] = ()) -> None:
        """Wait until the service's read models (or the named ones) have applied `notification_id`."""
        if not notification_id:
            return
        pool = self._pool()
        names = list(projections) or self.own_read_models(service)
        schema = self.services[service].schema
        deadline = asyncio.get_running_loop().time() + WAIT_FOR_TIMEOUT_SECONDS
        delay = 0.005
        checked_head = False
        while True:
            reached = await pool.fetchval(
                f"SELECT coalesce(min(position), 0) FROM {schema}.projection_generations "
                "WHERE status = 'live' AND projection = ANY($1)",
                names,
            )
            if reached >= notification_id:
                return
            if not checked_head:
                await self._check_notification_exists(service, names, notification_id)
                checked_head = True
                # A projection parked on an event at or before this one will not get there by itself.
                parked = await pool.fetchrow(
                    f"SELECT projection, notification_id FROM {schema}.projection_parked_events "
                    "WHERE status = 'parked' AND projection = ANY($1) AND notification_id <= $2 LIMIT 1",
                    names,
                    notification_id,
                )
                if parked is not None:
                    raise NotCaughtUp(
                        f"la vue {parked['projection']} est arrêtée sur l'événement {parked['notification_id']} "
                        f"(en attente d'un opérateur) : la notification {notification_id} n'est pas encore "
                        f"appliquée (elle en est à {reached})",
                        position=reached,
                    )
            if asyncio.get_running_loop().time() > deadline:
                raise NotCaughtUp(
                    f"la vue n'a pas encore appliqué la notification {notification_id} (elle en est à {reached}) : "
                    "réessayer dans un instant",
                    position=reached,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    async def _check_notification_exists(self, service: str, names: Sequence[str], notification_id: int) -> None:
        """Waiting for an id the log has not reached would only time out: say so at once."""
        sources = {p.source for _, p in self.projections[service] if p.name in names}
        async with self._pool().acquire() as conn:
            head = max([await head_position(conn, source) for source in sources], default=0)
        if notification_id > head:
            raise InvalidInput(
                f"le champ « wait_for » : la notification {notification_id} n'existe pas "
                f"(le journal s'arrête à {head})",
                field="wait_for",
            )

    async def database_problems(self, timeout: float = POOL_TIMEOUT_SECONDS) -> list[str]:
        """What keeps the platform from working now, in French (empty when all is well): each side
        (the asyncpg pools, and each service's event-store pool) must hand out a connection that
        answers a query within `timeout`."""
        if self.write_pool is None or self.read_pool is None:
            return ["la plateforme n'est pas démarrée"]
        checks: dict[str, Any] = {
            "lecture (pool asyncpg)": _check_asyncpg(self.read_pool, timeout),
            "projections et suivi (pool asyncpg)": _check_asyncpg(self.write_pool, timeout),
        }
        for name, application in self.applications.items():
            checks[f"écriture {name} (pool du journal d'événements)"] = asyncio.to_thread(
                _check_event_store, application, timeout
            )
        results = await asyncio.gather(*checks.values(), return_exceptions=True)
        problems = []
        for side, result in zip(checks, results, strict=True):
            if not isinstance(result, BaseException):
                continue
            if is_database_outage(result):
                problems.append(f"{side} : base de données injoignable")
            else:  # /ready is public: the details go to the log only
                log.error("ready.check_failed", side=side, error=repr(result))
                problems.append(f"{side} : erreur inattendue (consignée dans le journal)")
        return problems

    async def status(self) -> list[dict[str, Any]]:
        """Each projection's position, lag, failure or parked event, abandoned rebuilds, runners."""
        heads: dict[EventLog, int] = {}
        statuses: list[dict[str, Any]] = []
        async with self._pool().acquire() as conn:
            for pairs in self.projections.values():
                if pairs:
                    service_statuses, _ = await service_status(conn, pairs[0][0], [p for _, p in pairs], heads)
                    statuses += service_statuses
        return statuses

    async def audit_chain_reports(self) -> dict[str, ChainReport]:
        """Each service's last periodic verification of its hash chain: this process's own if it
        runs the check (the projections' process), else as that process stored it."""
        async with self._pool().acquire() as conn:
            stored = await last_checks(conn, platform_logs(self))
        # The checking process answers from its own memory: the stored row is the database
        # owner's to edit, this process's report is not.
        return {**stored, **(self.audit_check.reports if self.audit_check is not None else {})}

    async def audit_chain_status(self) -> dict[str, dict[str, Any]]:
        """`/ready`'s `audit_chain` (« pas encore vérifiée » before the first check)."""
        reports = await self.audit_chain_reports()
        return {name: chain_status(reports.get(name)) for name in self.services}

    async def projection_readiness(self) -> dict[str, Any]:
        """The read side's part of `/ready` (see `shared.projection.health`)."""
        return readiness(await self.status())

    async def head(self, service: str) -> int:
        """The last notification id of the service's own log."""
        application = self.application(service)
        table = f"{self.services[service].schema}.{application.name.lower()}_events"
        return await self._pool().fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {table}")


async def _check_asyncpg(pool: asyncpg.Pool, timeout: float) -> None:
    # A pooled connection may have died with the server it came from: asyncpg finds out on first
    # use and replaces it, so one failure is retried once within the same time.
    deadline = asyncio.get_running_loop().time() + timeout
    for attempt in (1, 2):
        remaining = max(deadline - asyncio.get_running_loop().time(), 0.01)
        try:
            async with pool.acquire(timeout=remaining) as conn:
                await conn.fetchval("SELECT 1", timeout=remaining)
            return
        except Exception as error:
            if attempt == 2 or not is_database_outage(error):
                raise


def _check_event_store(application: ServiceApplication, timeout: float) -> None:
    pool = application.command_recorder.datastore.pool
    pool.open()  # the library opens it on first use; opening an open pool does nothing
    with pool.connection(timeout=timeout) as conn:
        conn.execute("SELECT 1")
