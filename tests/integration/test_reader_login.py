"""The read pool logs in as the plain `coorace_reader` role: no role change on one of its
connections gains a privilege, and row-level security holds whatever the connection tries."""

from __future__ import annotations

import asyncpg
import pytest

from shared.migrations import READER_ROLE, PrivilegedReaderError, check_reader_is_unprivileged
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.members import given_three_members


async def test_the_read_pool_logs_in_as_a_plain_reader(platform: Platform) -> None:
    assert platform.read_pool is not None
    async with platform.read_pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT session_user, current_user, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
            "FROM pg_roles WHERE rolname = session_user"
        )
    assert dict(row) == {
        "session_user": READER_ROLE,
        "current_user": READER_ROLE,
        "rolsuper": False,
        "rolbypassrls": False,
        "rolcreaterole": False,
        "rolcreatedb": False,
    }


async def test_reset_role_on_a_read_connection_stays_the_reader(platform: Platform) -> None:
    assert platform.read_pool is not None
    async with platform.read_pool.acquire() as conn:
        await conn.execute("RESET ROLE")
        await conn.execute("RESET SESSION AUTHORIZATION")
        assert await conn.fetchval("SELECT current_user") == READER_ROLE
        assert await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False


async def test_a_read_connection_cannot_become_the_owner_or_a_superuser(platform: Platform) -> None:
    owner = platform.database.user
    assert platform.read_pool is not None
    for statement in (f'SET ROLE "{owner}"', f'SET SESSION AUTHORIZATION "{owner}"', "SET ROLE postgres"):
        async with platform.read_pool.acquire() as conn:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
            assert await conn.fetchval("SELECT current_user") == READER_ROLE


async def test_row_level_security_holds_after_reset_role(platform: Platform) -> None:
    first, _, _ = await given_three_members(platform)
    assert platform.read_pool is not None
    async with scoped_connection(platform.read_pool, ReadScope.of_tenants([first])) as conn:
        await conn.execute("RESET ROLE")
        members = [r["member_id"] for r in await conn.fetch("SELECT DISTINCT member_id FROM membership.member_states")]
    assert members == [first]


async def test_the_reader_cannot_read_the_event_logs_or_idempotency_records(platform: Platform) -> None:
    await given_three_members(platform)
    assert platform.read_pool is not None
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        for table in (
            f"membership.{platform.application('membership').name.lower()}_events",
            "membership.idempotency_keys",
            "public.coorace_schema_migrations",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(f"SELECT * FROM {table} LIMIT 1")


async def test_a_privileged_read_login_is_refused_at_start(platform: Platform) -> None:
    # The tests' server hands out a superuser (as the embedded server and CI's do): the check
    # that guards the read pool must refuse it.
    pool = await asyncpg.create_pool(platform.database.url(), min_size=1, max_size=1)
    try:
        with pytest.raises(PrivilegedReaderError, match="superuser"):
            await check_reader_is_unprivileged(pool)
    finally:
        await pool.close()
