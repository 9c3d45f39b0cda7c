"""The write side: one `eventsourcing` application per service, on the library's PostgreSQL recorder.

What we add to the library is small:
- `ServiceApplication` configures the library for a service's own schema and our msgspec transcoder,
  and turns each save into a `CommandResult` (aggregate id, version, notification id);
- `CommandRecorder` writes the command's idempotency record in the same transaction as its events
  (through the recorder's hook that runs after the insert, when the notification ids are known), so
  that a crash can never keep the events and lose the record, or the other way round. Every command
  has a record (the client's `Idempotency-Key`, or one the server makes up), so that a command whose
  connection died during its save can look up whether its own write landed (`settle_lost_save`);
- the library's retries after a connection error are not used: a retried save whose first COMMIT
  had landed collides with its own rows (and was answered "already registered"), and ten retries
  of a read each waiting for the pool hold a request for tens of seconds during an outage;
- `make_pool_fail_fast` bounds the library's pool, whatever factory built it (a request waits at
  most `POOL_TIMEOUT_SECONDS` for a connection, 0.1 s while the database is known to be down,
  stale connections are pinged away) and makes it reconnect within half a second of the database
  coming back instead of backing off for minutes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from uuid import UUID

import msgspec
import psycopg
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    InterfaceError,
    OperationalError,
    Recording,
    StoredEvent,
    Transcoder,
)
from eventsourcing.postgres import (
    ConnectionPool,
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import Environment
from psycopg import Connection, Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier
from psycopg_pool import PoolClosed, PoolTimeout, TooManyRequests
from psycopg_pool.base import AttemptWithBackoff

from shared.audit_chain import CHAIN_TABLE, chain_link_literals, chain_tenant_of
from shared.database import DatabaseAddress
from shared.errors import VersionMismatch
from shared.events import EVENT_VALUE_TYPES
from shared.keyring import (
    CLAIM_KEYS,
    DELETE_KEYS,
    DROP_UNSENT_MAIL,
    INSERT_KEY,
    SCRUB_SENT_MAIL,
    InMemoryKeyRing,
    KeyRing,
    KeysOfASave,
    PostgresKeyRing,
    database_keyring,
    keys_of_a_save,
)
from shared.outages import POOL_TIMEOUT_SECONDS
from shared.personal import ERASED, PersonalDetails, SealedDetails
from shared.transcoder import MsgspecTranscoder, StructAsDict

# The library's settings that bound its pool (see `make_pool_fail_fast` for the rest).
RESILIENCE_ENV = {
    # Check a pooled connection before lending it: after a database restart every pooled
    # connection is dead, and a command must not be the one to find out.
    "POSTGRES_PRE_PING": "y",
}
# The library's in-memory persistence ("plain old Python objects"), for service-layer tests: see
# `ServiceApplication` for what it does not give.
IN_MEMORY_ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
# How long a command whose connection died during its save may spend finding out whether the save
# committed, before it answers "unknown, retry with the same key".
SETTLE_SECONDS = 1.0


class CommandResult(msgspec.Struct, frozen=True):
    """What every command answers: the aggregate it changed, its new version (the ETag for the
    next `If-Match`), and the notification id to pass as `wait_for` to read one's own write."""

    id: str
    version: int
    notification_id: int


@dataclass(frozen=True)
class IdempotencyClaim:
    """A command's claim on an `Idempotency-Key`, saved with the command's events."""

    scope: str
    key: str
    fingerprint: str
    status_code: int


@dataclass
class SaveAttempt:
    """What a save remembers of its connection, to find out later whether it committed."""

    backend_pid: int | None = None


class SaveOutcomeUnknown(Exception):
    """The connection failed while the save was in flight: it may or may not have committed."""

    def __init__(self, attempt: SaveAttempt) -> None:
        super().__init__("the connection to PostgreSQL was lost during the save")
        self.attempt = attempt


class SaveOutcomeUndetermined(Exception):
    """The database could not be asked, in time, whether a lost save committed."""


_current_claim: ContextVar[IdempotencyClaim | None] = ContextVar("idempotency_claim", default=None)


@contextmanager
def idempotency_claim(claim: IdempotencyClaim | None) -> Iterator[None]:
    token = _current_claim.set(claim)
    try:
        yield
    finally:
        _current_claim.reset(token)


