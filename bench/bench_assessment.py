"""Le Cap's speed figures (issue 3): the progress plan of a 1,000-event assessment read from
PostgreSQL and rebuilt, the pure plan function, the as-of replay, and rebuilding every assessment
projection for 500 members x 200 events.

Run by hand from the repo root (uses DATABASE_URL, else the local PostgreSQL at 127.0.0.1:5432;
creates and drops a scratch database):  .venv/bin/python bench/bench_assessment.py [MEMBERS] [EVENTS_PER_MEMBER]
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402

from services.assessment.application import AssessmentApplication  # noqa: E402
from services.assessment.domain.assessment import Assessment, Respondent, Reviewer  # noqa: E402
from services.assessment.domain.plan import plan_of, progress_plan  # noqa: E402
from services.assessment.domain.positioning import positioning_of  # noqa: E402
from services.assessment.domain.referential import Referential, load_document  # noqa: E402
from services.assessment.domain.replay import Moment, sheet_as_of  # noqa: E402
from services.bootstrap import build_platform  # noqa: E402
from shared.as_of import PARIS  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402
from shared.projection import (  # noqa: E402
    REBUILD_BATCH_SIZE,
    catch_up,
    decode,
    ensure_live_generation,
    rebuild_together,
)

REFERENTIAL = Referential.parse(load_document())
CODES = list(REFERENTIAL.indicators)
PEOPLE = ("direction", "accompagnement", "benevole")
DELEGATE = Reviewer(subject="delegue", roles=frozenset({"regional_delegate"}), tenant=None)


def assessment_with(events: int, seed: int) -> Assessment:
    """An assessment with about `events` events: collective answers (with changes of mind), settled
    divergences, submission, a review with proposals decided, validation, then plan follow-up."""
    rng = random.Random(seed)
    clock = datetime(2016, 3, 1, tzinfo=UTC)

    def at() -> datetime:
        nonlocal clock
        clock += timedelta(minutes=5)
        return clock

    a = Assessment.start(
        tenant_id=f"member-{seed}",
        region="RAL",
        forms=("AI",),
        scope="member",
        referential=REFERENTIAL,
        previous=None,
        started_on=date(2016, 3, 1),
        at=at(),
    )
    for person in PEOPLE:
        a.invite(participant_id=person, name=person, kind="staff", sub_themes=(), referential=REFERENTIAL, at=at())
    answering = max(events - 40 - len(CODES) // 2, len(CODES))
    level_of = {code: rng.randint(1, 4) for code in CODES}
    i = 0
    while a.version < answering or i < len(CODES):
        code = CODES[i % len(CODES)]
        level = level_of[code] if rng.random() < 0.7 else rng.randint(1, 4)
        a.answer(
            indicator=code,
            participant_id=PEOPLE[i % 3],
            level=level,
            comment="",
            practice="in_place",
            improve=rng.random() < 0.1,
            revisit=False,
            referential=REFERENTIAL,
            at=at(),
            respondent=Respondent(subject=PEOPLE[i % 3], admin=False),
        )
        i += 1
    for code, given in sorted(a.sheet.answers.items()):
        if len({x.level for x in given.values()}) > 1:
            a.settle(
                indicator=code,
                level=level_of[code],
                practice="in_place",
                improve=False,
                comment="",
                referential=REFERENTIAL,
                at=at(),
            )
    a.submit(referential=REFERENTIAL, at=at())
    request = a.request_review(
        kind="third_party", reviewer_id="delegue", reviewer_role="regional_delegate", reviewer_tenant=None, at=at()
    )
    proposals = []
    for code in rng.sample(CODES, 6):
        level = a.sheet.self_view[code] % 4 + 1
        proposals.append(
            a.comment(
                request_id=request,
                reviewer=DELEGATE,
                indicator=code,
                comment="vu",
                proposed_level=level,
                reason="sur pièces",
                referential=REFERENTIAL,
                at=at(),
            )
        )
    a.complete_review(request_id=request, reviewer=DELEGATE, summary="", at=at())
    for n, proposal in enumerate(p for p in proposals if p):
        if n % 3:
            a.accept_proposal(proposal_id=proposal, at=at())
        else:
            a.reject_proposal(proposal_id=proposal, reason="non", at=at())
    a.validate(at=at())
    actions = [x.indicator for x in plan_of(a.sheet, REFERENTIAL).actions]
    for code in actions[:3]:
        a.adopt_action(indicator=code, referential=REFERENTIAL, at=at())
    k = 0
    while a.version < events and actions:  # rescheduling, as teams do over the year
        a.schedule_action(
            indicator=actions[k % min(3, len(actions))],
            owner="Directrice",
            due_on=date(2016, 6, 1) + timedelta(days=k),
            referential=REFERENTIAL,
            at=at(),
        )
        k += 1
    return a


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds of `runs` calls, and the last result."""
    samples, result = [], None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


async def atimed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def line(what: str, value: float, unit: str, goal: str, ok: bool) -> None:
    print(f"  {what:<64} {value:>10.1f} {unit:<9} goal {goal:<12} {'ok' if ok else 'MISSED'}")


