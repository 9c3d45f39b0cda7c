"""Faults on the read side: a poison event, operator retry and skip, rebuilds killed or failed
half-way, no runner alive. Each on a real PostgreSQL, through the real app and the real CLI."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import structlog
import structlog.testing
from click.testing import CliRunner, Result

import shared.projection.runner
from services.bootstrap import ALL_SERVICES, build_platform
from services.cli import main as coorace
from shared.app_factory import create_app
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.errors import NotCaughtUp
from shared.platform import Platform
from shared.projection import (
    ProjectionStore,
    RunnerPolicy,
    catch_up,
    drop_abandoned_rebuilds,
    ensure_live_generation,
    projection_status,
    rebuild,
)
from tests.helpers.membership_application import membership, register
from tests.helpers.projection_probe import (
    FailsWhenRebuilt,
    HangsWhenRebuilt,
    PoisonProbe,
    membership_with_probe,
    reset_probe,
)

REPOSITORY = Path(__file__).resolve().parents[2]
POLICY = RunnerPolicy(max_attempts=3, first_backoff=0.05, max_backoff=0.2)


@pytest.fixture
def with_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe registered beside membership's projections, for the app and the CLI alike."""
    reset_probe()
    monkeypatch.setitem(ALL_SERVICES, "membership", membership_with_probe())
    yield
    reset_probe()


@pytest.fixture
async def served(with_probe: None, database: DatabaseAddress, settings: Settings) -> AsyncIterator[Any]:
    """The app with its projection runner (the probe among the projections) and its platform."""
    platform = build_platform(settings=settings, database=database)
    platform.runner_policy = POLICY
    async with serving(platform, run_projections=True) as client:
        yield client, platform


