"""The write side: one `eventsourcing` application per service, on the library's PostgreSQL recorder.

What we add to the library is small:
- `ServiceApplication` configures the library for a service's own schema and our msgspec transcoder,
  and turns each save into a `CommandResult` (aggregate id, version, notification id);
- `CommandRecorder` writes the command's idempotency record in the same transaction as its events
  (through the recorder's hook that runs after the insert, when the notification ids are known), so
  that a crash can never keep the events and lose the record, or the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, StoredEvent, Transcoder
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from shared.database import DatabaseAddress
from shared.events import EVENT_VALUE_TYPES
from shared.transcoder import MsgspecTranscoder


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

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        notification_ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
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

    def find_idempotent_answer(self, scope: str, key: str) -> tuple[str, int, bytes] | None:
        """The fingerprint, status and body saved for a key, if a command used it already."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_idempotency, (scope, key), prepare=True)
            row = curs.fetchone()
        if row is None:
            return None
        return row["fingerprint"], row["status_code"], bytes(row["body"])


def event_transcoder() -> MsgspecTranscoder:
    """A transcoder that knows every value type events carry."""
    transcoder = MsgspecTranscoder()
    for name, cls in EVENT_VALUE_TYPES.items():
        transcoder.register_dataclass(cls, name)
    return transcoder


class ServiceApplication(Application[UUID]):
    """Base of each service's application (its service layer: use-case verbs of a few lines)."""

    schema: ClassVar[str]

    def __init__(self, database: DatabaseAddress, env: dict[str, str] | None = None) -> None:
        settings = {**type(self).env, **database.eventsourcing_env(self.schema), **(env or {})}
        super().__init__(env=settings)

    def construct_transcoder(self) -> Transcoder:
        return event_transcoder()

    @property
    def command_recorder(self) -> CommandRecorder:
        assert isinstance(self.recorder, CommandRecorder)
        return self.recorder

    def save_command(self, *aggregates: Any) -> CommandResult:
        """Save the aggregates' new events in one transaction and answer for the first aggregate."""
        primary = aggregates[0]
        claim = _current_claim.get()
        result = {"id": str(primary.id), "version": primary.version}
        kwargs: dict[str, Any] = {}
        if claim is not None:
            kwargs = {"idempotency_claim": claim, "idempotency_result": result}
        recordings = self.save(*aggregates, **kwargs)
        if not recordings:
            raise NothingToSave()
        notification_id = max(r.notification.id for r in recordings)
        return CommandResult(id=result["id"], version=result["version"], notification_id=notification_id)


class NothingToSave(Exception):
    """A command that changed nothing: the service layer should have refused it."""


__all__ = [
    "CommandRecorder",
    "CommandResult",
    "IdempotencyClaim",
    "IntegrityError",
    "NothingToSave",
    "ServiceApplication",
    "idempotency_claim",
]