async def main(members: int, per_member: int) -> None:
    # Like the other benchmarks: DATABASE_URL, else the local PostgreSQL (a scratch database on it).
    server = DatabaseAddress.from_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"coorace_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server.url())
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    try:
        await run(server.with_dbname(name), members, per_member)
    finally:
        admin = await asyncpg.connect(server.url())
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def run(database: DatabaseAddress, members: int, per_member: int) -> None:
    platform = build_platform(["assessment"], database=database)
    await platform.start()
    app = platform.application("assessment")
    assert isinstance(app, AssessmentApplication)
    app.load_referential(load_document())
    print(f"le Cap benchmark on {database.host}:{database.port}")

    # --- one assessment with 1,000 events -------------------------------------------------------
    big = assessment_with(1000, seed=1)
    app.save(big)
    events_count = big.version
    print(f"\none assessment with {events_count} events")
    referential = app.referential("2016.1")

    async def read_and_rebuild() -> Any:
        async with platform.write_pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM assessment.assessment_events WHERE originator_id = $1 ORDER BY originator_version",
                big.id,
            )
        return progress_plan([decode(r).event for r in rows], referential)

    ms, plan = await atimed(read_and_rebuild, 30)
    line("plan read from PostgreSQL (asyncpg) and rebuilt", ms, "ms", "< 25 ms", ms < 25)
    assert plan == plan_of(big.sheet, referential)
    ms_lib, _ = timed(lambda: progress_plan(app.assessment_events(big.id), referential), 30)
    line("plan read through the library's event store (psycopg) and rebuilt", ms_lib, "ms", "(same)", ms_lib < 25)
    decoded = app.assessment_events(big.id)
    ms, _ = timed(lambda: progress_plan(decoded, referential), 200)
    line("pure plan function on decoded events", ms, "ms", "< 5 ms", ms < 5)

    def as_of() -> Any:
        events = app.assessment_events(big.id)
        sheet = sheet_as_of(events, Moment(version=events_count // 2))
        return plan_of(sheet, referential), positioning_of(sheet, referential)

    ms, _ = timed(as_of, 30)
    line("as-of (version) from the store: plan and positioning", ms, "ms", "< 50 ms", ms < 50)
    await http_as_of(platform, big, events_count)

    # --- rebuilding every projection ---------------------------------------------------------------
    print(f"\n{members} members x {per_member} events")
    started = time.perf_counter()
    for i in range(members):
        app.save(assessment_with(per_member, seed=1000 + i))
    total_events = await platform.head("assessment")
    print(f"  written: {total_events} events in {time.perf_counter() - started:.1f} s")
    own = [p for _, p in platform.projections["assessment"] if not p.foreign]
    store = platform.projections["assessment"][0][0]
    async with platform.write_pool.acquire() as conn:  # the live read models, as a running platform has them
        for projection in own:
            await catch_up(
                conn, store, projection, await ensure_live_generation(conn, store, projection), limit=REBUILD_BATCH_SIZE
            )
    for verify in (True, False):
        started = time.perf_counter()
        reports = await rebuild_together(platform.write_pool, store, own, verify_only=verify)
        seconds = time.perf_counter() - started
        assert all(not r.differences for r in reports), [r.differences[:2] for r in reports]
        what = "rebuild --verify" if verify else "rebuild (switching over)"
        line(
            f"{what}: {', '.join(p.name for p in own)}",
            total_events / seconds,
            "events/s",
            ">= 20,000/s",
            total_events / seconds >= 20_000,
        )
        print(f"    {total_events} log events in {seconds:.2f} s, all {len(own)} read models, compared with live")
    await platform.stop()


async def http_as_of(platform: Any, big: Assessment, events_count: int) -> None:
    """The same replay through the HTTP route (auth, access check, JSON), in process."""
    from litestar.testing import AsyncTestClient

    from shared.app_factory import create_app
    from shared.auth import TokenService

    app = create_app(platform, run_projections=False)
    app.on_startup.clear()
    headers = {"Authorization": "Bearer " + TokenService(platform.settings).issue(role="national_staff")}
    platform.start = _noop  # already started by the bench
    platform.stop = _noop
    async with AsyncTestClient(app) as client:
        path = f"/api/assessment/assessments/{big.id}/plan"

        async def get() -> Any:
            response = await client.get(path, headers=headers, params={"version": events_count // 2})
            assert response.status_code == 200, response.text
            return response

        ms, _ = await atimed(get, 20)
    # The positioning reads the read models through the platform's asyncpg pool, which lives in
    # this loop: served here by httpx's ASGI transport (the test client runs the app in a thread).
    import httpx

    positioning = f"/api/assessment/assessments/{big.id}/positioning"
    today = datetime.now(UTC).astimezone(PARIS).date().isoformat()
    timings = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as same_loop:
        for label, params in (("as_of=today", {"as_of": today}), ("version=N", {"version": events_count // 2})):

            async def read(params: dict[str, Any] = params) -> Any:
                response = await same_loop.get(positioning, headers=headers, params=params)
                assert response.status_code == 200, response.text
                return response

            timings[label], _ = await atimed(read, 20)
    del platform.start, platform.stop
    line("as-of (version) through GET .../plan?version=N (HTTP, in process)", ms, "ms", "< 50 ms", ms < 50)
    for label, took in timings.items():
        line(f"positioning with benchmarks, {label} (HTTP, in process)", took, "ms", "< 50 ms", took < 50)


async def _noop(*_: Any, **__: Any) -> None:
    return None


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 200))
