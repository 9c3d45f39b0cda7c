"""Read model of auditors' access: the grants (`access_grants`), and every read made under them
(`audit_reads`). Queries look up an auditor's grants here before showing anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.assessment.domain.access_grant import AccessGrant, AuditRead
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.member_assessments import MemberAssessments
from services.assessment.domain.referential_version import ReferentialCatalogue, ReferentialVersion
from services.assessment.events_log import ASSESSMENT_LOG
from shared.events import UnknownEvent
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
    # Staff's list of reads: latest first, filtered by auditor or by member.
    indexes=(("grant_id",), ("assessment_id",), ("read_at",), ("auditor_id", "read_at"), ("tenant_id", "read_at")),
)


class AuditAccessProjection(Projection):
    name = "audit_access"
    version = 2  # 2: the reads' indexes for staff's list
    source = ASSESSMENT_LOG
    tables = (ACCESS_GRANTS, AUDIT_READS)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        grant_events: list[AccessGrant.Event] = []
        reads: list[AuditRead.Recorded] = []
        for notified in events:
            match notified.event:
                case AccessGrant.Event() as event:
                    grant_events.append(event)
                case AuditRead.Recorded() as event:
                    reads.append(event)
                case (
                    Assessment.Event()
                    | ReferentialVersion.Event()
                    | ReferentialCatalogue.Event()
                    | MemberAssessments.Event()
                ):
                    pass  # le Cap's other events: the `assessments` read model's
                case other:
                    raise UnknownEvent("audit_access projection", other)
        if grant_events:
            await self._apply_grant_events(conn, grant_events, tables)
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

    async def _apply_grant_events(
        self, conn: asyncpg.Connection, events: list[AccessGrant.Event], tables: TableNames
    ) -> None:
        grants = await fetch_rows_by_key(
            conn, tables["access_grants"], "grant_id", [str(e.originator_id) for e in events]
        )
        changed: dict[str, dict[str, Any]] = {}
        for event in events:
            key = str(event.originator_id)
            row: dict[str, Any]
            match event:
                case AccessGrant.Granted():
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
                case AccessGrant.Revoked():
                    row = {
                        **grants[key],
                        "revoked": True,
                        "revoked_reason": event.reason,
                        "revoked_by": event.meta.actor_id,
                    }
                case _:
                    raise UnknownEvent("access grants", event)
            row["version"] = event.originator_version
            grants[key] = changed[key] = row
        await upsert_rows(conn, tables["access_grants"], ACCESS_GRANTS, list(changed.values()))
