"""The tamper-evident hash chain of every service's event log (issue 12).

Every stored event gets one link in `<schema>.event_chain`: `hash = sha256(previous hash || digest)`,
where the digest covers the event's notification id, originator id and version, topic and stored
state (the bytes the transcoder wrote, ciphertext included), and the previous hash is the last
link of the same *tenant* (the member the event belongs to; "" is the network-level chain of
calls, regions, referentials...). The first link of a tenant chains from 32 zero bytes.

One module computes the digest and the chaining for everyone who needs them: the writer
(`shared.eventstore.CommandRecorder`, in the save's transaction, under the library's table lock),
the backfill of a log that predates the chain, and the verifier; they cannot disagree.

Anchors: once a day the head of every chain is appended to a file outside the database (one JSON
line per service and tenant); the verifier checks that each anchored link still holds the anchored
hash, so that even a consistent rewrite of a whole chain shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
import structlog
from msgspec import Meta

from shared.migrations import Migration

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

    from shared.eventstore import ServiceApplication
    from shared.platform import Platform

log = structlog.get_logger(__name__)

CHAIN_TABLE = "event_chain"
CHECK_TABLE = "event_chain_check"  # the periodic check's last report (one row)
NETWORK_CHAIN = ""  # the tenant of events that belong to no member
ZERO_HASH = bytes(32)
VERIFY_BATCH = 5000  # notification ids per window read by the verifier

# Why a link does not hold, in the words the verify command and the API answer.
CONTENT_CHANGED = "contenu modifié"
EVENT_WITHOUT_LINK = "événement sans maillon"
LINK_WITHOUT_EVENT = "maillon sans événement"
ORDER_BROKEN = "ordre rompu"


def anchor_mismatch(day: str) -> str:
    return f"ancre du {date.fromisoformat(day):%d/%m/%Y} ne correspond plus"


# --- digest and chaining (the one definition) -------------------------------------------------


def content_digest(
    notification_id: int, originator_id: UUID, originator_version: int, topic: str, state: bytes
) -> bytes:
    """sha256 over int8(notification id) || uuid bytes || int8(version) || int4(len topic) || topic || state."""
    topic_bytes = topic.encode()
    head = struct.pack(">q16sqi", notification_id, originator_id.bytes, originator_version, len(topic_bytes))
    return hashlib.sha256(head + topic_bytes + bytes(state)).digest()


def next_hash(previous: bytes, digest: bytes) -> bytes:
    """The link's hash; PostgreSQL's `sha256(previous || digest)` computes the same."""
    return hashlib.sha256(previous + digest).digest()


def chain_links(
    stored_events: Sequence[StoredEvent], notification_ids: Sequence[int], chain_tenants: Mapping[Any, str]
) -> tuple[list[str], list[int], list[bytes]]:
    """The arguments of `append_event_chain` for one save: tenants, notification ids and digests,
    in notification-id order (an aggregate not in `chain_tenants` goes to the network chain)."""
    rows = sorted(zip(notification_ids, stored_events, strict=True), key=lambda row: row[0])
    tenants = [chain_tenants.get(e.originator_id, NETWORK_CHAIN) for _, e in rows]
    ids = [nid for nid, _ in rows]
    digests = [content_digest(nid, _uuid(e.originator_id), e.originator_version, e.topic, e.state) for nid, e in rows]
    return tenants, ids, digests


def chain_link_literals(
    stored_events: Sequence[StoredEvent], notification_ids: Sequence[int], chain_tenants: Mapping[Any, str]
) -> tuple[str, str, str]:
    """`chain_links` as PostgreSQL array literals (text[], bigint[], bytea[]): psycopg sends three
    strings faster than it adapts three lists, and this runs in every save."""
    tenants, ids, digests = chain_links(stored_events, notification_ids, chain_tenants)
    return (
        "{" + ",".join('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in tenants) + "}",
        "{" + ",".join(map(str, ids)) + "}",
        "{" + ",".join('"\\\\x' + d.hex() + '"' for d in digests) + "}",
    )


def chain_tenant_of(aggregate: object) -> str:
    """The chain an aggregate's events go to: its `chain_tenant` (a member id) if it has one."""
    tenant = getattr(aggregate, "chain_tenant", None)
    return tenant if isinstance(tenant, str) else NETWORK_CHAIN


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