@asynccontextmanager
async def serving(platform: Platform, *, run_projections: bool) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over ASGI, in the test's own event loop, so that the test can use the platform's
    pools too (the app's lifespan, which would start the platform, is played here by hand)."""
    app = create_app(platform, run_projections=run_projections)
    await platform.start(run_projections=run_projections)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            yield client
    finally:
        await platform.stop()


@pytest.fixture
def cli_env(database: DatabaseAddress, tmp_path: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database.url(),
        "COORACE_DATA_DIR": str(tmp_path),
        "COORACE_JWT_SECRET": "cli-test-secret-" + "y" * 40,
        "COORACE_LOG_LEVEL": "warning",
    }


async def cli(env: dict[str, str], *args: str) -> Result:
    # The command runs its own event loop: give it a thread of its own.
    return await asyncio.to_thread(CliRunner().invoke, coorace, list(args), env=env)


async def probe_status(platform: Platform) -> dict[str, Any]:
    return next(s for s in await platform.status() if s["projection"] == "poison_probe")


async def eventually(check: Callable[[], Awaitable[Any]], what: str, seconds: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        await asyncio.sleep(0.05)
    return result


async def park_a_poison_event(platform: Platform) -> tuple[int, int, dict[str, Any]]:
    """Members registered before, during and after a poison one; returns (first event of the
    poisoned registration, head of the log, the probe's status once parked)."""
    app = membership(platform)
    register(app)
    before = app.recorder.max_notification_id()
    PoisonProbe.poison = {"Association intermédiaire n°900001"}
    register(app, n=900001)
    register(app)
    head = app.recorder.max_notification_id()

    async def parked() -> dict[str, Any] | None:
        status = await probe_status(platform)
        return status if status["state"] == "parked" else None

    return before + 1, head, await eventually(parked, "the probe parks the poison event")


async def probe_rows(platform: Platform) -> list[int]:
    rows = await platform.write_pool.fetch("SELECT notification_id FROM membership.poison_probe_rows ORDER BY 1")
    return [r["notification_id"] for r in rows]


def metric(text: str, line_start: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start + " ")]
    return values[0] if values else 0.0


async def test_a_poison_event_is_retried_with_back_off_then_parked_while_the_other_projections_go_on(
    served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, platform = served
    logged = structlog.testing.CapturingLogger()
    monkeypatch.setattr(shared.projection.runner, "log", structlog.wrap_logger(logged, processors=[]))
    first_poisoned, head, status = await park_a_poison_event(platform)

    # The other projections of every service went on, past the poison event, to the end of the log.
    await platform.wait_for("membership", head, ["register", "member_history"])
    assert await platform.write_pool.fetchval("SELECT count(DISTINCT member_id) FROM membership.member_states") == 3
    # The probe tried the event alone, three times, each after a longer pause, then parked it.
    failure = status["failure"]
    assert failure["topic"].endswith("Member.Registered") and failure["attempts"] == 3
    assert first_poisoned <= failure["event"] <= head
    tries = PoisonProbe.attempts_on_poison
    assert len(tries) == 3
    assert tries[1] - tries[0] >= 0.9 * POLICY.backoff(1) and tries[2] - tries[1] >= 0.9 * POLICY.backoff(2)
    # It stays at the event before: nothing skipped silently.
    assert status["position"] == failure["event"] - 1 and status["lag"] == head - failure["event"] + 1
    assert max(await probe_rows(platform)) == failure["event"] - 1
    parked_logs = [c.kwargs for c in logged.calls if c.kwargs.get("event") == "projection.parked"]
    assert [(e["projection"], e["notification_id"]) for e in parked_logs] == [("poison_probe", failure["event"])]

    # Reading one's own write through the probe says at once why it cannot be waited for.
    with pytest.raises(NotCaughtUp, match="poison_probe"):
        await platform.wait_for("membership", head, ["poison_probe"])

    ready = await client.get("/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert any("poison_probe" in p and str(failure["event"]) in p for p in body["problems"])
    assert body["projections"]

    text = (await client.get("/metrics")).text
    assert metric(text, 'coorace_projection_parked_events{projection="poison_probe",service="membership"}') == 1
    assert metric(text, 'coorace_projection_parked_events{projection="register",service="membership"}') == 0
    assert metric(text, 'coorace_projection_errors_total{projection="poison_probe",service="membership"}') >= 3


async def test_retry_after_the_fix_resumes_the_parked_projection(served: Any, cli_env: dict[str, str]) -> None:
    client, platform = served
    _, head, status = await park_a_poison_event(platform)
    shown = await cli(cli_env, "projections", "status", "--service", "membership")
    assert shown.exit_code == 0, shown.output
    assert f"parked on event {status['failure']['event']}" in shown.output

    PoisonProbe.poison = set()  # the fix
    result = await cli(cli_env, "projections", "retry", "poison_probe", "--by", "alice")
    assert result.exit_code == 0, result.output

    await platform.wait_for("membership", head, ["poison_probe"])
    assert await probe_rows(platform) == list(range(1, head + 1))
    assert (await probe_status(platform))["state"] == "ok"
    assert await platform.write_pool.fetchval("SELECT count(*) FROM membership.projection_parked_events") == 0
    assert (await client.get("/ready")).json()["status"] == "ready"

    again = await cli(cli_env, "projections", "retry", "poison_probe")
    assert again.exit_code != 0 and "no parked event" in again.output


async def test_skipping_a_parked_event_is_recorded_and_a_rebuild_skips_it_too(
    served: Any, cli_env: dict[str, str]
) -> None:
    _, platform = served
    _, head, status = await park_a_poison_event(platform)
    event = status["failure"]["event"]

    wrong = await cli(cli_env, "projections", "skip", "poison_probe", "--event", str(event + 1), "--reason", "x")
    assert wrong.exit_code != 0 and "not parked" in wrong.output
    no_reason = await cli(cli_env, "projections", "skip", "poison_probe", "--event", str(event), "--reason", " ")
    assert no_reason.exit_code != 0 and "reason is required" in no_reason.output

    reason = "événement d'essai, sans effet sur le registre"
    result = await cli(
        cli_env, "projections", "skip", "poison_probe", "--event", str(event), "--reason", reason, "--by", "alice"
    )
    assert result.exit_code == 0, result.output

    await platform.wait_for("membership", head, ["poison_probe"])
    assert await probe_rows(platform) == [n for n in range(1, head + 1) if n != event]
    record = await platform.write_pool.fetchrow(
        "SELECT status, skipped_by, skip_reason, skipped_at FROM membership.projection_parked_events "
        "WHERE projection = 'poison_probe' AND notification_id = $1",
        event,
    )
    assert (record["status"], record["skipped_by"], record["skip_reason"]) == ("skipped", "alice", reason)
    assert record["skipped_at"] is not None
    # The event still poisons the probe, yet a replay equals the live read model: it skips it too.
    store, probe = platform.projection("membership", "poison_probe")
    report = await rebuild(platform.write_pool, store, probe, verify_only=True)
    assert report.differences == [] and report.events == head


REBUILD_THAT_HANGS = """
import asyncio, sys
import asyncpg
import httpx
from shared.platform import init_connection
from shared.projection import ProjectionStore, rebuild
from tests.helpers.projection_probe import HangsWhenRebuilt

async def main(url):
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4, init=init_connection)
    await rebuild(pool, ProjectionStore("membership"), HangsWhenRebuilt())

asyncio.run(main(sys.argv[1]))
"""


async def generation_rows(pool: asyncpg.Pool) -> list[tuple[int, str]]:
    rows = await pool.fetch(
        "SELECT generation, status FROM membership.projection_generations WHERE projection = 'poison_probe' "
        "ORDER BY generation"
    )
    return [(r["generation"], r["status"]) for r in rows]


async def table_exists(pool: asyncpg.Pool, name: str) -> bool:
    return await pool.fetchval("SELECT to_regclass($1) IS NOT NULL", name)


async def test_a_rebuild_killed_half_way_is_shown_then_dropped_at_the_next_start(
    with_probe: None, platform: Platform, database: DatabaseAddress, settings: Settings
) -> None:
    register(membership(platform))
    store, pool = ProjectionStore("membership"), platform.write_pool
    async with pool.acquire() as conn:
        await catch_up(conn, store, HangsWhenRebuilt(), await ensure_live_generation(conn, store, HangsWhenRebuilt()))

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", REBUILD_THAT_HANGS, database.url(), cwd=REPOSITORY
    )
    try:
        await eventually(
            lambda: table_exists(pool, "membership.poison_probe_rows_g2"), "the rebuild creates its generation", 60
        )
        async with pool.acquire() as conn:
            # While it runs, its generation is shown, and nobody drops it from under it.
            assert (await projection_status(conn, store, HangsWhenRebuilt()))["building"] == [
                {"generation": 2, "position": 0}
            ]
            assert await drop_abandoned_rebuilds(conn, store, HangsWhenRebuilt()) == []
    finally:
        process.kill()
        await process.wait()
    assert await generation_rows(pool) == [(1, "live"), (2, "building")]

    async def killed_session_gone() -> bool:
        return not await pool.fetchval(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND d.datname = current_database()"
        )

    await eventually(killed_session_gone, "the server ends the killed process's session")
    after = build_platform(settings=settings, database=database)
    await after.start()
    await after.stop()
    assert await generation_rows(pool) == [(1, "live")]
    assert not await table_exists(pool, "membership.poison_probe_rows_g2")


async def test_a_rebuild_that_fails_half_way_drops_what_it_built(platform: Platform) -> None:
    register(membership(platform))
    store, pool = ProjectionStore("membership"), platform.write_pool
    async with pool.acquire() as conn:
        await catch_up(conn, store, FailsWhenRebuilt(), await ensure_live_generation(conn, store, FailsWhenRebuilt()))
    with pytest.raises(RuntimeError, match="half-way"):
        await rebuild(pool, store, FailsWhenRebuilt())
    assert await generation_rows(pool) == [(1, "live")]
    assert not await table_exists(pool, "membership.poison_probe_rows_g2")
    # The next rebuild works from a clean slate.
    report = await rebuild(pool, store, PoisonProbe())
    assert report.switched and await generation_rows(pool) == [(1, "retired"), (2, "live")]


async def test_ready_says_when_events_wait_and_no_projection_runner_is_alive(
    database: DatabaseAddress, settings: Settings
) -> None:
    platform = build_platform(settings=settings, database=database)
    async with serving(platform, run_projections=False) as client:
        assert (await client.get("/ready")).json()["status"] == "ready"
        register(membership(platform))
        body = (await client.get("/ready")).json()
        assert body["status"] == "degraded"
        assert any("aucun processus de projection" in p for p in body["problems"])

        await platform.start_projection_runner()
        await platform.wait_for("membership", platform.application("membership").recorder.max_notification_id())
        body = (await client.get("/ready")).json()
        assert body["status"] == "ready", body["problems"]
        assert all(p["runners_alive"] >= 1 for p in body["projections"])


async def test_a_parked_event_stays_parked_when_the_runner_restarts(served: Any) -> None:
    _, platform = served
    _, _, status = await park_a_poison_event(platform)
    await platform.runner.stop()
    await platform.start_projection_runner()

    later = register(membership(platform))
    await platform.wait_for("membership", later.notification_id, ["register"])
    # The new runner went round (register applied a new event) without trying the parked one again.
    assert len(PoisonProbe.attempts_on_poison) == 3
    assert (await probe_status(platform))["failure"] == status["failure"]


async def test_an_event_the_code_cannot_decode_is_parked_by_the_projections_that_decode_it(
    platform: Platform,
) -> None:
    app = membership(platform)
    register(app)
    # An event of a kind this code does not know (written by a newer version, say).
    state = b'{"timestamp": {"_type_": "datetime_iso", "_data_": "2026-01-01T00:00:00+00:00"}}'
    unknown = await platform.write_pool.fetchval(
        "INSERT INTO membership.membership_events (originator_id, originator_version, topic, state) "
        "VALUES (gen_random_uuid(), 1, 'services.membership.domain.member:Member.FromTheFuture', $1) "
        "RETURNING notification_id",
        state,
    )
    later = register(app)
    platform.runner_policy = POLICY
    await platform.start_projection_runner()

    async def both_parked() -> list[dict[str, Any]] | None:
        statuses = [s for s in await platform.status() if s["projection"] in ("register", "member_history")]
        return statuses if all(s["state"] == "parked" for s in statuses) else None

    for status in await eventually(both_parked, "membership's own projections park the unknown event"):
        assert status["failure"]["event"] == unknown and "FromTheFuture" in status["failure"]["topic"]
        assert status["position"] == unknown - 1
    # The other services follow the same log as published JSON: they are not stopped by it.
    await platform.wait_for("assessment", later.notification_id, ["member_directory"])
    await platform.wait_for("training", later.notification_id, ["register_copy"])
