"""Read model `assessment_history`: every event of every assessment, with when it happened, when
it was recorded, who did it and in which role (what an auditor reads first)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from services.assessment.events_log import ASSESSMENT_LOG
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows

ASSESSMENT_HISTORY = Table(
    "assessment_history",
    (
        ("assessment_id", "text NOT NULL"),
        ("version", "int NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("event", "text NOT NULL"),
        ("at", "timestamptz NOT NULL"),
        ("recorded_at", "timestamptz NOT NULL"),
        ("actor_id", "text NOT NULL"),
        ("actor_role", "text NOT NULL"),
        ("correlation_id", "text NOT NULL"),
        ("details", "text NOT NULL"),
    ),
    primary_key=("assessment_id", "version"),
)

_NOT_DETAILS = frozenset({"originator_id", "originator_version", "timestamp", "meta", "at", "originator_topic"})


def event_details(event: Any) -> str:
    """The event's own fields, as JSON text."""
    return msgspec.json.encode({k: v for k, v in vars(event).items() if k not in _NOT_DETAILS}).decode()


class AssessmentHistoryProjection(Projection):
    name = "assessment_history"
    version = 1
    source = ASSESSMENT_LOG
    tables = (ASSESSMENT_HISTORY,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        assessment_events = [n.event for n in events if type(n.event).__qualname__.startswith("Assessment.")]
        if not assessment_events:
            return
        # An assessment keeps the tenant and region it started with; later events look them up.
        owners = {str(e.originator_id): (e.tenant_id, e.region) for e in assessment_events
                  if type(e).__name__ == "Started"}
        unknown = {str(e.originator_id) for e in assessment_events} - owners.keys()
        if unknown:
            for r in await conn.fetch(
                f"SELECT DISTINCT ON (assessment_id) assessment_id, tenant_id, region "
                f"FROM {tables['assessment_history']} WHERE assessment_id = ANY($1) ORDER BY assessment_id, version",
                sorted(unknown),
            ):
                owners[r["assessment_id"]] = (r["tenant_id"], r["region"])
        rows = []
        for event in assessment_events:
            tenant_id, region = owners[str(event.originator_id)]
            rows.append({
                "assessment_id": str(event.originator_id),
                "version": event.originator_version,
                "tenant_id": tenant_id,
                "region": region,
                "event": type(event).__name__,
                "at": event.at,
                "recorded_at": event.timestamp,
                "actor_id": event.meta.actor_id,
                "actor_role": event.meta.actor_role,
                "correlation_id": event.meta.correlation_id,
                "details": event_details(event),
            })
        await append_rows(conn, tables["assessment_history"], ASSESSMENT_HISTORY, rows)
