"""Reads of one assessment and of the referential (asyncpg), on a connection already scoped by
row-level security (`shared.tenancy.scoped_connection`): a row outside the caller's scope is simply
not there. Assessment-level rules on top of the tenant scope are `access.Access`'s."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from services.assessment.access import Access
from services.assessment.domain.plan import PlanAction
from services.assessment.domain.positioning import Position
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet, load_sheet
from services.assessment.projections.sheet_rows import answer_rows
from services.assessment.read_models import (
    AnswerView,
    AssessmentPage,
    AssessmentRecord,
    AssessmentSummary,
    AuditReadView,
    DirectoryEntry,
    GrantView,
    ParticipantView,
    ReferentialRecord,
    ReferentialSummary,
    ReviewRequestView,
)

S = "assessment"
SUMMARY_COLUMNS = ", ".join(AssessmentSummary.__struct_fields__)


def _convert(row: asyncpg.Record | dict[str, Any], cls: type) -> Any:
    return msgspec.convert(dict(row), cls, strict=False)


# --- the referential --------------------------------------------------------------------------


async def referential_versions(conn: asyncpg.Connection) -> list[ReferentialSummary]:
    rows = await conn.fetch(f"SELECT * FROM {S}.referential_versions ORDER BY code")
    return [_convert(r, ReferentialSummary) for r in rows]


async def referential_record(conn: asyncpg.Connection, code: str) -> ReferentialRecord | None:
    row = await conn.fetchrow(f"SELECT * FROM {S}.referential_versions WHERE code = $1", code)
    return None if row is None else _convert(row, ReferentialRecord)


# --- one assessment -----------------------------------------------------------------------------


async def summary(conn: asyncpg.Connection, assessment_id: str) -> AssessmentSummary | None:
    row = await conn.fetchrow(f"SELECT {SUMMARY_COLUMNS} FROM {S}.assessments WHERE assessment_id = $1", assessment_id)
    return None if row is None else _convert(row, AssessmentSummary)


async def sheet(conn: asyncpg.Connection, assessment_id: str) -> Sheet | None:
    text = await conn.fetchval(f"SELECT sheet FROM {S}.sheets WHERE assessment_id = $1", assessment_id)
    return None if text is None else load_sheet(text)


def record_of(summary_row: dict[str, Any], sheet_: Sheet, **as_of: Any) -> AssessmentRecord:
    participants = [
        msgspec.convert(msgspec.structs.asdict(p), ParticipantView, strict=False) for p in sheet_.participants.values()
    ]
    return _convert({**summary_row, "participant_list": participants, **as_of}, AssessmentRecord)


async def record(conn: asyncpg.Connection, assessment_id: str) -> AssessmentRecord | None:
    row = await conn.fetchrow(f"SELECT {SUMMARY_COLUMNS} FROM {S}.assessments WHERE assessment_id = $1", assessment_id)
    found = await sheet(conn, assessment_id)
    return None if row is None or found is None else record_of(dict(row), found)


def _visible(access: Access, args: list[Any]) -> str:
    """The SQL condition for the assessments the caller may list (beyond the tenant scope)."""
    if access.network:
        return "true"
    args.append(sorted(access.tenants))
    args.append(sorted(access.assessments))
    return f"(tenant_id = ANY(${len(args) - 1}) OR assessment_id = ANY(${len(args)}))"


async def list_assessments(
    conn: asyncpg.Connection, access: Access, *, tenant: str | None, status: str | None, limit: int, offset: int
) -> AssessmentPage:
    args: list[Any] = []
    where = [_visible(access, args)]
    for column, value in (("tenant_id", tenant), ("status", status)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    condition = " AND ".join(where)
    total = await conn.fetchval(f"SELECT count(*) FROM {S}.assessments WHERE {condition}", *args)
    rows = await conn.fetch(
        f"SELECT {SUMMARY_COLUMNS} FROM {S}.assessments WHERE {condition} "
        f"ORDER BY started_at DESC, assessment_id LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    return AssessmentPage(items=[_convert(r, AssessmentSummary) for r in rows], total=total, limit=limit, offset=offset)


def answer_views(sheet_: Sheet, referential: Referential, sub_theme: str | None = None) -> list[AnswerView]:
    """The answers view of a sheet (stored by the read model, or replayed as of a moment)."""
    return [
        msgspec.convert(r, AnswerView, strict=False)
        for r in answer_rows(sheet_, referential)
        if sub_theme in (None, r["sub_theme"])
    ]


async def review_requests(conn: asyncpg.Connection, assessment_id: str) -> list[ReviewRequestView]:
    rows = await conn.fetch(
        f"SELECT * FROM {S}.review_requests WHERE assessment_id = $1 ORDER BY requested_at, request_id", assessment_id
    )
    return [_convert(r, ReviewRequestView) for r in rows]


async def positions(conn: asyncpg.Connection, assessment_id: str) -> list[Position]:
    rows = await conn.fetch(
        f"SELECT * FROM {S}.positioning WHERE assessment_id = $1 "
        "ORDER BY kind <> 'overall', kind, string_to_array(nullif(code, 'all'), '.')::int[]",
        assessment_id,
    )
    return [_convert(r, Position) for r in rows]


async def plan_actions(conn: asyncpg.Connection, assessment_id: str) -> list[PlanAction]:
    rows = await conn.fetch(f"SELECT * FROM {S}.plan_actions WHERE assessment_id = $1 ORDER BY rank", assessment_id)
    return [_convert(r, PlanAction) for r in rows]


async def previous_of(conn: asyncpg.Connection, current: AssessmentSummary) -> str | None:
    """The member's assessment before this one: the one it links to, else the latest started before."""
    if current.previous_assessment_id is not None:
        return current.previous_assessment_id
    return await conn.fetchval(
        f"SELECT assessment_id FROM {S}.assessments WHERE tenant_id = $1 AND started_at < $2 "
        "ORDER BY started_at DESC LIMIT 1",
        current.tenant_id,
        current.started_at,
    )