# --- where a service's log and chain are -------------------------------------------------------


@dataclass(frozen=True)
class ChainedLog:
    service: str
    schema: str
    events_table: str  # the library's table, in `schema`

    @property
    def events(self) -> str:
        return f"{self.schema}.{self.events_table}"

    @property
    def chain(self) -> str:
        return f"{self.schema}.{CHAIN_TABLE}"


def log_of(name: str, schema: str, application_class: type[ServiceApplication]) -> ChainedLog:
    # The library names the events table after the application (see `Platform.head`).
    return ChainedLog(name, schema, f"{application_class.name.lower()}_events")


def platform_logs(platform: Platform) -> list[ChainedLog]:
    return [log_of(s.name, s.schema, s.application_class) for s in platform.services.values()]


# --- the table, the writer's function, the backfill --------------------------------------------


def chain_table_sql(schema: str) -> str:
    """The chain table and the function each save calls (one statement, pipelined, never waited for)."""
    return f"""
        CREATE TABLE {schema}.{CHAIN_TABLE} (
            notification_id bigint PRIMARY KEY,
            tenant text NOT NULL,
            hash bytea NOT NULL
        );
        CREATE INDEX {CHAIN_TABLE}_by_tenant ON {schema}.{CHAIN_TABLE} (tenant, notification_id);
        -- The reader role gets nothing here: the verify runs on the write side.
        -- Called under the events table's EXCLUSIVE lock (the library's, in every save): writers
        -- of one log are already serialised, so reading each tenant's last link cannot race.
        CREATE FUNCTION {schema}.append_event_chain(tenants text[], ids bigint[], digests bytea[])
        RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE
            seen text[] := '{{}}';
            heads bytea[] := '{{}}';
            hashes bytea[] := '{{}}';
            k int;
            previous bytea;
        BEGIN
            FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
                k := array_position(seen, tenants[i]);
                IF k IS NULL THEN
                    SELECT c.hash INTO previous FROM {schema}.{CHAIN_TABLE} c
                        WHERE c.tenant = tenants[i] ORDER BY c.notification_id DESC LIMIT 1;
                    seen := seen || tenants[i];
                    heads := heads || coalesce(previous, '\\x{ZERO_HASH.hex()}'::bytea);
                    k := array_length(seen, 1);
                END IF;
                heads[k] := sha256(heads[k] || digests[i]);
                hashes := hashes || heads[k];
            END LOOP;
            INSERT INTO {schema}.{CHAIN_TABLE} (notification_id, tenant, hash)
                SELECT * FROM unnest(ids, tenants, hashes);
        END
        $fn$;
        REVOKE EXECUTE ON FUNCTION {schema}.append_event_chain(text[], bigint[], bytea[]) FROM PUBLIC;
        """


def chain_migrations(name: str, schema: str, application_class: type[ServiceApplication]) -> tuple[Migration, ...]:
    """The service's chain migrations (applied by the platform as component `<schema>.audit_chain`)."""
    chained = log_of(name, schema, application_class)

    async def backfill_existing(conn: asyncpg.Connection) -> None:
        await backfill(conn, chained, application_class)

    return (
        Migration(
            1, "hash chain of the event log, existing events chained", chain_table_sql(schema), then=backfill_existing
        ),
        Migration(
            2,
            "the last periodic check of the chain, for every process's /ready and /metrics",
            f"""
            CREATE TABLE {schema}.{CHECK_TABLE} (
                one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
                intact boolean NOT NULL,
                events_checked bigint NOT NULL,
                anchors_checked bigint NOT NULL,
                checked_at timestamptz NOT NULL,
                first_bad jsonb
            );
            """,
        ),
    )


