"""The keys that seal people's personal details in events: one per data subject, kept apart.

A *data subject* is one e-mail address as the platform first met it (a directory person, a
member's contact person): a random id, a 256-bit AES key, and a digest of the address to find the
subject again when the same address comes back. Events carry the subject's id and the details
sealed with its key (`shared.personal`); erasing the subject deletes its row — key and digest —
and every copy of the details, in every event and every backup of the log, becomes unreadable.

The keys live in their own table (`keyring.subjects`), not in the events, behind the small `KeyRing`
interface: a deployment that keeps keys in a KMS implements the same five methods.

- A key made during a save is not written at once: it joins the save (`pending_keys`), and the
  recorder inserts it in the events' own transaction. A crash can then never keep the events and lose
  their key (unreadable data) nor keep a key for events that were never written.
- Keys are read through a cache of the whole table (a few thousand rows of 32 bytes), completed row
  by row on a miss and read again whole every `FULL_RELOAD_SECONDS`; erasing evicts at once in the
  process that erases, and in the others when their projection of the erasure receipt runs or at the
  next full reload, whichever comes first.
- One keyring per database in a process (`database_keyring`), which each application on it seals
  and opens with; a running platform makes it the process's current one (`use_keyring`), for the
  projections' decoding. Service-layer tests on the library's in-memory store get one in memory.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID, uuid4

import psycopg

# How old the cache may grow before it is read again whole (so that another process's erasure
# reaches this one even if no projection of its receipt runs here).
FULL_RELOAD_SECONDS = 60.0


@dataclass(frozen=True)
class SubjectKey:
    subject: UUID
    key: bytes
    email_digest: bytes


def email_digest(email: str) -> bytes:
    """How the keyring finds a subject by address without keeping the address. The row, digest
    included, goes when the subject is erased: what remains in the events is a random id."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).digest()


class KeyRing(Protocol):
    def key_for(self, email: str) -> SubjectKey:
        """The subject of this address and its key, made (and added to the current save) if new."""
        ...

    def key_of(self, subject: UUID) -> bytes | None:
        """The subject's key, or None once it was erased."""
        ...

    def subject_of(self, email: str) -> UUID | None:
        """The subject of this address, if the platform holds one."""
        ...

    def forget(self, subjects: Iterable[UUID]) -> None:
        """Drop the subjects from this process's cache (their rows were deleted by a save)."""
        ...

    def store_now(self, keys: Sequence[SubjectKey]) -> None:
        """Write keys made outside any save (a one-off re-encryption, say) in their own transaction."""
        ...


@dataclass
class PendingKeys:
    """The keys made while a save's events were encoded: the recorder inserts them with the events."""

    keys: list[SubjectKey] = field(default_factory=list)


_pending: ContextVar[PendingKeys | None] = ContextVar("pending_keys", default=None)


@contextmanager
def pending_keys() -> Iterator[PendingKeys]:
    """Collect the keys made while encoding one save's events."""
    pending = PendingKeys()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


def _new_key(email: str) -> SubjectKey:
    return SubjectKey(subject=uuid4(), key=secrets.token_bytes(32), email_digest=email_digest(email))


class InMemoryKeyRing:
    """Keys in a dict: for the library's in-memory store, where events die with the process anyway."""

    def __init__(self) -> None:
        self._by_subject: dict[UUID, SubjectKey] = {}
        self._by_digest: dict[bytes, SubjectKey] = {}
        self._lock = threading.Lock()

    def key_for(self, email: str) -> SubjectKey:
        digest = email_digest(email)
        with self._lock:
            known = self._by_digest.get(digest)
            if known is None:
                known = _new_key(email)
                self._by_digest[digest] = self._by_subject[known.subject] = known
            return known

    def key_of(self, subject: UUID) -> bytes | None:
        known = self._by_subject.get(subject)
        return None if known is None else known.key

    def subject_of(self, email: str) -> UUID | None:
        known = self._by_digest.get(email_digest(email))
        return None if known is None else known.subject

    def forget(self, subjects: Iterable[UUID]) -> None:
        with self._lock:
            for subject in subjects:
                known = self._by_subject.pop(subject, None)
                if known is not None:
                    self._by_digest.pop(known.email_digest, None)

    def store_now(self, keys: Sequence[SubjectKey]) -> None:
        with self._lock:
            for known in keys:
                self._by_digest[known.email_digest] = self._by_subject[known.subject] = known


