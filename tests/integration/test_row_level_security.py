"""Row-level security, tested as the unprivileged reader role the API reads with."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from services.membership.queries import region_dashboard
from shared.platform import Platform
from shared.tenancy import ReaderConnection, ReadScope, scoped_connection
from tests.helpers.members import given_three_members


async def test_a_query_without_scope_settings_sees_no_rows(platform: Platform) -> None:
    await given_three_members(platform)
    assert platform.read_pool is not None
    async with platform.read_pool.acquire() as conn:  # a pooled reader connection never scoped yet
        assert await conn.fetchval("SELECT current_user") == "coorace_reader"
        for table in ("member_states", "member_states_past", "member_history", "regions"):
            assert await conn.fetchval(f"SELECT count(*) FROM membership.{table}") == 0, table


async def test_a_tenant_sees_only_its_own_rows(platform: Platform) -> None:
    first, _, _ = await given_three_members(platform)
    async with scoped_connection(platform.read_pool, ReadScope.of_tenants([first])) as conn:
        rows = await conn.fetch("SELECT member_id FROM membership.member_states")
        regions = await conn.fetchval("SELECT count(*) FROM membership.regions")
    assert [r["member_id"] for r in rows] == [first]
    assert regions == 0
    assert await region_dashboard(platform.read_pool, ReadScope.of_tenants([first]), "BRE", date.today(), None) is None


async def test_a_region_sees_its_members_and_its_dashboard_only(platform: Platform) -> None:
    first, second, _ = await given_three_members(platform)
    async with scoped_connection(platform.read_pool, ReadScope.of_region("BRE")) as conn:
        members = {r["member_id"] for r in await conn.fetch("SELECT member_id FROM membership.member_states")}
    assert members == {first, second}
    bre = await region_dashboard(platform.read_pool, ReadScope.of_region("BRE"), "BRE", date.today(), None)
    npc = await region_dashboard(platform.read_pool, ReadScope.of_region("BRE"), "NPC", date.today(), None)
    assert bre is not None and bre.active_members == 2
    assert npc is None


async def test_a_region_s_scope_reads_the_regions_it_succeeds_and_no_other(platform: Platform) -> None:
    first, second, third = await given_three_members(platform)
    async with scoped_connection(platform.read_pool, ReadScope.of_region("HDF", ["NPC"])) as conn:
        members = {r["member_id"] for r in await conn.fetch("SELECT member_id FROM membership.member_states")}
    assert members == {third}
    npc = await region_dashboard(platform.read_pool, ReadScope.of_region("HDF", ["NPC"]), "NPC", date.today(), None)
    bre = await region_dashboard(platform.read_pool, ReadScope.of_region("HDF", ["NPC"]), "BRE", date.today(), None)
    assert npc is not None and npc.active_members == 1
    assert bre is None


def test_a_scope_refuses_a_region_code_with_a_comma() -> None:
    with pytest.raises(ValueError, match="without commas"):
        ReadScope.of_region("HDF", ["NPC,BRE"])


async def test_a_connection_serving_another_scope_gets_that_scope_s_settings(platform: Platform) -> None:
    first, _, third = await given_three_members(platform)
    pool = await asyncpg.create_pool(
        platform.read_database.url(),
        min_size=1,
        max_size=1,
        connection_class=ReaderConnection,
    )
    try:
        for tenant in (first, third, first):
            async with scoped_connection(pool, ReadScope.of_tenants([tenant])) as conn:
                assert [r["member_id"] for r in await conn.fetch("SELECT member_id FROM membership.member_states")] == [
                    tenant
                ]
        async with scoped_connection(pool, ReadScope.of_region("BRE")) as conn:
            assert await conn.fetchval("SELECT count(*) FROM membership.member_states") == 2
        async with scoped_connection(pool, ReadScope("none")) as conn:
            assert await conn.fetchval("SELECT count(*) FROM membership.member_states") == 0
    finally:
        await pool.close()


async def test_the_reader_role_cannot_write_read_models(platform: Platform) -> None:
    first, _, _ = await given_three_members(platform)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("UPDATE membership.member_states SET name = 'x' WHERE member_id = $1", first)