async def backfill(conn: asyncpg.Connection, chained: ChainedLog, application_class: type[ServiceApplication]) -> int:
    """Chain the events stored before the chain existed, in notification-id order, under the
    library's lock (writers wait). Each event's tenant is its aggregate's `chain_tenant` right after
    that event, replayed through the service's own mapper: what the writer would have recorded.
    Only events with no link yet are chained (run twice, it does nothing). Returns how many."""
    if await conn.fetchval("SELECT to_regclass($1)", chained.events) is None:
        return 0  # a new database: the library creates the table, and the chain starts with it
    async with conn.transaction():  # a savepoint within the migration's transaction
        await conn.execute(f"LOCK TABLE {chained.events} IN EXCLUSIVE MODE")
        if await conn.fetchval(f"SELECT EXISTS (SELECT FROM {chained.chain})"):
            return 0
        done, tenants = await _chain_existing(conn, chained, application_class)
    if done:
        log.info("audit.chain_backfilled", service=chained.service, events=done, tenants=tenants)
    return done


async def rechain_from(conn: asyncpg.Connection, chained: ChainedLog, first: int) -> int:
    """Recompute the links from notification id `first` on, each event keeping its tenant: the
    events there were rewritten on purpose (the one-off sealing of personal data). The caller holds
    the log's lock in its transaction. Returns how many links were recomputed."""
    heads = {
        row["tenant"]: bytes(row["hash"])
        for row in await conn.fetch(
            f"SELECT DISTINCT ON (tenant) tenant, hash FROM {chained.chain} WHERE notification_id < $1 "
            "ORDER BY tenant, notification_id DESC",
            first,
        )
    }
    rows = await conn.fetch(
        f"SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, c.tenant "
        f"FROM {chained.events} e JOIN {chained.chain} c USING (notification_id) "
        "WHERE e.notification_id >= $1 ORDER BY e.notification_id",
        first,
    )
    links = []
    for row in rows:
        digest = content_digest(
            row["notification_id"], row["originator_id"], row["originator_version"], row["topic"], row["state"]
        )
        heads[row["tenant"]] = next_hash(heads.get(row["tenant"], ZERO_HASH), digest)
        links.append((row["notification_id"], heads[row["tenant"]]))
    await conn.executemany(f"UPDATE {chained.chain} SET hash = $2 WHERE notification_id = $1", links)
    return len(links)


async def _chain_existing(
    conn: asyncpg.Connection, chained: ChainedLog, application_class: type[ServiceApplication]
) -> tuple[int, int]:
    decoder = application_class(None)  # in memory: only its mapper (the service's transcoder) is used
    aggregates: dict[UUID, Any] = {}
    heads: dict[str, bytes] = {}
    done = 0
    select = f"SELECT notification_id, originator_id, originator_version, topic, state FROM {chained.events}"
    try:
        async for rows in _windows(conn, select):
            links = []
            for row in rows:
                tenant = _replayed_tenant(decoder, aggregates, row)
                digest = content_digest(
                    row["notification_id"], row["originator_id"], row["originator_version"], row["topic"], row["state"]
                )
                heads[tenant] = next_hash(heads.get(tenant, ZERO_HASH), digest)
                links.append((row["notification_id"], tenant, heads[tenant]))
            await conn.copy_records_to_table(
                CHAIN_TABLE, schema_name=chained.schema, records=links, columns=["notification_id", "tenant", "hash"]
            )
            done += len(links)
    finally:
        decoder.close()
    return done, len(heads)