# --- auditors -------------------------------------------------------------------------------


async def grants(conn: asyncpg.Connection, auditor_id: str | None) -> list[GrantView]:
    rows = await conn.fetch(
        f"SELECT * FROM {S}.access_grants WHERE $1::text IS NULL OR auditor_id = $1 ORDER BY granted_at DESC, grant_id",
        auditor_id,
    )
    return [_convert(r, GrantView) for r in rows]


async def audit_reads(
    conn: asyncpg.Connection, *, assessment_id: str | None, auditor_id: str | None, limit: int, offset: int
) -> list[AuditReadView]:
    rows = await conn.fetch(
        f"SELECT * FROM {S}.audit_reads WHERE ($1::text IS NULL OR assessment_id = $1) "
        f"AND ($2::text IS NULL OR auditor_id = $2) ORDER BY read_at DESC, read_id "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        assessment_id,
        auditor_id,
    )
    return [_convert(r, AuditReadView) for r in rows]


# --- members (the directory followed from the member register) ------------------------------


async def directory_entry(conn: asyncpg.Connection, tenant_id: str) -> DirectoryEntry | None:
    row = await conn.fetchrow(f"SELECT * FROM {S}.member_directory WHERE member_id = $1", tenant_id)
    return None if row is None else _convert(row, DirectoryEntry)


async def member_overview(conn: asyncpg.Connection, tenant_id: str) -> dict[str, Any]:
    """A member's assessments, the positioning of its latest validated one (else its latest), and
    the open actions of its current plan."""
    rows = await conn.fetch(
        f"SELECT {SUMMARY_COLUMNS} FROM {S}.assessments WHERE tenant_id = $1 ORDER BY started_at DESC, assessment_id",
        tenant_id,
    )
    items = [_convert(r, AssessmentSummary) for r in rows]
    validated = [a for a in items if a.status == "validated"]
    reference = validated[0] if validated else (items[0] if items else None)
    current = items[0] if items else None
    open_actions = (
        []
        if current is None
        else await conn.fetch(
            f"SELECT assessment_id, indicator, rank, priority, status, suggested_action, service, owner, due_on "
            f"FROM {S}.plan_actions WHERE assessment_id = $1 AND status IN ('proposed', 'adopted', 'scheduled') "
            "ORDER BY rank",
            current.assessment_id,
        )
    )
    return {
        "assessments": items,
        "latest_positioning": [] if reference is None else await positions(conn, reference.assessment_id),
        "latest_positioning_of": reference.assessment_id if reference else None,
        "open_actions": [dict(r) for r in open_actions],
    }
