"""Read model `funding`: the calls (with their envelope ledger and audit grants), the applications
(one row per applicant enterprise), the reviewers' assignments, and the call dashboards recounted
from those rows in the same transaction.

One projection because the dashboard counts the application rows and the call's envelope: kept
together, they always describe the same position in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from services.training.domain.call import Call
from services.training.domain.funding_application import FundingApplication
from services.training.events_log import TRAINING_LOG
from services.training.projections.call_dashboard import CALL_DASHBOARD, recount_dashboards
from services.training.projections.call_rows import apply_call_event, ledger_line
from services.training.projections.funding_application_rows import (
    apply_funding_application_event,
    enterprise_rows,
    state_from_row,
)
from shared.events import UnknownEvent
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows, fetch_rows_by_key, upsert_rows

CALLS = Table(
    "calls",
    (
        ("call_id", "text NOT NULL"),
        ("tenant_id", "text"),
        ("region", "text"),
        ("year", "int NOT NULL"),
        ("label", "text NOT NULL"),  # tells apart the calls of one year ("" for the first ones)
        ("title", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("opens_on", "date NOT NULL"),
        ("closes_on", "date NOT NULL"),
        ("opened_on", "date NOT NULL"),
        ("closed_on", "date"),
        ("results_published_on", "date"),
        ("cancelled_on", "date"),
        ("cancellation_reason", "text"),
        ("fund_amount", "numeric NOT NULL"),
        ("envelope_initial", "numeric NOT NULL"),
        ("top_ups", "numeric NOT NULL"),
        ("envelope_total", "numeric NOT NULL"),
        ("commitments", "jsonb NOT NULL"),
        ("committed", "numeric NOT NULL"),
        ("paid", "numeric NOT NULL"),
        ("available", "numeric NOT NULL"),
        ("terms", "jsonb NOT NULL"),
        ("applications_received", "boolean NOT NULL"),
        ("auditors", "jsonb NOT NULL"),
        ("version", "int NOT NULL"),
        ("updated_at", "timestamptz NOT NULL"),
    ),
    primary_key=("call_id",),
)

ENVELOPE_LEDGER = Table(
    "envelope_ledger",
    (
        ("call_id", "text NOT NULL"),
        ("entry", "int NOT NULL"),  # the call's event version
        ("tenant_id", "text"),
        ("region", "text"),
        ("kind", "text NOT NULL"),
        ("application_id", "text"),
        ("amount", "numeric NOT NULL"),
        ("released", "numeric"),
        ("reason", "text"),
        ("envelope_total", "numeric NOT NULL"),
        ("committed", "numeric NOT NULL"),
        ("paid", "numeric NOT NULL"),
        ("available", "numeric NOT NULL"),
        ("effective_on", "date NOT NULL"),  # the date the movement took effect
        ("actor_id", "text NOT NULL"),
        ("recorded_at", "timestamptz NOT NULL"),
    ),
    primary_key=("call_id", "entry"),
)

AUDIT_GRANTS = Table(
    "audit_grants",
    (
        ("call_id", "text NOT NULL"),
        ("auditor_id", "text NOT NULL"),
        ("tenant_id", "text"),
        ("region", "text"),
        ("reason", "text NOT NULL"),
        ("granted_by", "text NOT NULL"),
        ("granted_at", "timestamptz NOT NULL"),
    ),
    primary_key=("call_id", "auditor_id"),
    indexes=(("auditor_id",),),
)

APPLICATIONS = Table(
    "applications",
    (
        ("application_id", "text NOT NULL"),
        ("enterprise_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("role", "text NOT NULL"),  # "lead" or "partner"
        ("enterprise_name", "text NOT NULL"),
        ("enterprise_form", "text NOT NULL"),
        ("enterprise_planned_trainees", "int NOT NULL"),
        ("enterprise_planned_hours", "int NOT NULL"),
        ("enterprise_delivered_trainees", "int"),
        ("enterprise_delivered_hours", "int"),
        ("call_id", "text NOT NULL"),
        ("title", "text NOT NULL"),
        ("lead_id", "text NOT NULL"),
        ("lead_name", "text NOT NULL"),
        ("lead_region", "text NOT NULL"),
        ("lead_form", "text NOT NULL"),
        ("enterprises", "jsonb NOT NULL"),
        ("content", "jsonb NOT NULL"),
        ("submitted_content", "jsonb"),
        ("amendments", "int NOT NULL"),
        ("status", "text NOT NULL"),
        ("eligibility", "text NOT NULL"),
        ("checks", "jsonb NOT NULL"),
        ("allowed_maximum", "numeric"),
        ("reviewers", "jsonb NOT NULL"),
        ("scores", "jsonb NOT NULL"),
        ("score", "numeric"),
        ("decision", "jsonb"),
        ("review", "jsonb"),
        ("notified_on", "date"),
        ("requested", "numeric NOT NULL"),
        ("awarded", "numeric NOT NULL"),
        ("settled", "numeric"),
        ("planned_trainees", "int NOT NULL"),
        ("planned_hours", "int NOT NULL"),
        ("planned_cost", "numeric NOT NULL"),
        ("actuals", "jsonb"),
        ("delivered_trainees", "int"),
        ("delivered_hours", "int"),
        ("delivered_cost", "numeric"),
        ("drafted_on", "date NOT NULL"),
        ("submitted_on", "date"),
        ("decided_on", "date"),
        ("version", "int NOT NULL"),
        ("updated_at", "timestamptz NOT NULL"),
    ),
    primary_key=("application_id", "enterprise_id"),
    indexes=(("call_id", "role", "status"), ("enterprise_id",), ("region",)),
    # A call's applications by title, one row each (staff's list in the portal, 5,000 to a call).
    partial_indexes=(("role = 'lead'", ("call_id", "title", "application_id")),),
)

REVIEWER_ASSIGNMENTS = Table(
    "reviewer_assignments",
    (
        ("application_id", "text NOT NULL"),
        ("reviewer_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),  # the application's lead enterprise
        ("region", "text NOT NULL"),
        ("call_id", "text NOT NULL"),
        ("reviewer_enterprise", "text"),
        ("scored", "boolean NOT NULL"),
        ("assigned_at", "timestamptz NOT NULL"),
    ),
    primary_key=("application_id", "reviewer_id"),
    indexes=(("reviewer_id",),),
)


class FundingProjection(Projection):
    name = "funding"
    # 2: amounts of the dashboards to the cent; 3: the ledger's effective dates, calls' labels;
    # 4: the leads' rows indexed by call and title
    version = 4
    source = TRAINING_LOG
    tables = (CALLS, ENVELOPE_LEDGER, AUDIT_GRANTS, APPLICATIONS, REVIEWER_ASSIGNMENTS, CALL_DASHBOARD)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        call_events: list[Call.Event] = []
        application_events: list[FundingApplication.Event] = []
        for notified in events:
            match notified.event:
                case Call.Event() as event:
                    call_events.append(event)
                case FundingApplication.Event() as event:
                    application_events.append(event)
                case event:
                    raise UnknownEvent("funding projection", event)
        touched = await self._apply_call_events(conn, call_events, tables)
        touched |= await self._apply_funding_application_events(conn, application_events, tables)
        await recount_dashboards(conn, tables, touched)

    async def _apply_call_events(
        self, conn: asyncpg.Connection, events: list[Call.Event], tables: TableNames
    ) -> set[str]:
        if not events:
            return set()
        calls = await fetch_rows_by_key(conn, tables["calls"], "call_id", [str(e.originator_id) for e in events])
        changed: dict[str, dict[str, Any]] = {}
        ledger: list[dict[str, Any]] = []
        grants: list[dict[str, Any]] = []
        for event in events:
            call_id = str(event.originator_id)
            row = apply_call_event(calls.get(call_id), event)
            calls[call_id] = changed[call_id] = row
            line = ledger_line(row, event)
            if line is not None:
                ledger.append(line)
            if isinstance(event, Call.AuditGranted):
                grants.append(
                    {
                        "call_id": call_id,
                        "auditor_id": event.auditor_id,
                        "tenant_id": None,
                        "region": None,
                        "reason": event.reason,
                        "granted_by": event.meta.actor_id,
                        "granted_at": event.timestamp,
                    }
                )
        await upsert_rows(conn, tables["calls"], CALLS, list(changed.values()))
        await append_rows(conn, tables["envelope_ledger"], ENVELOPE_LEDGER, ledger)
        await append_rows(conn, tables["audit_grants"], AUDIT_GRANTS, grants)
        return set(changed)

    async def _apply_funding_application_events(
        self, conn: asyncpg.Connection, events: list[FundingApplication.Event], tables: TableNames
    ) -> set[str]:
        if not events:
            return set()
        ids = sorted({str(e.originator_id) for e in events})
        states: dict[str, dict[str, Any]] = {}
        before: dict[str, set[str]] = {}  # the enterprises each application had before the batch
        for record in await conn.fetch(f"SELECT * FROM {tables['applications']} WHERE application_id = ANY($1)", ids):
            row = dict(record)
            before.setdefault(row["application_id"], set()).add(row["enterprise_id"])
            if row["role"] == "lead":
                states[row["application_id"]] = state_from_row(row)
        changed: set[str] = set()
        for event in events:
            application_id = str(event.originator_id)
            states[application_id] = apply_funding_application_event(states.get(application_id), event)
            changed.add(application_id)
        rows = [row for application_id in sorted(changed) for row in enterprise_rows(states[application_id])]
        gone = [
            (a, e)
            for a in sorted(changed)
            for e in sorted(before.get(a, set()))
            if e not in {r["member_id"] for r in states[a]["enterprises"]}
        ]
        if gone:
            await conn.executemany(
                f"DELETE FROM {tables['applications']} WHERE application_id = $1 AND enterprise_id = $2", gone
            )
        await upsert_rows(conn, tables["applications"], APPLICATIONS, rows)
        recused = [
            (a, r["reviewer_id"])
            for a in sorted(changed)
            for r in states[a]["reviewers"]
            if r.get("conflict_declared_on")
        ]
        if recused:
            await conn.executemany(
                f"DELETE FROM {tables['reviewer_assignments']} WHERE application_id = $1 AND reviewer_id = $2", recused
            )
        await upsert_rows(
            conn,
            tables["reviewer_assignments"],
            REVIEWER_ASSIGNMENTS,
            [row for a in sorted(changed) for row in assignment_rows(states[a])],
        )
        return {states[a]["call_id"] for a in changed}


def assignment_rows(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Who must score the application: read by reviewers to find it (tenant and region of its lead)."""
    scored = {s["reviewer_id"] for s in state["scores"]}
    return [
        {
            "application_id": state["application_id"],
            "reviewer_id": r["reviewer_id"],
            "tenant_id": state["lead"]["member_id"],
            "region": state["lead"]["region"],
            "call_id": state["call_id"],
            "reviewer_enterprise": r["enterprise"],
            "scored": r["reviewer_id"] in scored,
            "assigned_at": datetime.fromisoformat(r["assigned_at"]),
        }
        for r in state["reviewers"]
        if not r.get("conflict_declared_on")  # stepped aside: no longer theirs to score, nor to read
    ]