def _replayed_tenant(decoder: ServiceApplication, aggregates: dict[UUID, Any], row: Mapping[str, Any]) -> str:
    from eventsourcing.persistence import StoredEvent

    originator_id = row["originator_id"]
    try:
        stored = StoredEvent(originator_id, row["originator_version"], row["topic"], bytes(row["state"]))
        event: Any = decoder.mapper.to_domain_event(stored)  # an aggregate event: it mutates
        aggregates[originator_id] = event.mutate(aggregates.get(originator_id))
    except Exception as error:  # an event that no longer decodes: chained, on the network's chain
        log.warning("audit.backfill_undecodable", originator_id=str(originator_id), error=repr(error))
        aggregates.pop(originator_id, None)
        return NETWORK_CHAIN
    return chain_tenant_of(aggregates[originator_id])


async def _windows(conn: asyncpg.Connection, select: str) -> Any:
    """The rows of `select` (over one table with `notification_id`), in windows of ids."""
    last = 0
    while True:
        rows = await conn.fetch(
            f"{select} WHERE notification_id > $1 ORDER BY notification_id LIMIT $2", last, VERIFY_BATCH
        )
        if not rows:
            return
        yield rows
        last = rows[-1]["notification_id"]


# --- verify -------------------------------------------------------------------------------------


class BadEvent(msgspec.Struct, frozen=True):
    """The first event (or link) that does not hold, and why."""

    notification_id: Annotated[int, Meta(description="Its position in the service's log")]
    reason: Annotated[
        str,
        Meta(
            description="Why, in French: « contenu modifié », « événement sans maillon », « maillon sans "
            "événement », « ordre rompu », « ancre du JJ/MM/AAAA ne correspond plus »"
        ),
    ]
    originator_id: Annotated[str | None, Meta(description="The aggregate it belongs to (null: no event there)")] = None
    originator_version: Annotated[int | None, Meta(description="Its version in that aggregate")] = None
    topic: Annotated[str | None, Meta(description="The event's type, as stored")] = None
    # The link's tenant ("" the network's), None when there is no link.
    tenant: Annotated[
        str | None, Meta(description='The chain it is in: a member id, "" for the network\'s, null without a link')
    ] = None


class ChainReport(msgspec.Struct, frozen=True):
    """One verification of one service's chain (or of one tenant's chain in it)."""

    service: Annotated[str, Meta(description="The service whose log was verified")]
    intact: Annotated[bool, Meta(description="Whether every link (and every anchor) holds")]
    events_checked: Annotated[int, Meta(description="How many events were recomputed (up to the first bad one)")]
    anchors_checked: Annotated[int, Meta(description="How many anchored heads were compared")]
    checked_at: Annotated[datetime, Meta(description="When the verification ran")]
    tenant: Annotated[
        str | None, Meta(description="The member whose chain was verified (null: every chain of the service)")
    ] = None
    first_bad: Annotated[BadEvent | None, Meta(description="The first event that does not hold (null: none)")] = None


class Anchor(msgspec.Struct, frozen=True):
    """One line of the anchor file: a chain's head on a day."""

    day: str  # ISO date, UTC
    service: str
    tenant: str
    notification_id: int
    hash: str  # hex


