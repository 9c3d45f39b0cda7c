"""The register's reads as of a date, on a ~150,000-event membership log (run by hand).

    .venv/bin/python bench/bench_register_as_of.py [--events 150000] [--requests 200]

Uses `DATABASE_URL` (default: the local PostgreSQL at 127.0.0.1:5432) and creates a scratch
database `coorace_bench_register_as_of` there (`BENCH_DB` names another: to measure an older
version of the code beside this one, each on a log built by its own projection). It writes the
log (members with five events each: registration, Accord Groupe, dues called and paid, then a
move or a correction of forms recorded later with an earlier date; one in ten with a collective
certificate, some lost; a few changes dated in the future), brings the read models up to date,
then sends each read through the real HTTP app (in process) and prints p50 / p99 of each, one at
a time and six at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from litestar.testing import AsyncTestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: `bench.scratch`

from bench.scratch import SERVER, scratch_database  # noqa: E402
from services.bootstrap import build_platform  # noqa: E402
from services.membership import queries  # noqa: E402
from services.membership.application import MembershipApplication  # noqa: E402
from services.membership.domain.member import Certification, Member  # noqa: E402
from shared.app_factory import create_app  # noqa: E402
from shared.auth import TokenService  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402
from shared.events import command_context  # noqa: E402
from shared.personal import PersonalDetails  # noqa: E402
from shared.projection import catch_up  # noqa: E402
from shared.tenancy import ReadScope, scoped_connection  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB", "coorace_bench_register_as_of")  # another name: compare two versions
REGIONS = ("BRE", "NPC", "IDF", "PAC", "RAL", "AQU", "PDL", "MPY")


def siret(n: int) -> str:
    body = f"{n:013d}"
    for check in "0123456789":
        digits = [int(d) for d in reversed(body + check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return body + check
    raise ValueError(n)


def seed(app: MembershipApplication, target: int) -> int:
    members = target // 5
    future = date.today() + timedelta(days=90)
    with command_context(actor_id="bench", actor_role="national_staff", tenant_id=None):
        for start in range(0, members, 200):
            batch = []
            for i in range(start, min(start + 200, members)):
                m = Member(
                    name=f"Structure {i:06d}",
                    siret=siret(i),
                    forms=("AI", "ETTI") if i % 7 == 0 else ("ACI",),
                    region=REGIONS[i % len(REGIONS)],
                    joined_on=date(1998 + i % 14, 1 + i % 12, 1),  # before every dated change below
                    contact=PersonalDetails(name="Contact", email=f"c{i}@x.fr", phone="0102030405"),
                    city="Ville",
                )
                m.join_accord_groupe(date(2012, 1, 1))
                if i % 10 == 0:
                    m.certify(Certification("CEDRE", "collective", date(2014, 6, 1), date(2030, 6, 1), f"G{i // 30}"))
                else:
                    m.call_dues(2015, 500, date(2015, 1, 15))
                if i % 30 == 0:
                    m.lose_certification(date(2016, 3, 1), "audit")
                elif i % 10 == 0:
                    m.call_dues(2016, 400, date(2016, 1, 15))
                else:
                    m.pay_dues(2015, 500, date(2015, 3, 1))
                if i % 3 == 0:
                    m.move_to_region("AQU" if m.region != "AQU" else "BRE", date(2016, 1, 1), "déménagement")
                elif i % 50 == 1:
                    m.resign(future, "dissolution votée")
                else:
                    m.change_forms(("AI",), date(2014, 1, 1), "correction")  # recorded late, dated earlier
                batch.append(m)
            app.save(*batch)
    return app.recorder.max_notification_id()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def measure(client: AsyncTestClient, url: str, params: dict, headers: dict, n: int, concurrency: int) -> str:
    """p50 / p99 of `n` requests, `concurrency` at a time. With `cold` in `params` (a moment), each
    request asks for the register as known at another moment after it: a read no earlier request
    made, computed every time (the answers kept per read-model position cannot serve it)."""
    samples: list[float] = []
    cold = params.get("cold", False)

    async def worker(count: int) -> None:
        for _ in range(count):
            query = {k: v for k, v in params.items() if k != "cold"}
            if cold:
                moment = datetime.fromisoformat(cold) + timedelta(microseconds=next(_fresh_moments))
                query.update(as_of="2016-12-31", known_at=moment.isoformat())
            started = time.perf_counter()
            response = await client.get(url, params=query, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} {query}: {response.status_code} {response.text}")

    await asyncio.gather(*(worker(n // concurrency) for _ in range(concurrency)))
    p50, p99 = percentiles(samples)
    return f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"


_fresh_moments = iter(range(10**9))  # one new moment per cold request


async def build_log(database: DatabaseAddress, events: int) -> None:
    """Write the log and bring the read models up to date."""
    platform = build_platform(["membership"], settings=load_settings(), database=database)
    await platform.start()
    membership = platform.application("membership")
    assert isinstance(membership, MembershipApplication)
    membership.establish_regions()
    started = time.perf_counter()
    written = await asyncio.to_thread(seed, membership, events)
    print(f"log: {written} membership events written in {time.perf_counter() - started:.0f} s")
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections["membership"]:
            started = time.perf_counter()
            live = await store.live(conn, projection)
            applied = await catch_up(conn, store, projection, live["generation"])
            elapsed = time.perf_counter() - started
            print(
                f"  projection {projection.name}: {applied} events in {elapsed:.1f} s "
                f"({applied / elapsed:,.0f} events/s, live batches of 1,000)"
            )
        rows = await conn.fetchval("SELECT count(*) FROM membership.member_states")
        past = await conn.fetchval("SELECT count(*) FROM membership.member_states_past")
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that lets
        # counts be index-only scans.
        await conn.execute("VACUUM ANALYZE")
    print(f"  member_states: {rows} rows (current knowledge), member_states_past: {past} rows")
    await platform.stop()


async def _halfway(database: DatabaseAddress) -> str:
    with psycopg.connect(database.url()) as conn:
        query = "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY recorded_from) FROM membership.member_states"
        return conn.execute(query).fetchone()[0].isoformat()


async def main(events: int, requests: int, reuse: bool, queries_only: bool) -> None:
    database = SERVER.with_dbname(BENCH_DB)
    if not reuse:
        await build_log(scratch_database(BENCH_DB), events)
    settings = load_settings()
    platform = build_platform(["membership"], settings=settings, database=database)
    async with AsyncTestClient(create_app(platform, run_projections=False)) as client:
        staff = {"Authorization": "Bearer " + TokenService(settings).issue(role="national_staff")}
        some_member = (await client.get("/api/membership/members", params={"limit": 1}, headers=staff)).json()
        member_id = some_member["items"][0]["member_id"]
        delegate = {"Authorization": "Bearer " + TokenService(settings).issue(role="regional_delegate", region="BRE")}
        known_at = await _halfway(database)  # half the members recorded by then
        cold = {"cold": known_at}
        reads = [
            ("baseline: GET /health (no query)", "/health", {}, staff),
            ("list, computed each time", "/api/membership/members", cold, staff),
            ("network dashboard, computed each time", "/api/membership/network/dashboard", cold, staff),
            ("region dashboard, computed each time", "/api/membership/regions/BRE/dashboard", cold, delegate),
            ("list, as_of 2016-12-31", "/api/membership/members", {"as_of": "2016-12-31"}, staff),
            ("list, live (as of today)", "/api/membership/members", {}, staff),
            ("list, as_of + known_at", "/api/membership/members", {"as_of": "2016-12-31", "known_at": known_at}, staff),
            ("list, name search, as_of", "/api/membership/members", {"as_of": "2016-12-31", "name": "0123"}, staff),
            ("list, region delegate, as_of", "/api/membership/members", {"as_of": "2016-12-31"}, delegate),
            ("record, as_of", f"/api/membership/members/{member_id}", {"as_of": "2016-12-31"}, staff),
            (
                "record, as_of + known_at",
                f"/api/membership/members/{member_id}",
                {"as_of": "2016-12-31", "known_at": known_at},
                staff,
            ),
            ("network dashboard, as_of", "/api/membership/network/dashboard", {"as_of": "2016-12-31"}, staff),
            ("network dashboard, live", "/api/membership/network/dashboard", {}, staff),
            (
                "network dashboard, as_of + known_at",
                "/api/membership/network/dashboard",
                {"as_of": "2016-12-31", "known_at": known_at},
                staff,
            ),
            ("region dashboard, as_of", "/api/membership/regions/BRE/dashboard", {"as_of": "2016-12-31"}, delegate),
            (
                "region dashboard, as_of + known_at",
                "/api/membership/regions/BRE/dashboard",
                {"as_of": "2016-12-31", "known_at": known_at},
                delegate,
            ),
        ]
        print(f"reads through the HTTP app, {requests} requests each (after 10 to warm up):")
        for label, url, params, headers in reads if not queries_only else []:
            await measure(client, url, params, headers, 12, 6)
            one = await measure(client, url, params, headers, requests, 1)
            six = await measure(client, url, params, headers, requests, 6)
            print(f"  {label:38s} one at a time: {one}   6 at once: {six}")
    # The app's pools live on the test client's event loop: the direct calls get a platform of their own.
    direct = build_platform(["membership"], settings=settings, database=database)
    await direct.start()
    try:
        await measure_queries(direct, requests, known_at)
    finally:
        await direct.stop()


async def measure_queries(platform: Any, requests: int, known_at: str) -> None:
    """The queries themselves, called directly: no HTTP, no answers kept, computed every time."""
    pool = platform.read_pool
    day, moment = date(2016, 12, 31), datetime.fromisoformat(known_at)
    network, delegate = ReadScope.network(), ReadScope.of_region("BRE")

    async with scoped_connection(pool, network) as conn:
        member = await conn.fetchval("SELECT min(member_id) FROM membership.member_states")
    own = ReadScope.of_tenants([member])

    async def page(on_moment: datetime | None, scope: ReadScope = network) -> Any:
        async with scoped_connection(pool, scope) as conn:
            return await queries.list_members(
                conn,
                scope=scope,
                on=day,
                known_at=on_moment,
                region=None,
                form=None,
                status=None,
                certification=None,
                name=None,
                limit=50,
                offset=0,
            )

    calls = [
        ("list, as_of", lambda: page(None)),
        ("list, as_of + known_at", lambda: page(moment)),
        ("list, a member's own, as_of", lambda: page(None, own)),
        ("list, a member's own, as_of + known_at", lambda: page(moment, own)),
        ("network dashboard, as_of", lambda: queries.network_dashboard(pool, day, None)),
        ("network dashboard, as_of + known_at", lambda: queries.network_dashboard(pool, day, moment)),
        ("region dashboard, as_of", lambda: queries.region_dashboard(pool, delegate, "BRE", day, None)),
        ("region dashboard, as_of + known_at", lambda: queries.region_dashboard(pool, delegate, "BRE", day, moment)),
    ]
    print(f"the queries alone, computed every time (no HTTP, no answers kept), {requests} calls each:")
    for label, call in calls:
        results = []
        for concurrency in (1, 6):
            samples: list[float] = []

            async def worker(count: int, call: Any = call, samples: list[float] = samples) -> None:
                for _ in range(count):
                    started = time.perf_counter()
                    await call()
                    samples.append((time.perf_counter() - started) * 1000)

            await asyncio.gather(*(worker(requests // concurrency) for _ in range(concurrency)))
            p50, p99 = percentiles(samples)
            results.append(f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")
        print(f"  {label:38s} one at a time: {results[0]}   6 at once: {results[1]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=150_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="read the log and read models of the last run")
    parser.add_argument("--queries-only", action="store_true", help="skip the HTTP reads")
    arguments = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main(arguments.events, arguments.requests, arguments.reuse, arguments.queries_only))
