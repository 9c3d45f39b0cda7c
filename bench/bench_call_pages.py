"""National staff's call pages under load (issue 11): a call of 5,000 applications, 32 signed-in
staff members at once walking its pages, every page at p99 <= 100 ms of server time.

    .venv/bin/python bench/bench_call_pages.py [--clients 32] [--rounds 20] [--reuse] [--budget-ms 100]
        [--only REGEX] [--workers 1]

Uses `DATABASE_URL` (default: the local PostgreSQL at 127.0.0.1:5432) and a scratch database
`coorace_bench_call_pages` there (`--reuse` keeps the last run's). The call is seeded through the
training service's application and aggregates as `bench/bench_training.py` seeds its dashboard's
call (`a_call_of`: 5,000 applications in mixed states, 2 in 20 awaiting their review, every one
scored), then projected. The real server runs in its own process (`coorace serve`), so that the
clients' work never counts as the server's; each client carries a bearer token of a national staff
member (bench_portal.py measures the session's cost). For each page it prints the answers' count
and the p50 / p95 / p99 of the server's time, read from the `Server-Timing` header, and the
client's p99 beside it. Exits 1 when a page's p99 is above the budget or a page fails to answer 200.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: `bench.*`

from bench.bench_portal import (  # noqa: E402
    COORACE,
    SERVER_TIMING,
    Samples,
    free_port,
    percentile,
    server_environment,
    wait_until_ready,
)
from bench.scratch import SERVER, scratch_database  # noqa: E402
from shared.auth import TokenService  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402

BENCH_DB = "coorace_bench_call_pages"
BUDGET_MS = 100.0
APPLICATIONS = 5000
YEAR = 2040
# The pages a staff member walks on the call ({call} is its id), with what a person would ask of them.
PAGES = [
    "/fms/appels",
    "/fms/appels/{call}",
    "/fms/appels/{call}/enveloppe",
    "/fms/appels/{call}/candidatures",
    "/fms/appels/{call}/candidatures?apres={middle}",
    "/fms/appels/{call}/candidatures?region=BRE&notee=oui&decision=award",
    "/fms/appels/{call}/simulation",
    "/fms/appels/{call}/simulation?enveloppe=1500000&seuil=50&page=10",
    "/fms/appels/{call}/modification",
    "/fms/appels/nouveau",
]


async def seed(database: DatabaseAddress) -> str:
    """The call of 5,000 applications, written and projected; its id. (The platform is started
    first: starting makes the services' schemas.)"""
    from bench.bench_training import a_call_of, catch_up_service
    from services.bootstrap import build_platform
    from services.training.application import TrainingApplication

    platform = build_platform(settings=load_settings(server_environment(database.url())), database=database)
    await platform.start()
    try:
        training = platform.application("training")
        assert isinstance(training, TrainingApplication)
        started = time.perf_counter()
        call_id = a_call_of(training, APPLICATIONS, YEAR)
        written = time.perf_counter() - started
        projected = await catch_up_service(platform, "training")
    finally:
        await platform.stop()
    with psycopg.connect(database.url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"a call of {APPLICATIONS:,} applications written in {written:.0f} s, projected in {projected:.0f} s")
    return str(call_id)


def existing_call(database: DatabaseAddress) -> str:
    with psycopg.connect(database.url()) as conn:
        row = conn.execute("SELECT call_id FROM training.calls WHERE year = %s", (YEAR,)).fetchone()
    if row is None:
        raise SystemExit("no call to reuse: run without --reuse")
    return str(row[0])


async def walk(
    client: httpx.AsyncClient, urls: list[tuple[str, str]], rounds: int, samples: dict[str, Samples]
) -> None:
    for _ in range(rounds):
        for label, url in urls:
            started = time.perf_counter()
            answer = await client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{url}: {answer.status_code} {answer.text[:300]}")
            timing = SERVER_TIMING.search(answer.headers.get("server-timing", ""))
            if timing is None:
                raise SystemExit(f"{url}: no Server-Timing app;dur= header in the answer")
            samples[label].server_ms.append(float(timing.group(1)))
            samples[label].client_ms.append(elapsed)


async def measure(base_url: str, call_id: str, tokens: TokenService, clients: int, rounds: int, budget: float) -> bool:
    with psycopg.connect(SERVER.with_dbname(BENCH_DB).url()) as conn:
        # The application half-way down the list: its next page is the 51st of 100.
        middle = conn.execute(
            "SELECT application_id FROM training.applications WHERE call_id = %s AND role = 'lead' "
            "ORDER BY title, application_id OFFSET %s LIMIT 1",
            (call_id, APPLICATIONS // 2),
        ).fetchone()
    urls = [(page, page.format(call=call_id, middle=middle[0] if middle else "")) for page in PAGES]
    people = [
        httpx.AsyncClient(
            base_url=base_url,
            timeout=60.0,
            headers={"Authorization": "Bearer " + tokens.issue(role="national_staff", subject=f"bench-staff-{i}")},
        )
        for i in range(clients)
    ]
    try:
        warm_up: dict[str, Samples] = defaultdict(lambda: Samples([], []))
        await asyncio.gather(*(walk(c, urls, 1, warm_up) for c in people))
        samples: dict[str, Samples] = defaultdict(lambda: Samples([], []))
        started = time.perf_counter()
        await asyncio.gather(*(walk(c, urls, rounds, samples) for c in people))
        elapsed = time.perf_counter() - started
    finally:
        for client in people:
            await client.aclose()
    total = sum(len(s.server_ms) for s in samples.values())
    print(
        f"{clients} staff members at once, {rounds} rounds each: {total} pages in {elapsed:.1f} s "
        f"({total / elapsed:.0f}/s)"
    )
    print(f"  {'page':68s} {'count':>6s}  server p50    p95    p99 ms   client p99 ms")
    within = True
    for page in PAGES:
        s = samples[page]
        p99 = percentile(s.server_ms, 0.99)
        verdict = "" if p99 <= budget else f"  OVER {budget:g} ms"
        within = within and p99 <= budget
        print(
            f"  {page:68s} {len(s.server_ms):6d}  {percentile(s.server_ms, 0.5):10.1f} "
            f"{percentile(s.server_ms, 0.95):6.1f} {p99:6.1f}    {percentile(s.client_ms, 0.99):10.1f}{verdict}"
        )
    return within


async def main(clients: int, rounds: int, reuse: bool, budget: float, workers: int) -> int:
    database = SERVER.with_dbname(BENCH_DB)
    if reuse:
        call_id = existing_call(database)
    else:
        scratch_database(BENCH_DB)
        call_id = await seed(database)
    environment = server_environment(database.url())
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [str(COORACE), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=environment)
    try:
        await wait_until_ready(base_url, server)
        tokens = TokenService(load_settings(environment))
        within = await measure(base_url, call_id, tokens, clients, rounds, budget)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("every page within budget" if within else f"FAILED: a page's p99 is above {budget:g} ms")
    return 0 if within else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="staff members signed in at once")
    parser.add_argument("--rounds", type=int, default=20, help="walks of the page list per person")
    parser.add_argument("--reuse", action="store_true", help="keep the call seeded by the last run")
    parser.add_argument("--only", default="", help="measure only the pages whose path matches this regex")
    parser.add_argument("--budget-ms", type=float, default=BUDGET_MS, help="the p99 each page must keep within")
    parser.add_argument("--workers", type=int, default=1, help="the server's processes (coorace serve --workers)")
    args = parser.parse_args()
    if args.only:
        PAGES[:] = [page for page in PAGES if re.search(args.only, page)]
    sys.exit(asyncio.run(main(args.clients, args.rounds, args.reuse, args.budget_ms, args.workers)))
