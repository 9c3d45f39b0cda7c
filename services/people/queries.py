"""Reads of the directory (asyncpg), on connections already scoped by row-level security
(`shared.tenancy.scoped_connection`): a person outside the caller's scope is simply not there."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from services.people.read_models import PeoplePage, PersonEntry

_COLUMNS = "person_id, name, email, phone, role, tenant_id, region, status, invited_at, invited_by, version"


def _entry(row: asyncpg.Record) -> PersonEntry:
    values: dict[str, Any] = dict(row)
    values.pop("total", None)
    values["tenant_id"] = values["tenant_id"] or None
    values["region"] = values["region"] or None
    return msgspec.convert(values, PersonEntry)


async def list_people(
    conn: asyncpg.Connection,
    *,
    role: str | None = None,
    status: str | None = None,
    tenant: str | None = None,
    region: str | None = None,
    name: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> PeoplePage:
    """The people the connection's scope sees, filtered, by name."""
    conditions, values = [], []
    for column, value in (("role", role), ("status", status), ("tenant_id", tenant), ("region", region)):
        if value:
            values.append(value)
            conditions.append(f"{column} = ${len(values)}")
    if name:
        values.append("%" + _escape_like(name) + "%")
        conditions.append(f"(name ILIKE ${len(values)} OR email ILIKE ${len(values)})")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS}, count(*) OVER () AS total FROM people.directory {where} "
        f"ORDER BY name, person_id LIMIT ${len(values) + 1} OFFSET ${len(values) + 2}",
        *values,
        limit,
        offset,
    )
    total = rows[0]["total"] if rows else await conn.fetchval(f"SELECT count(*) FROM people.directory {where}", *values)
    items = [_entry(row) for row in rows]
    return PeoplePage(items=items, total=total, limit=limit, offset=offset)


def _escape_like(text: str) -> str:
    """The text as a literal inside an ILIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def person(conn: asyncpg.Connection, person_id: str) -> PersonEntry | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM people.directory WHERE person_id = $1", person_id)
    return None if row is None else _entry(row)
