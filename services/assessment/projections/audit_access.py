"""Read model of auditors' access: the grants (`access_grants`), and every read made under them
(`audit_reads`). Queries look up an auditor's grants here before showing anything."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.assessment.events_log import ASSESSMENT_LOG
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows, fetch_rows_by_key, upsert_rows

ACCESS_GRANTS = Table(
    "access_grants",
    (
        ("grant_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text"),
        ("auditor_id", "text NOT NULL"),
        ("assessment_id", "text"),
        ("valid_from", "timestamptz NOT NULL"),
        ("valid_until", "timestamptz NOT NULL"),
        ("reason", "text NOT NULL"),
        ("granted_by", "text NOT NULL"),
        ("granted_at", "timestamptz NOT NULL"),
        ("revoked", "boolean NOT NULL"),
        ("revoked_reason", "text"),
        ("revoked_by", "text"),
        ("version", "int NOT NULL"),
    ),
    primary_key=("grant_id",),
    indexes=(("auditor_id",),),
)

AUDIT_READS = Table(
    "audit_reads",
    (
        ("read_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text"),
        ("auditor_id", "text NOT NULL"),
        ("grant_id", "text NOT NULL"),
        ("assessment_id", "text"),
        ("resource", "text NOT NULL"),
        ("path", "text NOT NULL"),
        ("query", "text NOT NULL"),
        ("read_at", "timestamptz NOT NULL"),
    ),
    primary_key=("read_id",),
    indexes=(("grant_id",), ("assessment_id",)),
)


class AuditAccessProjection(Projection):
    name = "audit_access"
    version = 1
    source = ASSESSMENT_LOG
    tables = (ACCESS_GRANTS, AUDIT_READS)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        grant_events = [n.event for n in events if type(n.event).__qualname__.startswith("AccessGrant.")]
        reads = [n.event for n in events if type(n.event).__qualname__ == "AuditRead.Recorded"]
        if grant_events:
            grants = await fetch_rows_by_key(
                conn, tables["access_grants"], "grant_id", [str(e.originator_id) for e in grant_events]
            )
            changed = {}
            for event in grant_events:
                key = str(event.originator_id)
                if type(event).__name__ == "Granted":
                    row = {
                        "grant_id": key,
                        "tenant_id": event.tenant_id,
                        "region": None,
                        "auditor_id": event.auditor_id,
                        "assessment_id": event.assessment_id,
                        "valid_from": event.valid_from,
                        "valid_until": event.valid_until,
                        "reason": event.reason,
                        "granted_by": event.meta.actor_id,
                        "granted_at": event.timestamp,
                        "revoked": False,
                        "revoked_reason": None,
                        "revoked_by": None,
                    }
                else:  # Revoked
                    row = {
                        **grants[key],
                        "revoked": True,
                        "revoked_reason": event.reason,
                        "revoked_by": event.meta.actor_id,
                    }
                row["version"] = event.originator_version
                grants[key] = changed[key] = row
            await upsert_rows(conn, tables["access_grants"], ACCESS_GRANTS, list(changed.values()))
        await append_rows(
            conn,
            tables["audit_reads"],
            AUDIT_READS,
            [
                {
                    "read_id": str(e.originator_id),
                    "tenant_id": e.tenant_id,
                    "region": None,
                    "auditor_id": e.auditor_id,
                    "grant_id": e.grant_id,
                    "assessment_id": e.assessment_id,
                    "resource": e.resource,
                    "path": e.path,
                    "query": e.query,
                    "read_at": e.timestamp,
                }
                for e in reads
            ],
        )