async def verify(
    conn: asyncpg.Connection, chained: ChainedLog, *, tenant: str | None = None, anchors: Iterable[Anchor] = ()
) -> ChainReport:
    """Recompute the service's chains (or one tenant's) in notification-id order and report the
    first event or link that does not hold, in one consistent snapshot (writers go on).

    An event with no link is reported even when a tenant is asked for: its link, and with it the
    event's tenant, is gone, and it could be that tenant's. The order check (each aggregate's
    versions following each other) runs on the whole log only: an aggregate may change tenant."""
    pending: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.service == chained.service and (tenant is None or anchor.tenant == tenant):
            pending.setdefault(anchor.notification_id, []).append(anchor)
    anchors_total = sum(len(a) for a in pending.values())
    heads: dict[str, bytes] = {}
    versions: dict[UUID, int] = {}
    checked = 0

    def report(bad: BadEvent | None) -> ChainReport:
        return ChainReport(
            service=chained.service,
            tenant=tenant,
            intact=bad is None,
            events_checked=checked,
            anchors_checked=anchors_total - sum(len(a) for a in pending.values()),
            checked_at=datetime.now(UTC),
            first_bad=bad,
        )

    async with conn.transaction(isolation="repeatable_read", readonly=True):
        top = (
            await conn.fetchval(
                f"SELECT greatest((SELECT max(notification_id) FROM {chained.events}), "
                f"(SELECT max(notification_id) FROM {chained.chain}))"
            )
            or 0
        )
        low = 0
        while low < top:
            high = low + VERIFY_BATCH
            events = {
                r["notification_id"]: r
                for r in await conn.fetch(
                    f"SELECT notification_id, originator_id, originator_version, topic, state FROM {chained.events} "
                    "WHERE notification_id > $1 AND notification_id <= $2",
                    low,
                    high,
                )
            }
            links = {
                r["notification_id"]: r
                for r in await conn.fetch(
                    f"SELECT notification_id, tenant, hash FROM {chained.chain} "
                    "WHERE notification_id > $1 AND notification_id <= $2",
                    low,
                    high,
                )
            }
            if not events and not links:  # a gap in the ids (a forged huge id, say): jump it
                low = (
                    await conn.fetchval(
                        f"SELECT least((SELECT min(notification_id) FROM {chained.events} WHERE notification_id > $1), "
                        f"(SELECT min(notification_id) FROM {chained.chain} WHERE notification_id > $1))",
                        high,
                    )
                    or top + 1
                ) - 1
                continue
            for nid in sorted(events.keys() | links.keys()):
                event, link = events.get(nid), links.get(nid)
                if link is not None and tenant is not None and link["tenant"] != tenant:
                    continue
                bad = _check(nid, event, link, heads, versions if tenant is None else None)
                if bad is None and link is not None:
                    bad = _check_anchors(nid, link, pending.pop(nid, []), event)
                if bad is not None:
                    return report(bad)
                checked += event is not None
            low = high
    if pending:  # anchored links that are not there any more (the chain was cut short)
        nid = min(pending)
        anchor = pending[nid][0]
        return report(BadEvent(nid, anchor_mismatch(anchor.day), tenant=anchor.tenant))
    return report(None)


def _check(
    nid: int,
    event: Mapping[str, Any] | None,
    link: Mapping[str, Any] | None,
    heads: dict[str, bytes],
    versions: dict[UUID, int] | None,
) -> BadEvent | None:
    if link is None:
        assert event is not None
        return _bad(nid, EVENT_WITHOUT_LINK, event, None)
    if event is None:
        return BadEvent(nid, LINK_WITHOUT_EVENT, tenant=link["tenant"])
    expected = next_hash(
        heads.get(link["tenant"], ZERO_HASH),
        content_digest(nid, event["originator_id"], event["originator_version"], event["topic"], event["state"]),
    )
    in_order = True
    if versions is not None:
        in_order = event["originator_version"] == versions.get(event["originator_id"], 0) + 1
        versions[event["originator_id"]] = event["originator_version"]
    if expected != bytes(link["hash"]):
        # A link that does not follow from the one before: its content changed, or (when the
        # aggregate's versions skip or go back) an event was taken out, moved or renumbered.
        return _bad(nid, CONTENT_CHANGED if in_order else ORDER_BROKEN, event, link["tenant"])
    if not in_order:
        return _bad(nid, ORDER_BROKEN, event, link["tenant"])
    heads[link["tenant"]] = expected
    return None


def _check_anchors(
    nid: int, link: Mapping[str, Any], anchors: list[Anchor], event: Mapping[str, Any] | None
) -> BadEvent | None:
    for anchor in anchors:
        if anchor.tenant != link["tenant"] or anchor.hash != bytes(link["hash"]).hex():
            return _bad(nid, anchor_mismatch(anchor.day), event, link["tenant"])
    return None


