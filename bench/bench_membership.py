"""Membership benchmarks (run by hand; each figure is a ratio against a baseline run in the same
invocation, because absolute times drift on a shared 2-core machine).

    .venv/bin/python bench/bench_membership.py [commands|rebuild|queries|all]

Uses `DATABASE_URL` (default: the local PostgreSQL at 127.0.0.1:5432) and creates a scratch
database `coorace_bench` there. `queries` needs `wrk` (Debian package `wrk`).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path
from uuid import uuid4

import asyncpg
import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: `bench.scratch`

from bench.scratch import SERVER, scratch_database  # noqa: E402
from services.bootstrap import build_platform  # noqa: E402
from services.membership.application import MembershipApplication  # noqa: E402
from services.membership.domain.member import Member  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402
from shared.events import command_context  # noqa: E402
from shared.eventstore import IdempotencyClaim, idempotency_claim  # noqa: E402
from shared.personal import PersonalDetails  # noqa: E402
from shared.projection import catch_up, rebuild_together  # noqa: E402

BENCH_DB = "coorace_bench"


def siret(n: int) -> str:
    body = f"{n:013d}"
    for check in "0123456789":
        digits = [int(d) for d in reversed(body + check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return body + check
    raise AssertionError


# --- commands -----------------------------------------------------------------------------------


class Dog(Aggregate):
    @event("Registered")
    def __init__(self, name: str) -> None:
        self.name = name


def bare_library_rate(database: DatabaseAddress, n: int, extra_env: dict[str, str]) -> float:
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database.dbname,
        "POSTGRES_HOST": database.host,
        "POSTGRES_PORT": str(database.port),
        "POSTGRES_USER": database.user,
        "POSTGRES_PASSWORD": database.password,
        "POSTGRES_SCHEMA": "bare_" + uuid4().hex[:6],
        **extra_env,
    }
    with psycopg.connect(database.url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {env['POSTGRES_SCHEMA']}")
    app = Application(env=env)
    for i in range(50):  # warm-up
        app.save(Dog(name=f"warm {i}"))
    started = time.perf_counter()
    for i in range(n):
        app.save(Dog(name=f"dog {i}"))
    rate = n / (time.perf_counter() - started)
    app.close()
    return rate


def our_register_rate(app: MembershipApplication, n: int, offset: int) -> float:
    def register(i: int) -> None:
        claim = IdempotencyClaim(scope="user:bench", key=f"k-{offset + i}", fingerprint="f", status_code=201)
        with command_context(actor_id="bench", actor_role="national_staff", tenant_id=None), idempotency_claim(claim):
            app.register_member(
                name=f"Association {offset + i}",
                siret=siret(offset + i),
                forms=("AI",),
                region="BRE",
                joined_on=date(2010, 1, 1),
                contact=PersonalDetails(name="C", email=f"c{i}@x.fr", phone="0102030405"),
                city="Brest",
            )

    for i in range(50):
        register(i)
    started = time.perf_counter()
    for i in range(50, 50 + n):
        register(i)
    return n / (time.perf_counter() - started)


async def bench_commands(n: int = 2000) -> None:
    database = scratch_database(BENCH_DB)
    platform = build_platform(["membership"], settings=load_settings(), database=database)
    await platform.start()
    app = platform.application("membership")
    assert isinstance(app, MembershipApplication)
    app.establish_regions()
    print(f"commands: {n} saves each, single writer, binary psycopg ({psycopg.pq.__impl__})")
    bare = await asyncio.to_thread(bare_library_rate, database, n, {})
    ours = await asyncio.to_thread(our_register_rate, app, n, 1_000_000)
    pooled = await asyncio.to_thread(
        bare_library_rate, database, n, {"POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "0"}
    )
    functions = await asyncio.to_thread(bare_library_rate, database, n, {"POSTGRES_ENABLE_DB_FUNCTIONS": "y"})
    pure_python = float(
        subprocess.run(
            [sys.executable, __file__, "bare-rate", str(n)],
            env={**os.environ, "PSYCOPG_IMPL": "python", "DATABASE_URL": database.url()},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    print(f"  bare library, locked (safe) path, one event per save:  {bare:8.0f} saves/s  (baseline)")
    print(
        f"  bare library, pure-Python psycopg:                     {pure_python:8.0f} saves/s  "
        f"(x{pure_python / bare:.2f})"
    )
    print(f"  bare library, pool of 2 connections:                   {pooled:8.0f} saves/s  (x{pooled / bare:.2f})")
    print(
        f"  bare library, POSTGRES_ENABLE_DB_FUNCTIONS (unsafe):   {functions:8.0f} saves/s  (x{functions / bare:.2f})"
    )
    print("  register_member (member + SIRET index + metadata + idempotency record):")
    print(f"{'':57s}{ours:8.0f} commands/s (x{ours / bare:.2f} of baseline, goal >= 0.5)")
    await platform.stop()


# --- rebuild ------------------------------------------------------------------------------------


def seed_events(app: MembershipApplication, target: int) -> int:
    """Members with five events each, saved a hundred members per transaction."""
    members_needed = target // 5
    with command_context(actor_id="bench", actor_role="national_staff", tenant_id=None):
        for start in range(0, members_needed, 100):
            batch = []
            for i in range(start, min(start + 100, members_needed)):
                m = Member(
                    name=f"Association {i}",
                    siret=siret(i),
                    forms=("AI", "ETTI") if i % 7 == 0 else ("ACI",),
                    region=("BRE", "NPC", "IDF", "PAC", "RAL")[i % 5],
                    joined_on=date(2005, 1, 1),
                    contact=PersonalDetails(name="C", email=f"c{i}@x.fr", phone="0102030405"),
                    city="Ville",
                )
                m.join_accord_groupe(date(2012, 1, 1))
                m.call_dues(2015, 500, date(2015, 1, 15))
                m.pay_dues(2015, 500, date(2015, 3, 1))
                if i % 3 == 0:
                    m.move_to_region("AQU", date(2016, 1, 1), "déménagement")
                else:
                    m.change_forms(("AI",), date(2014, 1, 1), "correction")
                batch.append(m)
            app.save(*batch)
    return app.recorder.max_notification_id()


async def bench_rebuild_async(target: int) -> None:
    database = scratch_database(BENCH_DB)
    platform = build_platform(["membership"], settings=load_settings(), database=database)
    await platform.start()
    app = platform.application("membership")
    assert isinstance(app, MembershipApplication)
    app.establish_regions()
    started = time.perf_counter()
    events = await asyncio.to_thread(seed_events, app, target)
    print(f"rebuild: {events} membership events written in {time.perf_counter() - started:.1f} s")
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        raw_started = time.perf_counter()
        rows = await conn.fetch(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM membership.membership_events ORDER BY notification_id"
        )
        raw = len(rows) / (time.perf_counter() - raw_started)
        from shared.projection import decode

        decode_started = time.perf_counter()
        for row in rows:
            decode(row)
        decoding = len(rows) / (time.perf_counter() - decode_started)
    print(
        f"  baseline: asyncpg reads {raw:,.0f} events/s; decoding them (msgspec transcoder + mapper) "
        f"{decoding:,.0f} events/s"
    )
    async with platform.write_pool.acquire() as conn:  # the live read models, caught up as in production
        for store, projection in platform.projections["membership"]:
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])
    store = platform.projections["membership"][0][0]
    projections = [p for _, p in platform.projections["membership"]]
    replayed_at = [0.0]

    def on_batch(_: int) -> None:
        replayed_at[0] = time.perf_counter()

    cpu_started = time.process_time()
    started = time.perf_counter()
    reports = await rebuild_together(platform.write_pool, store, projections, verify_only=True, progress=on_batch)
    elapsed = time.perf_counter() - started
    replay = replayed_at[0] - started
    print(f"  (this process's CPU time during the rebuild: {time.process_time() - cpu_started:.2f} s)")
    for report in reports:
        print(f"  {report.projection}: {report.events} events, {len(report.differences)} differences")
    print(
        f"  replay into new generations of all membership read models: {replay:.2f} s = "
        f"{events / replay:,.0f} events/s (goal >= 20,000/s)"
    )
    print(
        f"  rebuild --verify of all membership read models ({', '.join(p.name for p in projections)}): "
        f"{events} events in {elapsed:.2f} s = {events / elapsed:,.0f} events/s with the comparison "
        "(row counts and checksums per tenant) included"
    )
    await platform.stop()


# --- queries ------------------------------------------------------------------------------------

BARE_APP = textwrap.dedent("""
    import os, asyncpg
    from litestar import Litestar, get
    pool = None
    async def start() -> None:
        global pool
        pool = await asyncpg.create_pool(os.environ["BENCH_DSN"], min_size=8, max_size=32)
    @get("/members/{member_id:str}", sync_to_thread=False)
    async def member(member_id: str) -> dict:
        row = await pool.fetchrow("SELECT * FROM membership.member_states WHERE member_id = $1 "
                                  "AND effective_from <= current_date AND current_date < effective_to", member_id)
        return dict(row)
    app = Litestar([member], on_startup=[start])
