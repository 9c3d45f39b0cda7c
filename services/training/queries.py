"""Reads of the training read models (asyncpg), on a connection already scoped by row-level security
(`shared.tenancy.scoped_connection`): a row outside the caller's scope is simply not there.

An application has one row per applicant enterprise; a reader sees the rows of the enterprises in
their scope, and these queries pick one per application (the lead's when visible).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

S = "training"

# One row per application among the visible ones: the lead's row first when it is visible.
_ONE_PER_APPLICATION = (
    f"SELECT DISTINCT ON (application_id) * FROM {S}.applications WHERE {{where}} "
    "ORDER BY application_id, role <> 'lead'"
)


async def calls(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(f"SELECT * FROM {S}.calls ORDER BY year DESC")]


async def call(conn: asyncpg.Connection, call_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT * FROM {S}.calls WHERE call_id = $1", call_id)
    return None if row is None else dict(row)


async def ledger(conn: asyncpg.Connection, call_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(f"SELECT * FROM {S}.envelope_ledger WHERE call_id = $1 ORDER BY entry", call_id)
    return [dict(r) for r in rows]


async def funding_application(conn: asyncpg.Connection, application_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT * FROM {S}.applications WHERE application_id = $1 ORDER BY role <> 'lead' LIMIT 1", application_id
    )
    return None if row is None else dict(row)


async def funding_applications(
    conn: asyncpg.Connection,
    *,
    call_id: str | None = None,
    enterprise_id: str | None = None,
    region: str | None = None,
    status: str | None = None,
    application_ids: list[str] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The visible applications matching the filters, by title; and how many there are in all.
    `enterprise_id` and `region` filter on the applicant enterprises (any of them)."""
    where: list[str] = ["true"]
    args: list[Any] = []
    for column, value in (
        ("call_id", call_id),
        ("enterprise_id", enterprise_id),
        ("region", region),
        ("status", status),
    ):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if application_ids is not None:
        args.append(application_ids)
        where.append(f"application_id = ANY(${len(args)})")
    query = _ONE_PER_APPLICATION.format(where=" AND ".join(where))
    total = await conn.fetchval(f"SELECT count(*) FROM ({query}) a", *args)
    rows = await conn.fetch(
        f"SELECT * FROM ({query}) a ORDER BY title, application_id LIMIT {int(limit)} OFFSET {int(offset)}", *args
    )
    return [dict(r) for r in rows], total