def _bad(nid: int, reason: str, event: Mapping[str, Any] | None, tenant: str | None) -> BadEvent:
    if event is None:
        return BadEvent(nid, reason, tenant=tenant)
    return BadEvent(
        nid,
        reason,
        originator_id=str(event["originator_id"]),
        originator_version=event["originator_version"],
        topic=event["topic"],
        tenant=tenant,
    )


def describe(report: ChainReport) -> str:
    """The report in one French paragraph (the verify command's output)."""
    which = "toutes les chaînes" if report.tenant is None else f"la chaîne de l'adhérent {report.tenant or 'réseau'}"
    counts = f"{report.events_checked} événements vérifiés, {report.anchors_checked} ancres"
    if report.first_bad is None:
        return f"{report.service} ({which}) : intacte — {counts}."
    bad = report.first_bad
    what = f"événement {bad.notification_id}"
    if bad.originator_id is not None:
        what += f" (agrégat {bad.originator_id}, version {bad.originator_version}, {bad.topic})"
    if bad.tenant is not None:
        what += f", chaîne {bad.tenant or 'réseau'}"
    return f"{report.service} ({which}) : ROMPUE au premier {what} : {bad.reason} — {counts} avant lui."


# --- anchors -------------------------------------------------------------------------------------


async def chain_heads(conn: asyncpg.Connection, chained: ChainedLog) -> list[tuple[str, int, bytes]]:
    rows = await conn.fetch(
        f"SELECT DISTINCT ON (tenant) tenant, notification_id, hash FROM {chained.chain} "
        "ORDER BY tenant, notification_id DESC"
    )
    return [(r["tenant"], r["notification_id"], bytes(r["hash"])) for r in rows]


class AnchorFileUnreadable(Exception):
    """A line of the anchor file is not an anchor: verification cannot vouch for the chain."""


def read_anchors(path: Path | None) -> list[Anchor]:
    """Every anchor in the file (none when there is no file yet)."""
    if path is None or not path.exists():
        return []
    decoder = msgspec.json.Decoder(Anchor)
    anchors = []
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                anchors.append(decoder.decode(line))
            except msgspec.DecodeError as error:
                raise AnchorFileUnreadable(
                    f"le fichier d'ancres {path}, ligne {number}, est illisible : {error}"
                ) from None
    return anchors


def append_anchors(path: Path, anchors: Sequence[Anchor]) -> None:
    """Append the lines in one write, opened O_APPEND and fsync'ed before returning; each line is
    also logged (`audit.anchor`) so that a log shipped elsewhere holds a second copy."""
    if not anchors:
        return
    data = b"".join(msgspec.json.encode(a) + b"\n" for a in anchors)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    for a in anchors:
        log.info("audit.anchor", **msgspec.structs.asdict(a))


async def anchor_heads(conn: asyncpg.Connection, chained: ChainedLog, path: Path, day: date) -> list[Anchor]:
    """Write today's head of each of the service's chains to the anchor file."""
    anchors = [
        Anchor(day=day.isoformat(), service=chained.service, tenant=t, notification_id=nid, hash=h.hex())
        for t, nid, h in await chain_heads(conn, chained)
    ]
    await asyncio.to_thread(append_anchors, path, anchors)  # fsync: off the event loop
    return anchors


# --- the periodic check ------------------------------------------------------------------------

NOT_YET_CHECKED = "pas encore vérifiée"


def chain_status(report: ChainReport | None) -> dict[str, Any]:
    """A service's part of `/ready`'s `audit_chain`."""
    if report is None:
        return {"status": NOT_YET_CHECKED, "checked_at": None, "first_bad": None}
    return {
        "status": "intacte" if report.intact else "rompue",
        "checked_at": report.checked_at.isoformat(),
        "events_checked": report.events_checked,
        "first_bad": msgspec.to_builtins(report.first_bad) if report.first_bad else None,
    }