class PostgresKeyRing:
    """The keyring in `keyring.subjects`, read through a cache of the whole table."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._by_subject: dict[UUID, SubjectKey] = {}
        self._by_digest: dict[bytes, SubjectKey] = {}
        self._erased: set[UUID] = set()
        self._loaded_at = float("-inf")

    # --- reading --------------------------------------------------------------------------

    def key_for(self, email: str) -> SubjectKey:
        digest = email_digest(email)
        known = self._cached_digest(digest)
        if known is not None:
            return known
        pending = _pending.get()
        if pending is not None:
            for made in pending.keys:
                if made.email_digest == digest:
                    return made
        made = _new_key(email)
        if pending is None:
            self.store_now([made])
        else:
            pending.keys.append(made)  # written by the recorder, in the save's transaction
        return made

    def key_of(self, subject: UUID) -> bytes | None:
        self._reload_if_old()
        known = self._by_subject.get(subject)
        if known is not None:
            return known.key
        if subject in self._erased:
            return None
        pending = _pending.get()
        for made in pending.keys if pending else ():
            if made.subject == subject:
                return made.key
        # An event is committed with its key, so a key missing from the table was erased: that is
        # remembered, so that replaying an erased person's events asks the database once.
        known = self._read_one("subject", subject)
        if known is None:
            self._erased.add(subject)
            return None
        return known.key

    def subject_of(self, email: str) -> UUID | None:
        known = self._cached_digest(email_digest(email))
        return None if known is None else known.subject

    def _cached_digest(self, digest: bytes) -> SubjectKey | None:
        self._reload_if_old()
        return self._by_digest.get(digest) or self._read_one("email_digest", digest)

    def _reload_if_old(self) -> None:
        if time.monotonic() - self._loaded_at <= FULL_RELOAD_SECONDS:
            return
        rows = self._execute("SELECT subject, key, email_digest FROM keyring.subjects", ())
        with self._lock:
            self._by_subject, self._by_digest = {}, {}
            self._loaded_at = time.monotonic()
            for row in rows:
                self._cache(row)

    def _read_one(self, column: str, value: object) -> SubjectKey | None:
        rows = self._execute(f"SELECT subject, key, email_digest FROM keyring.subjects WHERE {column} = %s", (value,))
        with self._lock:
            return self._cache(rows[0]) if rows else None

    def _cache(self, row: tuple[Any, ...]) -> SubjectKey:
        subject, key, digest = row
        known = SubjectKey(subject=subject, key=bytes(key), email_digest=bytes(digest))
        self._by_subject[known.subject] = self._by_digest[known.email_digest] = known
        return known

    def _execute(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        # One connection of its own, autocommit: a read must not wait behind a save's pool, and a
        # dead connection (database restarted) is replaced on the next call.
        for attempt in (1, 2):
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=2)
                cursor = self._conn.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:
                self._conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # --- changing -------------------------------------------------------------------------

    def forget(self, subjects: Iterable[UUID]) -> None:
        with self._lock:
            for subject in subjects:
                self._erased.add(subject)
                known = self._by_subject.pop(subject, None)
                if known is not None:
                    self._by_digest.pop(known.email_digest, None)

    def store_now(self, keys: Sequence[SubjectKey]) -> None:
        for known in keys:
            self._execute(INSERT_KEY, (known.subject, known.email_digest, known.key))
        self.remember(keys)

    def remember(self, keys: Sequence[SubjectKey]) -> None:
        """Cache keys a committed save wrote."""
        with self._lock:
            for known in keys:
                self._by_subject[known.subject] = self._by_digest[known.email_digest] = known

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# A key whose address got a key meanwhile in another save fails on the digest's uniqueness: that
# save is refused as a conflict (409, retry) and its key never exists.
INSERT_KEY = "INSERT INTO keyring.subjects (subject, email_digest, key) VALUES (%s, %s, %s)"
DELETE_KEYS = "DELETE FROM keyring.subjects WHERE subject = ANY(%s)"

_by_database: dict[str, PostgresKeyRing] = {}
_current: list[KeyRing] = [InMemoryKeyRing()]


def database_keyring(dsn: str) -> PostgresKeyRing:
    """The keyring of this database, one per process (its cache shared by every application on it)."""
    keyring = _by_database.get(dsn)
    if keyring is None:
        keyring = _by_database[dsn] = PostgresKeyRing(dsn)
    return keyring


def current_keyring() -> KeyRing:
    """The keyring of the platform running in this process, for what decodes events without an
    application (the projections): in memory when none runs."""
    return _current[0]


def use_keyring(keyring: KeyRing | None) -> None:
    """Make `keyring` the process's current one (the platform on start; None on stop)."""
    _current[0] = keyring if keyring is not None else InMemoryKeyRing()
