"""Live runner benchmark (run by hand): catching up every projection of the membership log,
one read and decode per log (the runner) against one read and decode per projection (`catch_up`
for each, as the runner did before). Same events, same starting point (two copies of one seeded
database), in the same invocation: the ratio is the figure, absolute times drift on a shared machine.

    .venv/bin/python bench/bench_projection_runner.py [EVENTS]

Uses `DATABASE_URL` (default: the local PostgreSQL at 127.0.0.1:5432) and scratch databases
`coorace_bench_projections_a` and `_b` there.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_membership import seed_events  # noqa: E402

import shared.projection.log as projection_log  # noqa: E402
from services.bootstrap import build_platform  # noqa: E402
from services.membership.application import MembershipApplication  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402
from shared.platform import Platform  # noqa: E402
from shared.projection import ProjectionRunner, catch_up  # noqa: E402

SERVER = DatabaseAddress.from_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
NAMES = ("coorace_bench_projections_a", "coorace_bench_projections_b")


async def admin(*statements: str) -> None:
    conn = await asyncpg.connect(SERVER.url())
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def count_decodes() -> dict[str, int]:
    counts = {"decode": 0, "decode_foreign": 0}
    for name in counts:
        real = getattr(projection_log, name)

        def counted(row: asyncpg.Record, real=real, name=name):  # noqa: ANN001, ANN202
            counts[name] += 1
            return real(row)

        setattr(projection_log, name, counted)
    return counts


def membership_followers(platform: Platform) -> list:
    return [
        pair for pairs in platform.projections.values() for pair in pairs if pair[1].source.table == "membership_events"
    ]


async def main(target: int) -> None:
    a, b = (SERVER.with_dbname(n) for n in NAMES)
    await admin(*(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in NAMES), f"CREATE DATABASE {NAMES[0]}")
    platform = build_platform(settings=load_settings(), database=a)
    await platform.start()
    app = platform.application("membership")
    assert isinstance(app, MembershipApplication)
    app.establish_regions()
    events = await asyncio.to_thread(seed_events, app, target)
    await platform.stop()
    await admin(f"CREATE DATABASE {NAMES[1]} TEMPLATE {NAMES[0]}")
    counts = count_decodes()
    print(f"{events} membership events; followers of the membership log: ", end="")

    platform = build_platform(settings=load_settings(), database=a)
    await platform.start()
    followers = membership_followers(platform)
    print(", ".join(p.name for _, p in followers))
    started = time.perf_counter()
    async with platform.write_pool.acquire() as conn:
        for store, projection in followers:
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])
    per_projection = time.perf_counter() - started
    decoded_before = dict(counts)
    await platform.stop()

    counts.update(decode=0, decode_foreign=0)
    platform = build_platform(settings=load_settings(), database=b)
    await platform.start()
    runner = ProjectionRunner(platform.write_pool, lambda: asyncpg.connect(b.url()), membership_followers(platform))
    started = time.perf_counter()
    while await runner.run_once():
        pass
    shared_reads = time.perf_counter() - started
    await platform.stop()

    print(f"  one read and decode per projection: {per_projection:.2f} s, decodes {decoded_before}")
    print(f"  one read and decode per log (runner): {shared_reads:.2f} s, decodes {counts}")
    print(f"  ratio: {per_projection / shared_reads:.2f}x")
    await admin(*(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in NAMES))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000))