async def save_check(conn: asyncpg.Connection, chained: ChainedLog, report: ChainReport) -> None:
    """Keep the periodic check's report where every process of the platform reads it."""
    await conn.execute(
        f"INSERT INTO {chained.schema}.{CHECK_TABLE} AS c "
        "(intact, events_checked, anchors_checked, checked_at, first_bad) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (one_row) DO UPDATE SET intact = $1, events_checked = $2, anchors_checked = $3, "
        "checked_at = $4, first_bad = $5",
        report.intact,
        report.events_checked,
        report.anchors_checked,
        report.checked_at,
        msgspec.to_builtins(report.first_bad) if report.first_bad else None,
    )


async def last_checks(conn: asyncpg.Connection, logs: Sequence[ChainedLog]) -> dict[str, ChainReport]:
    """The last periodic check of each log that has been checked (whichever process ran it)."""
    reports = {}
    for chained in logs:
        row = await conn.fetchrow(
            f"SELECT intact, events_checked, anchors_checked, checked_at, first_bad FROM {chained.schema}.{CHECK_TABLE}"
        )
        if row is not None:
            reports[chained.service] = ChainReport(
                service=chained.service,
                intact=row["intact"],
                events_checked=row["events_checked"],
                anchors_checked=row["anchors_checked"],
                checked_at=row["checked_at"],
                first_bad=msgspec.convert(row["first_bad"], BadEvent) if row["first_bad"] else None,
            )
    return reports


class AuditChainCheck:
    """Re-verifies every service's chain every `interval` seconds, in the process that runs the
    projections; exports the result as gauges and keeps it for `/ready`; once per UTC day, after
    a check that found every chain intact, anchors the heads in the anchor file (when one is set)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        logs: Sequence[ChainedLog],
        interval: float,
        anchor_file: Path | None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.pool = pool
        self.logs = tuple(logs)
        self.interval = interval
        self.anchor_file = anchor_file
        self.today = today
        self.reports: dict[str, ChainReport] = {}
        self._anchored_on: date | None = None
        self._task: asyncio.Task[None] | None = None

    async def check(self) -> dict[str, ChainReport]:
        from shared.observability import record_audit_chain

        anchors = await asyncio.to_thread(read_anchors, self.anchor_file)
        if self._anchored_on is None and anchors:
            self._anchored_on = max(date.fromisoformat(a.day) for a in anchors)
        async with self.pool.acquire() as conn:
            for chained in self.logs:
                report = await verify(conn, chained, anchors=anchors)
                self.reports[chained.service] = report
                await save_check(conn, chained, report)
                record_audit_chain(report)
                if not report.intact:
                    log.error(
                        "audit.chain_broken", service=chained.service, first_bad=msgspec.to_builtins(report.first_bad)
                    )
            today = self.today()
            if (
                self.anchor_file is not None
                and self._anchored_on != today
                and all(r.intact for r in self.reports.values())
            ):
                for chained in self.logs:
                    await anchor_heads(conn, chained, self.anchor_file, today)
                self._anchored_on = today
        return self.reports

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="audit-chain-check")

    async def _run(self) -> None:
        from shared.outages import is_database_outage

        while True:
            try:
                await self.check()
            except Exception as error:  # the loop outlives a failed check: the next one tries again
                if is_database_outage(error):
                    log.warning("audit.check_failed", error=repr(error), retry_in=self.interval)
                else:
                    log.exception("audit.check_failed", error=repr(error), retry_in=self.interval)
            await asyncio.sleep(self.interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def verify_platform(
    platform: Platform, *, service: str | None = None, tenant: str | None = None
) -> list[ChainReport]:
    """Verify the platform's chains (one service's, or all), with the anchor file when set."""
    anchors = await asyncio.to_thread(read_anchors, platform.settings.audit_anchor_file)
    logs = [c for c in platform_logs(platform) if service is None or c.service == service]
    async with platform._pool().acquire() as conn:
        return [await verify(conn, chained, tenant=tenant, anchors=anchors) for chained in logs]
