"""The migration table: each step once, in order, safe when processes start together."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from shared.database import DatabaseAddress
from shared.migrations import Migration, apply_migrations

STEPS = (
    Migration(1, "a table", "CREATE TABLE public.migration_probe (id int PRIMARY KEY)"),
    Migration(2, "a row", "INSERT INTO public.migration_probe VALUES (1)"),
)


async def test_each_migration_is_applied_once(database: DatabaseAddress) -> None:
    conn = await asyncpg.connect(database.url())
    try:
        assert await apply_migrations(conn, "probe", STEPS) == [1, 2]
        assert await apply_migrations(conn, "probe", STEPS) == []
        assert await conn.fetchval("SELECT count(*) FROM public.migration_probe") == 1
    finally:
        await conn.close()


async def test_a_new_step_is_applied_after_the_ones_already_there(database: DatabaseAddress) -> None:
    conn = await asyncpg.connect(database.url())
    try:
        await apply_migrations(conn, "probe", STEPS[:1])
        assert await apply_migrations(conn, "probe", STEPS) == [2]
    finally:
        await conn.close()


async def test_processes_starting_together_apply_each_step_once(database: DatabaseAddress) -> None:
    conns = [await asyncpg.connect(database.url()) for _ in range(4)]
    try:
        applied = await asyncio.gather(*(apply_migrations(c, "probe", STEPS) for c in conns))
        assert sorted(v for versions in applied for v in versions) == [1, 2]
    finally:
        for c in conns:
            await c.close()


async def test_a_failing_step_leaves_nothing_half_applied(database: DatabaseAddress) -> None:
    broken = (*STEPS, Migration(3, "broken", "INSERT INTO public.migration_probe VALUES (2); SELECT 1/0"))
    conn = await asyncpg.connect(database.url())
    try:
        with pytest.raises(asyncpg.DivisionByZeroError):
            await apply_migrations(conn, "probe", broken)
        assert (
            await conn.fetchval("SELECT count(*) FROM public.coorace_schema_migrations WHERE component = 'probe'") == 0
        )
    finally:
        await conn.close()


async def test_versions_out_of_order_are_refused(database: DatabaseAddress) -> None:
    conn = await asyncpg.connect(database.url())
    try:
        with pytest.raises(ValueError, match="unique and increasing"):
            await apply_migrations(conn, "probe", (STEPS[1], STEPS[0]))
    finally:
        await conn.close()
