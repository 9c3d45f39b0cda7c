"""The projection runner on a real PostgreSQL: same-transaction positions, crash and resume,
rebuild equals live, concurrent writers, blue/green switch-over."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import date
from uuid import UUID

import asyncpg
import pytest

from services.membership.projections.register import RegisterProjection
from services.membership.queries import network_dashboard
from shared.platform import Platform
from shared.projection import (
    Notified,
    ProjectionRunner,
    ProjectionStore,
    apply_next_batch,
    catch_up,
    ensure_live_generation,
    rebuild,
)
from shared.readmodel import TableNames
from shared.tenancy import ReadScope, scoped_connection
from tests.integration.membership_helpers import membership, register


class CrashingRegister(RegisterProjection):
    """The register projection, failing once it reaches a chosen notification."""

    crash_at: int | None = None

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        await super().apply_batch(conn, events, tables)
        if self.crash_at is not None and any(n.notification_id >= self.crash_at for n in events):
            raise RuntimeError("crash after writing rows, before committing the position")


async def live_state(platform: Platform) -> tuple[int, int]:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        position = await conn.fetchval(
            "SELECT position FROM membership.projection_generations WHERE projection = 'register' AND status = 'live'"
        )
        members = await conn.fetchval("SELECT count(DISTINCT member_id) FROM membership.member_states")
    return position, members


async def test_a_crash_mid_batch_keeps_neither_rows_nor_position_and_resume_applies_each_event_once(
    platform: Platform,
) -> None:
    app = membership(platform)
    for _ in range(5):
        register(app)
    store = ProjectionStore("membership")
    projection = CrashingRegister()
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        generation = await ensure_live_generation(conn, store, projection)
        # The log: the region list, then per member its Registered event and its SIRET index.
        await apply_next_batch(conn, store, projection, generation, limit=3)
        assert await live_state(platform) == (3, 1)
        projection.crash_at = 5
        with pytest.raises(RuntimeError):
            await apply_next_batch(conn, store, projection, generation, limit=10)
        assert await live_state(platform) == (3, 1)
        projection.crash_at = None
        await catch_up(conn, store, projection, generation)
    head = app.recorder.max_notification_id()
    assert await live_state(platform) == (head, 5)


async def test_rebuild_from_zero_equals_the_live_read_model(platform: Platform) -> None:
    app = membership(platform)
    ids = [UUID(register(app, region=r).id) for r in ("BRE", "BRE", "NPC", "IDF")]
    app.join_accord_groupe(ids[0], effective_on=date(2014, 1, 1))
    app.resign(ids[1], effective_on=date(2015, 12, 31), reason="dissolution")
    await catch_up_everything(platform)
    for store, projection in platform.projections["membership"]:
        report = await rebuild(platform.write_pool, store, projection, verify_only=True)
        assert report.differences == [], report.differences
        assert report.events == app.recorder.max_notification_id()


async def test_verify_reports_rows_that_differ_from_a_replay(platform: Platform) -> None:
    app = membership(platform)
    register(app)
    await catch_up_everything(platform)
    assert platform.write_pool is not None
    await platform.write_pool.execute("UPDATE membership.member_states SET name = 'altered by hand'")
    store, projection = platform.projection("membership", "register")
    report = await rebuild(platform.write_pool, store, projection, verify_only=True)
    assert any("altered by hand" in line for line in report.differences)
    assert not report.switched


async def test_rebuild_switches_the_views_to_the_new_generation_when_it_agrees(platform: Platform) -> None:
    app = membership(platform)
    register(app)
    await catch_up_everything(platform)
    store, projection = platform.projection("membership", "register")
    report = await rebuild(platform.write_pool, store, projection)
    assert report.switched and report.differences == []
    assert platform.write_pool is not None
    generations = await platform.write_pool.fetch(
        "SELECT generation, status FROM membership.projection_generations WHERE projection = 'register' "
        "ORDER BY generation"
    )
    assert [(g["generation"], g["status"]) for g in generations] == [(1, "retired"), (2, "live")]
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        assert await conn.fetchval("SELECT count(DISTINCT member_id) FROM membership.member_states") == 1


async def test_a_new_projection_version_is_rebuilt_beside_the_live_one_and_switched(platform: Platform) -> None:
    app = membership(platform)
    register(app)
    await catch_up_everything(platform)

    class RegisterV2(RegisterProjection):
        version = RegisterProjection.version + 1

    store = ProjectionStore("membership")
    report = await rebuild(platform.write_pool, store, RegisterV2())
    assert report.switched and "code version changed" in report.reason
    async with platform.write_pool.acquire() as conn:
        live = await store.live(conn, RegisterV2())
    assert live is not None and live["projection_version"] == RegisterV2.version


async def test_the_runner_keeps_up_with_concurrent_writers_and_loses_nothing(platform: Platform) -> None:
    app = membership(platform)
    await platform.start_projection_runner()

    def write(region: str) -> None:
        for _ in range(15):
            register(app, region=region)

    threads = [threading.Thread(target=write, args=(r,)) for r in ("BRE", "NPC", "IDF", "PAC")]
    for t in threads:
        t.start()
    await asyncio.to_thread(lambda: [t.join() for t in threads])
    head = app.recorder.max_notification_id()
    await platform.wait_for("membership", head)
    assert await live_state(platform) == (head, 60)
    dashboard = await network_dashboard(platform.read_pool, date.today(), None)
    assert dashboard is not None and dashboard.active_members == 60
    populated = {region: n for region, n in dashboard.members_per_region.items() if n}
    assert populated == {"BRE": 15, "IDF": 15, "NPC": 15, "PAC": 15}


async def catch_up_everything(platform: Platform) -> None:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections["membership"]:
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])


async def test_the_runner_retries_a_failing_batch_without_skipping_it(platform: Platform) -> None:
    app = membership(platform)
    for _ in range(3):
        register(app)

    class FailsOnce(RegisterProjection):
        failures = 0

        async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
            if FailsOnce.failures == 0:
                FailsOnce.failures += 1
                raise RuntimeError("a passing fault")
            await super().apply_batch(conn, events, tables)

    store = ProjectionStore("membership")
    runner = ProjectionRunner(platform.write_pool, lambda: asyncpg.connect(platform.database.url()),
                              [(store, FailsOnce())])
    await runner.start()
    try:
        await platform.wait_for("membership", app.recorder.max_notification_id(), ["register"])
    finally:
        await runner.stop()
    assert runner.errors == 1
    assert await live_state(platform) == (app.recorder.max_notification_id(), 3)
