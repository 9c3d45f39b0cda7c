"""Reads of the register's read models (asyncpg), on a connection already scoped by
row-level security (`shared.tenancy.scoped_connection`): a row outside the caller's scope is
simply not there, so "another tenant's member" and "no such member" both answer None."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from services.membership.api.schemas import (
    HistoryEntry,
    MemberPage,
    MemberRecord,
    MemberSummary,
    NetworkDashboard,
    Region,
    RegionDashboard,
)

S = "membership"


async def member_record(conn: asyncpg.Connection, member_id: str) -> MemberRecord | None:
    row = await conn.fetchrow(f"SELECT * FROM {S}.members WHERE member_id = $1", member_id)
    return None if row is None else msgspec.convert(dict(row), MemberRecord, strict=False)


async def member_history(conn: asyncpg.Connection, member_id: str) -> list[HistoryEntry]:
    rows = await conn.fetch(f"SELECT * FROM {S}.member_history WHERE member_id = $1 ORDER BY version", member_id)
    return [msgspec.convert(dict(r), HistoryEntry, strict=False) for r in rows]


async def list_members(
    conn: asyncpg.Connection,
    *,
    region: str | None,
    form: str | None,
    status: str | None,
    certification: str | None,
    name: str | None,
    limit: int,
    offset: int,
) -> MemberPage:
    where, args = ["true"], []
    for column, value in (("region", region), ("status", status), ("certification_scheme", certification)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if form is not None:
        args.append(form)
        where.append(f"${len(args)} = ANY(forms)")
    if name is not None:
        args.append(f"%{name}%")
        where.append(f"name ILIKE ${len(args)}")
    condition = " AND ".join(where)
    total = await conn.fetchval(f"SELECT count(*) FROM {S}.members WHERE {condition}", *args)
    rows = await conn.fetch(
        f"SELECT member_id, name, siret, forms, region, city, status, certification_scheme, "
        f"accord_groupe_since IS NOT NULL AS accord_groupe, version FROM {S}.members WHERE {condition} "
        f"ORDER BY name, member_id LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    return MemberPage(items=[MemberSummary(**dict(r)) for r in rows], total=total, limit=limit, offset=offset)


async def regions(conn: asyncpg.Connection) -> list[Region]:
    rows = await conn.fetch(f"SELECT code, name, status, merged_into, overseas FROM {S}.regions ORDER BY code")
    return [Region(**dict(r)) for r in rows]


async def region_dashboard(conn: asyncpg.Connection, code: str) -> RegionDashboard | None:
    row = await conn.fetchrow(f"SELECT * FROM {S}.region_dashboard WHERE region = $1", code)
    return None if row is None else msgspec.convert(_without_rls_columns(row), RegionDashboard)


async def network_dashboard(conn: asyncpg.Connection) -> NetworkDashboard | None:
    row = await conn.fetchrow(f"SELECT * FROM {S}.network_dashboard WHERE scope = 'network'")
    return None if row is None else msgspec.convert(_without_rls_columns(row, "scope", "region"), NetworkDashboard)


def _without_rls_columns(row: asyncpg.Record, *more: str) -> dict[str, Any]:
    return {k: v for k, v in dict(row).items() if k not in ("tenant_id", *more)}