async def dashboard(conn: asyncpg.Connection, call_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(f"SELECT * FROM {S}.call_dashboard WHERE call_id = $1 ORDER BY breakdown, key", call_id)
    return [dict(r) for r in rows]


async def region_figures(conn: asyncpg.Connection, region: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT * FROM {S}.call_dashboard WHERE breakdown = 'region' AND key = $1 ORDER BY call_id", region
    )
    return [dict(r) for r in rows]


async def application_ids(conn: asyncpg.Connection, call_id: str) -> list[str]:
    """Every application of the call, whatever its state (drafts and withdrawn ones included)."""
    rows = await conn.fetch(
        f"SELECT DISTINCT application_id FROM {S}.applications WHERE call_id = $1 ORDER BY application_id", call_id
    )
    return [r["application_id"] for r in rows]


async def review_queue(conn: asyncpg.Connection, call_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT application_id, title, lead_name, decision, version FROM {S}.applications "
        "WHERE call_id = $1 AND role = 'lead' AND status = 'decided' ORDER BY decided_on, title",
        call_id,
    )
    return [dict(r) for r in rows]


async def scored_candidates(conn: asyncpg.Connection, call_id: str) -> list[dict[str, Any]]:
    """The eligible, scored applications still in the running (or already decided) for a what-if."""
    rows = await conn.fetch(
        f"SELECT application_id, title, lead_name, score, requested, allowed_maximum FROM {S}.applications "
        "WHERE call_id = $1 AND role = 'lead' AND eligibility = 'eligible' AND score IS NOT NULL "
        "AND status NOT IN ('draft', 'withdrawn')",
        call_id,
    )
    return [dict(r) for r in rows]


async def rank_among_scored(conn: asyncpg.Connection, call_id: str, application_id: str) -> tuple[int | None, int]:
    """The application's rank among `scored_candidates` in the order of `domain.what_if.ranked` (best
    score first, then the smaller request, then the id), and how many there are; its rank is None
    when it is not one of them. Counted in the database: a call of 5,000 applications is not
    loaded to rank one."""
    row = await conn.fetchrow(
        f"""
        WITH candidates AS (
            SELECT application_id, score, requested FROM {S}.applications
            WHERE call_id = $1 AND role = 'lead' AND eligibility = 'eligible' AND score IS NOT NULL
              AND status NOT IN ('draft', 'withdrawn')
        ), me AS (SELECT * FROM candidates WHERE application_id = $2)
        SELECT (SELECT count(*) FROM candidates) AS total,
               (SELECT 1 + count(*) FROM candidates c, me
                WHERE c.score > me.score OR (c.score = me.score AND (c.requested, c.application_id COLLATE "C")
                                                                  < (me.requested, me.application_id COLLATE "C")))
                   AS rank,
               EXISTS (SELECT 1 FROM me) AS ranked
        """,
        call_id,
        application_id,
    )
    return (row["rank"] if row["ranked"] else None), row["total"]


async def awarded_scores(conn: asyncpg.Connection, call_id: str) -> list[Decimal]:
    """The scores of the call's applications decided an award (under review, notified or settled)."""
    rows = await conn.fetch(
        f"SELECT score FROM {S}.applications WHERE call_id = $1 AND role = 'lead' AND score IS NOT NULL "
        "AND decision->>'kind' = 'award' AND status IN ('decided', 'awarded', 'settled')",
        call_id,
    )
    return [r["score"] for r in rows]


async def decisions(conn: asyncpg.Connection, call_id: str) -> list[dict[str, Any]]:
    """Every submitted application of the call with its decision, for the exports."""
    rows = await conn.fetch(
        f"SELECT * FROM {S}.applications WHERE call_id = $1 AND role = 'lead' "
        "AND status NOT IN ('draft', 'withdrawn') ORDER BY lead_region, title, application_id",
        call_id,
    )
    return [dict(r) for r in rows]


async def decision_file(conn: asyncpg.Connection, application_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT * FROM {S}.decision_file WHERE application_id = $1 ORDER BY notification_id", application_id
    )
    return [dict(r) for r in rows]


# --- lookups by the caller's own identity (run in network scope on purpose: they return only the
# --- caller's own assignments or grants, and the reads that follow are scoped to what they name)


async def assignments_of(conn: asyncpg.Connection, reviewer_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT application_id, tenant_id, call_id, scored, assigned_at FROM {S}.reviewer_assignments "
        "WHERE reviewer_id = $1 ORDER BY assigned_at, application_id",
        reviewer_id,
    )
    return [dict(r) for r in rows]


async def granted_calls(conn: asyncpg.Connection, auditor_id: str) -> list[str]:
    rows = await conn.fetch(f"SELECT call_id FROM {S}.audit_grants WHERE auditor_id = $1", auditor_id)
    return [r["call_id"] for r in rows]


async def lead_tenants(conn: asyncpg.Connection, call_ids: list[str]) -> list[str]:
    rows = await conn.fetch(
        f"SELECT DISTINCT lead_id FROM {S}.applications WHERE call_id = ANY($1) AND role = 'lead'", call_ids
    )
    return [r["lead_id"] for r in rows]


# Columns of a call's applications list (national staff's portal page): the lead's row only.
_CALL_LIST_COLUMNS = (
    "application_id, title, lead_name, lead_region, lead_form, status, eligibility, score, requested, awarded, "
    "decision->>'kind' AS decision_kind, submitted_on, decided_on"
)


def _call_list_condition(
    call_id: str,
    status: str | None,
    region: str | None,
    form: str | None,
    eligibility: str | None,
    scored: bool | None,
    decision: str | None,
) -> tuple[list[str], list[Any]]:
    where = ["call_id = $1", "role = 'lead'"]
    args: list[Any] = [call_id]
    for column, value in (
        ("status", status),
        ("lead_region", region),
        ("lead_form", form),
        ("eligibility", eligibility),
    ):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if scored is not None:
        where.append("score IS NOT NULL" if scored else "score IS NULL")
    if decision == "none":
        where.append("decision IS NULL")
    elif decision is not None:
        args.append(decision)
        where.append(f"decision->>'kind' = ${len(args)}")
    return where, args


async def call_applications(
    conn: asyncpg.Connection,
    call_id: str,
    *,
    status: str | None = None,
    region: str | None = None,
    form: str | None = None,
    eligibility: str | None = None,
    scored: bool | None = None,
    decision: str | None = None,
    after: tuple[str, str] | None = None,
    before: tuple[str, str] | None = None,
    limit: int = 50,
    count_up_to: int = 1000,
) -> tuple[list[dict[str, Any]], bool, int]:
    """One page of a call's applications (one row each: the lead's, so region and form are the lead
    enterprise's, as the dashboard counts them), by title, after (or before) the (title, id) of a
    row of the previous page: keyset pages along the funding read model's partial index of the
    leads' rows by call and title, whatever the page's rank. Answers the page's rows, whether
    there are more in the direction asked, and how many match, counted up to `count_up_to` + 1
    (beyond, "more than": counting thousands of rows on every page is what the keyset avoids)."""
    where, args = _call_list_condition(call_id, status, region, form, eligibility, scored, decision)
    total = await conn.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM {S}.applications WHERE {' AND '.join(where)} "
        f"LIMIT {int(count_up_to) + 1}) matching",
        *args,
    )
    order = "title, application_id"
    key = after or before
    if key is not None:
        args.extend(key)
        where.append(f"(title, application_id) {'>' if before is None else '<'} (${len(args) - 1}, ${len(args)})")
        if before is not None:
            order = "title DESC, application_id DESC"
    rows = await conn.fetch(
        f"SELECT {_CALL_LIST_COLUMNS} FROM {S}.applications WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT {int(limit) + 1}",
        *args,
    )
    found = [dict(r) for r in rows[:limit]]
    if before is not None:
        found.reverse()
    return found, len(rows) > limit, total


