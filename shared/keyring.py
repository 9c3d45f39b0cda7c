"""The keys that seal people's personal details in events: one per data subject, kept apart.

A *data subject* is one e-mail address as the platform first met it (a directory person, a
member's contact person): a random id, a 256-bit AES key, and a digest of the address to find the
subject again when the same address comes back. Events carry the subject's id and the details
sealed with its key (`shared.personal`); erasing the subject deletes its row — key and digest —
and every copy of the details, in every event and every backup of the log, becomes unreadable.

The keys live in their own table (`keyring.subjects`), not in the events, behind the small `KeyRing`
interface: a deployment that keeps keys in a KMS implements the same four methods.

- A key made while a save's events are encoded is claimed in that save's transaction, ahead of the
  events and in the same pipeline (no extra round trip): `INSERT … ON CONFLICT DO NOTHING RETURNING`.
  No event ever commits without its key, nor a key without its events. When another save claimed
  the same new address meanwhile, the claim returns nothing: the recorder then inserts that key
  again without `ON CONFLICT`, whose unique violation rolls the whole save back (as a duplicate
  idempotency key does); the save reads the winner's key and encodes its events again with it
  (`ServiceApplication._record`), once — the races of saves meeting one new address lose nothing.
  Outside a save (the sealing migration, a test) a key is claimed at once, in a statement of its own.
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
        """The subject of this address and its key, made and stored first if the address is new."""
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


@dataclass
class KeysOfASave:
    """The keys made while encoding one save's events, and the cursor of their claim."""

    keys: list[SubjectKey] = field(default_factory=list)
    claim: Any = None  # the psycopg cursor whose RETURNING says which keys were claimed
    lost: list[SubjectKey] = field(default_factory=list)  # addresses another save claimed first


_keys_of_the_save: ContextVar[KeysOfASave | None] = ContextVar("keys_of_the_save", default=None)


@contextmanager
def keys_of_a_save() -> Iterator[KeysOfASave]:
    """Collect the keys made while encoding one save's events (the recorder claims them)."""
    made = KeysOfASave()
    token = _keys_of_the_save.set(made)
    try:
        yield made
    finally:
        _keys_of_the_save.reset(token)


def new_subject_key(email: str) -> SubjectKey:
    """A new subject for this address, with a fresh random key."""
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
                known = new_subject_key(email)
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
        self._reload_if_old()
        known = self._by_digest.get(digest)
        if known is not None:
            return known
        in_a_save = _keys_of_the_save.get()
        if in_a_save is not None:
            for made in in_a_save.keys:
                if made.email_digest == digest:
                    return made
            made = new_subject_key(email)
            in_a_save.keys.append(made)  # claimed by the recorder, in the save's transaction
            return made
        # Outside a save: claim a key at once (the address may have one made meanwhile elsewhere).
        made = new_subject_key(email)
        rows = self._execute(CLAIM_KEY, (made.subject, made.email_digest, made.key))
        if not rows:
            rows = self._execute(f"{SELECT_KEYS} WHERE email_digest = %s", (digest,))
        with self._lock:
            return self._cache(rows[0])

    def key_of(self, subject: UUID) -> bytes | None:
        self._reload_if_old()
        known = self._by_subject.get(subject)
        if known is not None:
            return known.key
        if subject in self._erased:
            return None
        in_a_save = _keys_of_the_save.get()
        for made in in_a_save.keys if in_a_save else ():
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
        rows = self._execute(SELECT_KEYS, ())
        with self._lock:
            self._by_subject, self._by_digest = {}, {}
            self._loaded_at = time.monotonic()
            for row in rows:
                self._cache(row)

    def _read_one(self, column: str, value: object) -> SubjectKey | None:
        rows = self._execute(f"{SELECT_KEYS} WHERE {column} = %s", (value,))
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
                    self._conn.execute("SET synchronous_commit = off")  # see the module's docstring
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

    def learn(self, digests: Iterable[bytes]) -> None:
        """Read the keys other saves claimed first for these addresses (a save that lost the claim)."""
        for digest in digests:
            self._read_one("email_digest", digest)

    def remember(self, keys: Sequence[SubjectKey]) -> None:
        """Cache keys a committed transaction wrote (the sealing migration's)."""
        with self._lock:
            for known in keys:
                self._by_subject[known.subject] = self._by_digest[known.email_digest] = known

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


SELECT_KEYS = "SELECT subject, key, email_digest FROM keyring.subjects"
CLAIM_KEYS = (
    "INSERT INTO keyring.subjects (subject, email_digest, key) "
    "SELECT * FROM unnest(%s::uuid[], %s::bytea[], %s::bytea[]) "
    "ON CONFLICT (email_digest) DO NOTHING RETURNING subject"
)
INSERT_KEY = "INSERT INTO keyring.subjects (subject, email_digest, key) VALUES (%s, %s, %s)"
CLAIM_KEY = (
    "INSERT INTO keyring.subjects (subject, email_digest, key) VALUES (%s, %s, %s) "
    "ON CONFLICT (email_digest) DO NOTHING RETURNING subject, key, email_digest"
)
DELETE_KEYS = "DELETE FROM keyring.subjects WHERE subject = ANY(%s)"
# The e-mails to an erased address: those not sent yet are not sent; those sent keep that they were
# (kind, subject line, when) but no longer to whom nor what they said.
DROP_UNSENT_MAIL = "DELETE FROM platform.outbox WHERE lower(recipient) = ANY(%s) AND sent_at IS NULL"
SCRUB_SENT_MAIL = "UPDATE platform.outbox SET recipient = %s, body = %s WHERE lower(recipient) = ANY(%s)"

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
