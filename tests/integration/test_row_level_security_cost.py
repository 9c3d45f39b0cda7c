"""Row-level security reads the caller's scope once per query, not once per row.

The network's figures read every member state in force (30,000 rows on a 150,000-event log); a
policy that called `current_setting` for each row cost more than the scan itself. The policy's
settings are scalar subqueries, which PostgreSQL runs once per query as InitPlans: these tests read
the plan the reader role gets, so a policy rewritten the per-row way fails here, not in production.
"""

from __future__ import annotations

import json

import pytest

from shared.migrations import PLATFORM_MIGRATIONS, apply_migrations
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.members import given_three_members

SCOPES = [
    ReadScope.network(),
    ReadScope.of_region("BRE"),
    ReadScope.of_region("HDF", ["NPC", "PIC"]),
    ReadScope.of_tenants(["a", "b"]),
]


def _filters(plan: dict) -> list[str]:
    """Every filter and index condition in a JSON plan, recursively."""
    found = [plan[key] for key in ("Filter", "Index Cond", "Recheck Cond") if key in plan]
    for child in plan.get("Plans", []):
        found += _filters(child)
    return found


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: f"{s.kind}-{len(s.predecessors)}")
async def test_the_policy_reads_the_scope_settings_once_per_query(platform: Platform, scope: ReadScope) -> None:
    await given_three_members(platform)
    async with scoped_connection(platform.read_pool, scope) as conn:
        explained = await conn.fetchval("EXPLAIN (FORMAT JSON) SELECT count(*) FROM membership.member_states")
    plan = explained[0]["Plan"]  # the read pool decodes json itself
    filters = _filters(plan)
    assert filters, "the reader's plan has no filter at all: row-level security is not applied"
    assert not [f for f in filters if "current_setting" in f], filters  # per row: the slow way
    assert "InitPlan" in json.dumps(plan)


async def test_databases_made_with_the_per_row_policy_get_the_once_per_query_one(platform: Platform) -> None:
    await given_three_members(platform)
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        tables = await conn.fetch("SELECT schemaname, tablename FROM pg_policies WHERE policyname = 'scoped_read'")
        assert tables
        # The policy as migration 1 made it, and the platform's third migration not yet applied.
        await conn.execute(PLATFORM_MIGRATIONS[0].sql)
        for t in tables:
            await conn.execute(
                f"ALTER POLICY scoped_read ON {t['schemaname']}.{t['tablename']} "
                "USING (public.coorace_row_visible(tenant_id, region))"
            )
        await conn.execute(
            "DELETE FROM public.coorace_schema_migrations WHERE component = 'platform' AND version IN (3, 4)"
        )
        assert await apply_migrations(conn, "platform", PLATFORM_MIGRATIONS) == [3, 4]
        policies = await conn.fetch("SELECT qual FROM pg_policies WHERE policyname = 'scoped_read'")
        function_left = await conn.fetchval("SELECT to_regprocedure('public.coorace_row_visible(text, text)')")
    assert len(policies) == len(tables)
    assert all("coorace_row_visible" not in p["qual"] and "current_setting" in p["qual"] for p in policies)
    assert function_left is None
    async with scoped_connection(platform.read_pool, ReadScope.of_region("BRE")) as reader:
        assert await reader.fetchval("SELECT count(*) FROM membership.member_states") == 2  # still scoped


async def test_databases_made_with_the_one_region_policy_get_the_lineage_one(platform: Platform) -> None:
    """Migration 4: a region's scope lists the regions it succeeds; the policy written by migration
    3 compared the region with the whole list, and would show a successor's readers nothing."""
    await given_three_members(platform)
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        await conn.execute(
            "DELETE FROM public.coorace_schema_migrations WHERE component = 'platform' AND version IN (3, 4)"
        )
        await conn.execute(PLATFORM_MIGRATIONS[2].sql)  # the policies as migration 3 wrote them
        await conn.execute(
            "INSERT INTO public.coorace_schema_migrations (component, version, name) VALUES ('platform', 3, 'x')"
        )
    lineage = ReadScope.of_region("HDF", ["BRE", "NPC"])
    async with scoped_connection(platform.read_pool, lineage) as reader:
        assert await reader.fetchval("SELECT count(*) FROM membership.member_states") == 0
    async with platform.write_pool.acquire() as conn:
        assert await apply_migrations(conn, "platform", PLATFORM_MIGRATIONS) == [4]
    async with scoped_connection(platform.read_pool, lineage) as reader:
        assert await reader.fetchval("SELECT count(*) FROM membership.member_states") == 3
