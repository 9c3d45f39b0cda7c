"""The call dashboard: the figures the annual report quotes, for the call, per region and per member
form, recounted from the application rows after each batch (never incremented per event), so that
the result does not depend on batch boundaries and a rebuild equals the live table.

What is counted where:
- applications and money (requested, awarded, settled) by the *lead* enterprise's region and form;
- enterprises, trainees and hours by *each* enterprise's own region and form (the trainings say
  whose employees they train, so a partner's trainees count in the partner's region);
- "answered" = submitted and not withdrawn; "retained" = an award approved (and perhaps settled);
  "delivered" = the actuals of settled awards.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import asyncpg

from shared.readmodel import Table, TableNames, upsert_rows

_FIGURES: tuple[tuple[str, str], ...] = (
    ("applications_answered", "int NOT NULL"),
    ("enterprises_answered", "int NOT NULL"),
    ("applications_retained", "int NOT NULL"),
    ("enterprises_retained", "int NOT NULL"),
    ("applications_rejected", "int NOT NULL"),
    ("applications_ineligible", "int NOT NULL"),
    ("applications_withdrawn", "int NOT NULL"),
    ("applications_draft", "int NOT NULL"),
    ("pending_review", "int NOT NULL"),
    ("requested", "numeric NOT NULL"),
    ("awarded", "numeric NOT NULL"),
    ("settled", "numeric NOT NULL"),
    ("trainees_planned", "int NOT NULL"),
    ("hours_planned", "int NOT NULL"),
    ("trainees_delivered", "int NOT NULL"),
    ("hours_delivered", "int NOT NULL"),
)

CALL_DASHBOARD = Table(
    "call_dashboard",
    (
        ("call_id", "text NOT NULL"),
        ("breakdown", "text NOT NULL"),  # "call", "region" or "form"
        ("key", "text NOT NULL"),  # "", the region code, or the form
        ("tenant_id", "text"),
        ("region", "text"),  # the region's code on its rows: its delegates may read them
        *_FIGURES,
        # the envelope, on the call's own row only
        ("envelope_total", "numeric"),
        ("committed", "numeric"),
        ("paid", "numeric"),
        ("available", "numeric"),
    ),
    primary_key=("call_id", "breakdown", "key"),
)

FIGURE_NAMES = tuple(name for name, _ in _FIGURES)

_BY_APPLICATION = """
SELECT GROUPING(lead_region) = 0 AS by_region, GROUPING(lead_form) = 0 AS by_form, lead_region, lead_form,
  count(*) FILTER (WHERE status NOT IN ('draft', 'withdrawn')) AS applications_answered,
  count(*) FILTER (WHERE status IN ('awarded', 'settled')) AS applications_retained,
  count(*) FILTER (WHERE status = 'rejected') AS applications_rejected,
  count(*) FILTER (WHERE eligibility = 'ineligible' AND status NOT IN ('draft', 'withdrawn'))
    AS applications_ineligible,
  count(*) FILTER (WHERE status = 'withdrawn') AS applications_withdrawn,
  count(*) FILTER (WHERE status = 'draft') AS applications_draft,
  count(*) FILTER (WHERE status = 'decided') AS pending_review,
  coalesce(sum(requested) FILTER (WHERE status NOT IN ('draft', 'withdrawn')), 0.00) AS requested,
  coalesce(sum(awarded), 0.00) AS awarded,
  coalesce(sum(settled), 0.00) AS settled
FROM {applications} WHERE call_id = $1 AND role = 'lead'
GROUP BY GROUPING SETS ((), (lead_region), (lead_form))
"""

_BY_ENTERPRISE = """
SELECT GROUPING(region) = 0 AS by_region, GROUPING(enterprise_form) = 0 AS by_form, region, enterprise_form,
  count(DISTINCT enterprise_id) FILTER (WHERE status NOT IN ('draft', 'withdrawn')) AS enterprises_answered,
  count(DISTINCT enterprise_id) FILTER (WHERE status IN ('awarded', 'settled')) AS enterprises_retained,
  coalesce(sum(enterprise_planned_trainees) FILTER (WHERE status IN ('awarded', 'settled')), 0) AS trainees_planned,
  coalesce(sum(enterprise_planned_hours) FILTER (WHERE status IN ('awarded', 'settled')), 0) AS hours_planned,
  coalesce(sum(enterprise_delivered_trainees), 0) AS trainees_delivered,
  coalesce(sum(enterprise_delivered_hours), 0) AS hours_delivered