class CommandRecorder(PostgresApplicationRecorder):
    """The library's recorder, plus the idempotency record in the events' transaction."""

    idempotency_table = "idempotency_keys"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        table = {"schema": Identifier(self.datastore.schema), "table": Identifier(self.idempotency_table)}
        self._insert_idempotency = SQL(
            "INSERT INTO {schema}.{table} (scope, key, fingerprint, status_code, body) VALUES (%s, %s, %s, %s, %s)"
        ).format(**table)
        self._select_idempotency = SQL(
            "SELECT fingerprint, status_code, body FROM {schema}.{table} WHERE scope = %s AND key = %s"
        ).format(**table)
        self._append_event_chain = SQL("SELECT {schema}.{function}(%s::text[], %s::bigint[], %s::bytea[])").format(
            schema=Identifier(self.datastore.schema), function=Identifier(f"append_{CHAIN_TABLE}")
        )

    # The library's reads retry ten times after a connection error, each waiting for the pool: an
    # outage then holds a request for tens of seconds. Without the retry decorator they fail at
    # once and the request answers 503 (pre-ping keeps connections that died earlier away).
    # (`retry` is typed as returning `Any`, so `__wrapped__` type-checks.)
    select_events = PostgresAggregateRecorder.select_events.__wrapped__
    select_notifications = PostgresApplicationRecorder.select_notifications.__wrapped__
    max_notification_id = PostgresApplicationRecorder.max_notification_id.__wrapped__

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's save, without its retry after a connection error: a save whose COMMIT had
        reached the server would be retried into its own rows and refused as a conflict. A save
        that never got a connection certainly wrote nothing; any other connection failure leaves
        its outcome unknown until `settle_lost_save` finds out."""
        try:
            return _library_insert_events(self, stored_events, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if isinstance(error.__cause__, (PoolTimeout, TooManyRequests, PoolClosed)):
                raise
            made: KeysOfASave | None = kwargs.get("keys_of_the_save")
            if made is not None and made.lost:  # the failure `_claimed_keys` caused: nothing committed
                raise IntegrityError("another save claimed a key for one of these addresses first") from error
            raise SaveOutcomeUnknown(kwargs.get("save_attempt") or SaveAttempt()) from error

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        attempt: SaveAttempt | None = kwargs.get("save_attempt")
        if attempt is not None:
            attempt.backend_pid = curs.connection.info.backend_pid
        # The keys made to seal these events' personal details, claimed ahead of them in the same
        # pipeline; whether each was claimed is read after the events' insert (`_claimed_keys`).
        made: KeysOfASave | None = kwargs.get("keys_of_the_save")
        if made is not None and made.keys:
            made.claim = curs.connection.cursor()
            made.claim.execute(
                CLAIM_KEYS,
                ([k.subject for k in made.keys], [k.email_digest for k in made.keys], [k.key for k in made.keys]),
                prepare=True,
            )
        super()._insert_events(curs, stored_events, **kwargs)

    def settle_lost_save(
        self, scope: str, key: str, attempt: SaveAttempt, *, within: float = SETTLE_SECONDS
    ) -> tuple[str, int, bytes] | None:
        """After the connection died during a save: its idempotency record if it committed, None
        if it certainly did not. Raises `SaveOutcomeUndetermined` if the database cannot tell
        within `within` seconds.

        The server may still be running the transaction (the COMMIT was sent, the answer lost), so
        the record only proves a negative once that backend has ended; its end is checked in a
        statement before the lookup, so the lookup's snapshot sees anything it committed."""
        deadline = time.monotonic() + within
        while True:
            try:
                with self.datastore.pool.connection(timeout=max(deadline - time.monotonic(), 0.01)) as conn:
                    backend = None
                    if attempt.backend_pid is not None:
                        backend = conn.execute(
                            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s) AS alive",
                            (attempt.backend_pid,),
                        ).fetchone()
                    if backend is None or not backend["alive"]:
                        row = conn.execute(self._select_idempotency, (scope, key)).fetchone()
                        if row is None:
                            return None
                        return row["fingerprint"], row["status_code"], bytes(row["body"])
            except psycopg.Error:
                pass  # the database is still out of reach: try again while there is time
            if time.monotonic() >= deadline:
                raise SaveOutcomeUndetermined()
            time.sleep(0.05)

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        notification_ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        self._claimed_keys(curs, kwargs.get("keys_of_the_save"))
        # The keys an erasure deletes go with its receipt, in this transaction.
        erased: Sequence[UUID] = kwargs.get("erase_subjects") or ()
        if erased:
            curs.execute(DELETE_KEYS, (list(erased),))
        addresses: Sequence[str] = kwargs.get("erase_mail_to") or ()
        if addresses:
            curs.execute(DROP_UNSENT_MAIL, (list(addresses),))
            curs.execute(SCRUB_SENT_MAIL, (ERASED, ERASED, list(addresses)))
        if notification_ids:
            self._append_chain_links(curs, stored_events, notification_ids, kwargs.get("chain_tenants") or {})
        claim: IdempotencyClaim | None = kwargs.get("idempotency_claim")
        result: dict[str, Any] | None = kwargs.get("idempotency_result")
        if claim is not None and result is not None and notification_ids:
            body = msgspec.json.encode({**result, "notification_id": max(notification_ids)})
            curs.execute(
                self._insert_idempotency,
                (claim.scope, claim.key, claim.fingerprint, claim.status_code, body),
                prepare=True,
            )
            # A duplicate key fails this statement, which aborts the whole transaction: the events
            # of a command that lost the race on its key are never committed.
        return notification_ids

    def _append_chain_links(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        notification_ids: Sequence[int],
        chain_tenants: dict[UUID, str],
    ) -> None:
        """The events' links in the hash chain (`shared.audit_chain`), in the save's transaction,
        with the library's table lock still held. One pipelined statement whose result is never
        waited for: a failure (no such function, say) aborts the transaction, and the save with it."""
        curs.execute(
            self._append_event_chain, chain_link_literals(stored_events, notification_ids, chain_tenants), prepare=True
        )

    @staticmethod
    def _claimed_keys(curs: Cursor[DictRow], made: KeysOfASave | None) -> None:
        """When another save claimed one of the new addresses first, fail the transaction (a
        statement that fails aborts it, whatever the library does with the error next)."""
        if made is None or made.claim is None:
            return
        with made.claim:
            claimed = {row["subject"] for row in made.claim.fetchall()}
        made.lost = [k for k in made.keys if k.subject not in claimed]
        if made.lost:
            lost = made.lost[0]
            curs.execute(INSERT_KEY, (lost.subject, lost.email_digest, lost.key))  # a unique violation

    def find_idempotent_answer(self, scope: str, key: str) -> tuple[str, int, bytes] | None:
        """The fingerprint, status and body saved for a key, if a command used it already."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_idempotency, (scope, key), prepare=True)
            row = curs.fetchone()
        if row is None:
            return None
        return row["fingerprint"], row["status_code"], bytes(row["body"])


_library_insert_events = PostgresApplicationRecorder.insert_events.__wrapped__


class _QuickReconnect(AttemptWithBackoff):
    """psycopg's pool waits 1 s, then 2, 4, 8… between attempts to reconnect: after a ten-second
    outage it would come back up to 16 s late. Try every 0.1 to 0.5 s instead (a connection
    attempt to a server that is down costs nothing)."""

    INITIAL_DELAY = 0.1
    DELAY_BACKOFF = 1.5
    MAX_DELAY = 0.5

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, self.MAX_DELAY)


class _QuickReconnectPool(ConnectionPool[Connection[DictRow]]):
    """The library's pool, reconnecting every half second at most, and failing fast while the
    database is known to be unreachable: a request then waits `UNREACHABLE_WAIT_SECONDS` for a
    connection instead of the full pool timeout. (Requests also queue on the library's per-aggregate
    cache lock: three requests each waiting the full second for the same aggregate answer after
    one, two and three seconds.)"""

    UNREACHABLE_WAIT_SECONDS = 0.1
    _unreachable = False  # set when a connection attempt fails, cleared when one succeeds

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        super()._add_connection(attempt or _QuickReconnect(timeout=self.reconnect_timeout), growing)

    def _connect(self, timeout: float | None = None) -> Any:
        try:
            connection = super()._connect(timeout=timeout)
        except Exception:
            self._unreachable = True
            raise
        self._unreachable = False
        return connection

    def getconn(self, timeout: float | None = None) -> Any:
        if self._unreachable:
            # Still ask (the request may take a connection that came back meanwhile, and asking
            # lets the pool grow again), but do not wait long for one.
            timeout = min(timeout if timeout is not None else self.timeout, self.UNREACHABLE_WAIT_SECONDS)
        return super().getconn(timeout=timeout)


def make_pool_fail_fast(pool: ConnectionPool[Connection[DictRow]]) -> None:
    """Give the pool the library has just built (not yet opened) our reconnection schedule and
    fail-fast wait (a subclass that adds no state), a wait bounded below a second (the library's
    setting takes whole seconds only), and libpq's own bound on a connection attempt."""
    pool.__class__ = _QuickReconnectPool
    pool.timeout = POOL_TIMEOUT_SECONDS
    if isinstance(pool.kwargs, dict):
        pool.kwargs["connect_timeout"] = 2  # libpq's smallest useful value