""")

WRK_SCRIPT = textwrap.dedent("""
    local ids = {}
    for line in io.lines("%s") do ids[#ids + 1] = line end
    request = function()
      return wrk.format("GET", "%s" .. ids[math.random(#ids)], {["Authorization"] = "Bearer %s"})
    end
""")


def wrk(url_prefix: str, ids_file: Path, token: str, port: int) -> tuple[float, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT % (ids_file, url_prefix, token))
    out = subprocess.run(
        ["wrk", "-t2", "-c64", "-d10s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(p99.group(1)), p99.group(2)
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses:\n{out}")
    return rps, p99_ms


def serve(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            import urllib.request

            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health" if "coorace" in cmd[0] else f"http://127.0.0.1:{port}/schema",
                timeout=1,
            )
            return proc
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server {cmd} did not start")


def bench_queries() -> None:
    database = scratch_database(BENCH_DB)
    env = {
        **os.environ,
        "DATABASE_URL": database.url(),
        "COORACE_LOG_FORMAT": "json",
        "COORACE_LOG_LEVEL": "info",
        "COORACE_DATA_DIR": tempfile.mkdtemp(),
    }
    subprocess.run(
        [sys.executable, "-m", "services.cli", "demo", "seed"], env=env, check=True, stderr=subprocess.DEVNULL
    )
    ids = asyncio.run(_member_ids(database))
    ids_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    ids_file.write_text("\n".join(ids) + "\n")
    token = subprocess.run(
        [sys.executable, "-m", "services.cli", "token", "--role", "national_staff"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    bare = serve(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench_bare_app:app",
            "--port",
            "8101",
            "--log-level",
            "error",
            "--no-access-log",
        ],
        {**env, "BENCH_DSN": database.url(), "PYTHONPATH": _bare_app_dir()},
        8101,
    )
    try:
        bare_rps, bare_p99 = wrk("/members/", ids_file, token, 8101)
    finally:
        bare.terminate()
    ours = serve([sys.executable, "-m", "services.cli", "serve", "--port", "8102", "--no-projections"], env, 8102)
    try:
        our_rps, our_p99 = wrk("/api/membership/members/", ids_file, token, 8102)
    finally:
        ours.terminate()
    print("queries: GET a member by id, 64 connections, 10 s, wrk")
    print(f"  bare Litestar + asyncpg primary-key route:      {bare_rps:8.0f} req/s, p99 {bare_p99:6.1f} ms (baseline)")
    print(
        f"  GET /api/membership/members/{{id}} (JWT, RLS, logs): {our_rps:8.0f} req/s, p99 {our_p99:6.1f} ms "
        f"(x{our_rps / bare_rps:.2f}; goal >= 0.5 and p99 < 50 ms)"
    )


def _bare_app_dir() -> str:
    folder = tempfile.mkdtemp()
    Path(folder, "bench_bare_app.py").write_text(BARE_APP)
    return folder


async def _member_ids(database: DatabaseAddress) -> list[str]:
    conn = await asyncpg.connect(database.url())
    try:
        return [r["member_id"] for r in await conn.fetch("SELECT DISTINCT member_id FROM membership.member_states")]
    finally:
        await conn.close()


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what == "bare-rate":  # a child process, with another psycopg implementation
        print(bare_library_rate(SERVER, int(sys.argv[2]), {}))
        sys.exit(0)
    if what in ("commands", "all"):
        asyncio.run(bench_commands())
    if what in ("rebuild", "all"):
        asyncio.run(bench_rebuild_async(100_000))
    if what in ("queries", "all"):
        bench_queries()
