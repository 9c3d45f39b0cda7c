"""Reads of national staff's audit pages: the audit reads (filtered by auditor and member, a page
at a time, with the names to show) and the access grants (a page at a time). On a network-scoped
connection: these pages are national staff's only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class ReadRow:
    read_at: datetime
    auditor_id: str
    auditor: str | None
    tenant_id: str
    member: str | None
    assessment_id: str | None
    resource: str
    path: str
    query: str


@dataclass(frozen=True)
class ReadsPage:
    items: list[ReadRow]
    total: int


async def reads(
    conn: asyncpg.Connection, *, auditor_id: str | None, tenant_id: str | None, limit: int, offset: int
) -> ReadsPage:
    rows = await conn.fetch(
        "SELECT r.read_at, r.auditor_id, p.name AS auditor, r.tenant_id, m.name AS member, r.assessment_id, "
        "r.resource, r.path, r.query, count(*) OVER () AS total "
        "FROM assessment.audit_reads r "
        "LEFT JOIN people.directory p ON p.person_id = r.auditor_id "
        "LEFT JOIN assessment.member_directory m ON m.member_id = r.tenant_id "
        "WHERE ($1::text IS NULL OR r.auditor_id = $1) AND ($2::text IS NULL OR r.tenant_id = $2) "
        "ORDER BY r.read_at DESC, r.read_id LIMIT $3 OFFSET $4",
        auditor_id,
        tenant_id,
        limit,
        offset,
    )
    total = rows[0]["total"] if rows else 0
    return ReadsPage([ReadRow(**{k: v for k, v in dict(r).items() if k != "total"}) for r in rows], total)


async def readers_and_members(conn: asyncpg.Connection) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The filters' choices: the auditors who read something, the members they read (id, name)."""
    auditors = await conn.fetch(
        "SELECT DISTINCT r.auditor_id, coalesce(p.name, r.auditor_id) AS name FROM assessment.audit_reads r "
        "LEFT JOIN people.directory p ON p.person_id = r.auditor_id ORDER BY name"
    )
    members = await conn.fetch(
        "SELECT DISTINCT r.tenant_id, coalesce(m.name, r.tenant_id) AS name FROM assessment.audit_reads r "
        "LEFT JOIN assessment.member_directory m ON m.member_id = r.tenant_id ORDER BY name"
    )
    return [(r["auditor_id"], r["name"]) for r in auditors], [(r["tenant_id"], r["name"]) for r in members]


@dataclass(frozen=True)
class GrantRow:
    grant_id: str
    auditor_id: str
    auditor: str | None
    tenant_id: str
    member: str | None
    assessment_id: str | None
    valid_from: datetime
    valid_until: datetime
    reason: str
    granted_by: str
    granted_by_name: str | None
    granted_at: datetime
    revoked: bool
    revoked_reason: str | None
    version: int


async def grants(
    conn: asyncpg.Connection, *, auditor_id: str | None, limit: int, offset: int
) -> tuple[list[GrantRow], int]:
    """Access grants, latest first (an auditor's own when `auditor_id` is given)."""
    rows = await conn.fetch(
        "SELECT g.grant_id, g.auditor_id, p.name AS auditor, g.tenant_id, m.name AS member, g.assessment_id, "
        "g.valid_from, g.valid_until, g.reason, g.granted_by, s.name AS granted_by_name, g.granted_at, g.revoked, "
        "g.revoked_reason, g.version, count(*) OVER () AS total "
        "FROM assessment.access_grants g "
        "LEFT JOIN people.directory p ON p.person_id = g.auditor_id "
        "LEFT JOIN people.directory s ON s.person_id = g.granted_by "
        "LEFT JOIN assessment.member_directory m ON m.member_id = g.tenant_id "
        "WHERE $1::text IS NULL OR g.auditor_id = $1 "
        "ORDER BY g.granted_at DESC, g.grant_id LIMIT $2 OFFSET $3",
        auditor_id,
        limit,
        offset,
    )
    total = rows[0]["total"] if rows else 0
    return [GrantRow(**{k: v for k, v in dict(r).items() if k != "total"}) for r in rows], total


async def active_auditors(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """The directory's active people with the auditor role (id, name): whom a grant may name."""
    rows = await conn.fetch(
        "SELECT person_id, name FROM people.directory WHERE role = 'auditor' AND status = 'active' "
        "ORDER BY name, person_id"
    )
    return [(r["person_id"], r["name"]) for r in rows]


async def members(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """The members le Cap knows (id, name), for the grant form."""
    rows = await conn.fetch("SELECT member_id, name FROM assessment.member_directory ORDER BY name, member_id")
    return [(r["member_id"], r["name"]) for r in rows]