FROM {applications} WHERE call_id = $1
GROUP BY GROUPING SETS ((), (region), (enterprise_form))
"""


def _key(record: asyncpg.Record, region_column: str, form_column: str) -> tuple[str, str]:
    if record["by_region"]:
        return "region", record[region_column]
    if record["by_form"]:
        return "form", record[form_column]
    return "call", ""


async def recount_dashboards(conn: asyncpg.Connection, tables: TableNames, call_ids: Iterable[str]) -> None:
    for call_id in sorted(set(call_ids)):
        await _recount(conn, tables, call_id)


async def _recount(conn: asyncpg.Connection, tables: TableNames, call_id: str) -> None:
    rows = await count_figures(conn, tables["applications"], call_id)
    call = await conn.fetchrow(
        f"SELECT envelope_total, committed, paid, available FROM {tables['calls']} WHERE call_id = $1", call_id
    )
    if call is not None:
        rows[("call", "")].update(dict(call))
    await conn.execute(f"DELETE FROM {tables['call_dashboard']} WHERE call_id = $1", call_id)
    await upsert_rows(conn, tables["call_dashboard"], CALL_DASHBOARD, list(rows.values()))


async def count_figures(
    conn: asyncpg.Connection, applications: str, call_id: str, *args: Any
) -> dict[tuple[str, str], dict[str, Any]]:
    """The dashboard's rows (without the envelope) counted over `applications`: the live table, or
    the rows of the applications as of a date (`AS_OF_APPLICATIONS`, with their JSON as `$2`) — the
    same counts either way."""
    rows: dict[tuple[str, str], dict[str, Any]] = {("call", ""): _empty(call_id, "call", "")}
    for query, region_column, form_column in (
        (_BY_APPLICATION, "lead_region", "lead_form"),
        (_BY_ENTERPRISE, "region", "enterprise_form"),
    ):
        for record in await conn.fetch(query.format(applications=applications), call_id, *args):
            key = _key(record, region_column, form_column)
            row = rows.setdefault(key, _empty(call_id, *key))
            row.update({k: v for k, v in dict(record).items() if k in FIGURE_NAMES})
    return rows


# The application rows as of a date, passed as JSON text in `$2`: the columns the counts read.
AS_OF_APPLICATIONS = """jsonb_to_recordset($2::text::jsonb) AS applications(
  call_id text, role text, status text, eligibility text, lead_region text, lead_form text, region text,
  enterprise_form text, enterprise_id text, requested numeric, awarded numeric, settled numeric,
  enterprise_planned_trainees int, enterprise_planned_hours int, enterprise_delivered_trainees int,
  enterprise_delivered_hours int
)"""
AS_OF_COLUMNS = (
    "call_id",
    "role",
    "status",
    "eligibility",
    "lead_region",
    "lead_form",
    "region",
    "enterprise_form",
    "enterprise_id",
    "requested",
    "awarded",
    "settled",
    "enterprise_planned_trainees",
    "enterprise_planned_hours",
    "enterprise_delivered_trainees",
    "enterprise_delivered_hours",
)


def _empty(call_id: str, breakdown: str, key: str) -> dict[str, Any]:
    row: dict[str, Any] = {name: 0 for name in FIGURE_NAMES}
    for money in ("requested", "awarded", "settled"):
        row[money] = Decimal("0.00")
    row.update(
        call_id=call_id,
        breakdown=breakdown,
        key=key,
        tenant_id=None,
        region=key if breakdown == "region" else None,
        envelope_total=None,
        committed=None,
        paid=None,
        available=None,
    )
    return row