async def call_application_key(conn: asyncpg.Connection, call_id: str, application_id: str) -> tuple[str, str] | None:
    """The (title, id) a keyset page of the call's applications starts after (or ends before)."""
    title = await conn.fetchval(
        f"SELECT title FROM {S}.applications WHERE application_id = $1 AND call_id = $2 AND role = 'lead'",
        application_id,
        call_id,
    )
    return None if title is None else (title, application_id)


# A call's row without what grows with its applications (`commitments`: one entry per award;
# `auditors`): what the portal's call pages show, read on every one of them.
_CALL_SUMMARY_COLUMNS = (
    "call_id, year, label, title, status, opens_on, closes_on, opened_on, closed_on, results_published_on, "
    "cancelled_on, cancellation_reason, fund_amount, envelope_initial, top_ups, envelope_total, committed, paid, "
    "available, terms, applications_received, version"
)


async def call_summaries(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    rows = await conn.fetch(f"SELECT {_CALL_SUMMARY_COLUMNS} FROM {S}.calls ORDER BY year DESC, label, call_id")
    return [dict(r) for r in rows]


async def call_summary(conn: asyncpg.Connection, call_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_CALL_SUMMARY_COLUMNS} FROM {S}.calls WHERE call_id = $1", call_id)
    return None if row is None else dict(row)


async def ledger_page(
    conn: asyncpg.Connection, call_id: str, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the envelope's ledger, in the order it was recorded, and how many lines in all."""
    total = await conn.fetchval(f"SELECT count(*) FROM {S}.envelope_ledger WHERE call_id = $1", call_id)
    rows = await conn.fetch(
        f"SELECT * FROM {S}.envelope_ledger WHERE call_id = $1 ORDER BY entry LIMIT {int(limit)} OFFSET {int(offset)}",
        call_id,
    )
    return [dict(r) for r in rows], total