# Names value types were stored under before they took the one they have now: the events stored
# then still decode, into today's type; nothing writes these names any more.
FORMER_VALUE_NAMES: dict[str, type] = {
    # The member register's contact person: a dataclass of its own until issue 10 made it the one
    # personal-data type (same fields: name, email, phone).
    "membership.contact": PersonalDetails,
}


def event_transcoder(keyring: KeyRing | None = None) -> MsgspecTranscoder:
    """A transcoder that knows every value type events carry, under their current and former names;
    personal details sealed with `keyring`'s keys (by default the process's current keyring)."""
    transcoder = MsgspecTranscoder()
    for name, cls in EVENT_VALUE_TYPES.items():
        if issubclass(cls, msgspec.Struct):
            transcoder.register(StructAsDict(cls, name))
        else:
            transcoder.register_dataclass(cls, name)
    transcoder.register(SealedDetails(keyring))  # replaces the plain mapping registered above
    for former, cls in FORMER_VALUE_NAMES.items():
        transcoder.register_former_name(former, transcoder.types[cls])
    return transcoder


A = TypeVar("A", bound=Aggregate)
# How many times a command that commutes with its rivals is decided again after losing a race.
CONFLICT_ATTEMPTS = 4


class ServiceApplication(Application[UUID]):
    """Base of each service's application (its service layer: use-case verbs of a few lines).

    Every command goes through one pipeline: `load` (the aggregate, or the service's not-found
    refusal; the `If-Match` check), then `change` (decide, save; on a lost race, decide again on
    fresh state when the command commutes with its rivals, else 409).

    With `database=None` the application runs on the library's in-memory persistence (POPO), for
    service-layer tests without PostgreSQL: the pipeline, optimistic concurrency (a lost race is the
    same `IntegrityError`), notification ids and the transcoder all work as in production. What it
    does not give: idempotency records (a command's `Idempotency-Key` is not recorded, so a retry
    runs again, and `find_idempotent_answer` finds nothing), the settling of a save whose
    connection died (no connection to lose), the schema, row-level security and anything read
    through SQL (projections, queries)."""

    schema: ClassVar[str]

    def __init__(self, database: DatabaseAddress | None, env: dict[str, str] | None = None) -> None:
        persistence = (
            IN_MEMORY_ENV if database is None else {**database.eventsourcing_env(self.schema), **RESILIENCE_ENV}
        )
        settings = {**type(self).env, **persistence, **(env or {})}
        # Its own keyring: the database's (one per database, shared by the applications on it), or
        # in memory with the library's in-memory store.
        self.keyring: KeyRing = InMemoryKeyRing() if database is None else database_keyring(database.url())
        super().__init__(env=settings)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's save; with `erase_subjects`, those data subjects' keys deleted in its
        transaction (see `shared.keyring`).
        It tells the recorder which tenant's hash chain each aggregate's events go to (`chain_tenant`,
        else the network's chain: see `shared.audit_chain`)."""
        if "chain_tenants" not in kwargs:
            kwargs["chain_tenants"] = chain_tenants_of(objs)
        recordings = super().save(*objs, **kwargs)
        self.keyring.forget(kwargs.get("erase_subjects") or ())
        return recordings

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """The library's recording, with the keys made while encoding the events claimed in its
        transaction; when another save claimed one of their addresses first, encoded again with
        that save's key (once: see `shared.keyring`)."""
        for attempt in (1, 2):
            with keys_of_a_save() as made:
                processing_event.saved_kwargs["keys_of_the_save"] = made
                try:
                    recordings = super()._record(processing_event)
                except IntegrityError:
                    if attempt == 2 or not made.lost or not isinstance(self.keyring, PostgresKeyRing):
                        raise
                    self.keyring.learn(k.email_digest for k in made.lost)
                    continue
            if isinstance(self.keyring, PostgresKeyRing):
                self.keyring.remember(made.keys)
            return recordings
        raise AssertionError("unreachable")  # the loop returns or raises

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        factory = super().construct_factory(env)
        if isinstance(factory, PostgresFactory):
            make_pool_fail_fast(factory.datastore.pool)
        return factory

    def construct_transcoder(self) -> Transcoder:
        return event_transcoder(self.keyring)

    @property
    def command_recorder(self) -> CommandRecorder:
        """The PostgreSQL recorder with the idempotency records (not there in memory)."""
        if not isinstance(self.recorder, CommandRecorder):
            raise TypeError(f"the {self.name} application has no PostgreSQL recorder (in-memory persistence)")
        return self.recorder

    def find_idempotent_answer(self, scope: str, key: str) -> tuple[str, int, bytes] | None:
        """The fingerprint, status and body saved for a key, if a command used it already (never,
        in memory: it keeps no idempotency records)."""
        if not isinstance(self.recorder, CommandRecorder):
            return None
        return self.recorder.find_idempotent_answer(scope, key)

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of that class with that id, or None."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def load(
        self,
        cls: type[A],
        aggregate_id: UUID,
        not_found: Callable[[UUID], Exception],
        expected_version: int | None = None,
    ) -> A:
        """The aggregate, or `not_found(id)` raised; with `expected_version` (the client's
        `If-Match`), `VersionMismatch` unless the aggregate is still at that version."""
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise not_found(aggregate_id)
        if expected_version is not None and aggregate.version != expected_version:
            raise VersionMismatch(expected_version, aggregate.version)
        return aggregate

    def change(
        self,
        load: Callable[[], A],
        decide: Callable[[A], Iterable[Aggregate] | None],
        *,
        commutes: bool = False,
    ) -> CommandResult:
        """Load, decide, save the aggregate and whatever else `decide` returns, in one transaction.

        A save that loses a race on an aggregate (another command saved it since it was loaded)
        is refused with 409 — unless the command `commutes` with its rivals (participants'
        answers, decisions within an envelope) and the client named no version: then it is
        decided again on the fresh state, a few times, so that no answer is lost to a race."""
        attempts = CONFLICT_ATTEMPTS if commutes else 1
        for attempt in range(1, attempts + 1):
            aggregate = load()
            also = decide(aggregate) or ()
            try:
                return self.save_command(aggregate, *also)
            except IntegrityError:
                if attempt == attempts:
                    raise
            time.sleep(random.uniform(0.001, 0.01) * attempt)  # let the winner's rivals spread out
        raise AssertionError("unreachable")  # the loop either returns or raises

    def save_command(
        self, *aggregates: Any, erase_subjects: Sequence[UUID] = (), erase_mail_to: Sequence[str] = ()
    ) -> CommandResult:
        """Save the aggregates' new events in one transaction and answer for the first aggregate;
        with `erase_subjects`, delete those data subjects' keys in that transaction, and with
        `erase_mail_to` the outbox's messages to those addresses."""
        primary = aggregates[0]
        claim = _current_claim.get()
        result = {"id": str(primary.id), "version": primary.version}
        kwargs: dict[str, Any] = {
            "save_attempt": SaveAttempt(),
            "erase_subjects": tuple(erase_subjects),
            "erase_mail_to": tuple(erase_mail_to),
        }
        if claim is not None:
            kwargs |= {"idempotency_claim": claim, "idempotency_result": result}
        recordings = self.save(*aggregates, **kwargs)
        if not recordings:
            raise NothingToSave()
        notification_id = max(r.notification.id for r in recordings)
        return CommandResult(id=result["id"], version=result["version"], notification_id=notification_id)


def chain_tenants_of(aggregates: Iterable[Any]) -> dict[UUID, str]:
    """Each aggregate's hash-chain tenant, for `insert_events(chain_tenants=...)`."""
    return {a.id: chain_tenant_of(a) for a in aggregates if isinstance(a, Aggregate)}


class NothingToSave(Exception):
    """A command that changed nothing: the service layer should have refused it."""


__all__ = [
    "CommandRecorder",
    "CommandResult",
    "IdempotencyClaim",
    "IntegrityError",
    "InterfaceError",
    "OperationalError",
    "NothingToSave",
    "SaveAttempt",
    "SaveOutcomeUndetermined",
    "SaveOutcomeUnknown",
    "ServiceApplication",
    "chain_tenants_of",
    "idempotency_claim",
]
