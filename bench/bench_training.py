"""Training benchmarks (run by hand; prints figures).

    .venv/bin/python bench/bench_training.py [decisions|dashboard|all]

- decisions: 200 award decisions sent at once on one call whose envelope covers 150 of them, over
  HTTP (one process, the app's thread pool) and through two application instances (two processes'
  worth of writers, arbitrated by the call's version): decisions per second, and zero overspend.
- dashboard: a call of 5,000 applications (mixed states), projected, then its dashboard read over
  HTTP: p50/p99 latency (goal: p99 under 50 ms).

Uses `DATABASE_URL` (default: the local PostgreSQL at 127.0.0.1:5432) and a scratch database
`coorace_bench_training` there.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging  # noqa: E402

import httpx  # noqa: E402

from bench.scratch import bench_settings, scratch_database  # noqa: E402
from services.bootstrap import build_platform  # noqa: E402
from services.membership.application import MembershipApplication  # noqa: E402
from services.training.application import ContentRequest, TrainingApplication  # noqa: E402
from services.training.domain.call import Call, CallTerms, EligibilityCriteria, ScoringCriterion  # noqa: E402
from services.training.domain.errors import EnvelopeExceeded  # noqa: E402
from services.training.domain.funding_application import FundingApplication  # noqa: E402
from services.training.domain.values import (  # noqa: E402
    ApplicationContent,
    Check,
    CriterionScore,
    Enterprise,
    EnvelopeView,
    Training,
)
from shared.app_factory import create_app  # noqa: E402
from shared.auth import TokenService  # noqa: E402
from shared.events import command_context  # noqa: E402
from shared.eventstore import IntegrityError  # noqa: E402
from shared.personal import PersonalDetails  # noqa: E402
from shared.platform import Platform  # noqa: E402
from shared.projection import catch_up  # noqa: E402

BENCH_DB = "coorace_bench_training"
TODAY = date.today()
GRID = (ScoringCriterion("pertinence", "Pertinence", 3), ScoringCriterion("cout", "Coût", 2))
SCORES = (CriterionScore("pertinence", 4, "Solide"), CriterionScore("cout", 3, "Raisonnable"))
REGIONS = ("NPC", "RAL", "IDF", "ACAL", "PDL", "BRE", "MPY", "AQU", "PAC", "LRO", "CLI", "HNO", "PCH", "BNO")
FORMS = ("AI", "ACI", "ETTI", "EI", "GES", "OSP", "other")


def terms(envelope: Decimal) -> CallTerms:
    return CallTerms(
        title="Appel de charge",
        fund_amount=envelope * 2,
        envelope=envelope,
        opens_on=TODAY - timedelta(days=30),
        closes_on=TODAY + timedelta(days=30),
        criteria=EligibilityCriteria(True, True, Decimal("0.50"), Decimal("0.70"), Decimal("800.00")),
        grid=GRID,
        priority_trainings=(),
    )


def siret(n: int) -> str:
    body = f"{n:013d}"
    for check in "0123456789":
        digits = [int(d) for d in reversed(body + check)]
        if sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)) % 10 == 0:
            return body + check
    raise AssertionError


async def catch_up_service(platform: Platform, service: str) -> float:
    """Catch the service's read models up; returns the seconds it took."""
    assert platform.write_pool is not None
    started = time.perf_counter()
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections[service]:
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])
    return time.perf_counter() - started


# --- 200 concurrent award decisions ----------------------------------------------------------------------


async def scored_applications(platform: Platform, year: int, count: int, envelope: Decimal) -> tuple[UUID, list[UUID]]:
    """`count` members, and as many eligible, scored applications of 1,000 € to a new call."""
    membership = platform.application("membership")
    training = platform.application("training")
    assert isinstance(membership, MembershipApplication) and isinstance(training, TrainingApplication)
    membership.establish_regions()
    with command_context(actor_id="bench", actor_role="national_staff", tenant_id=None):
        members = []
        for i in range(count):
            result = membership.register_member(
                name=f"AI n°{year}-{i}",
                siret=siret(year * 10_000 + i),
                forms=("AI",),
                region=REGIONS[i % 14],
                joined_on=date(2010, 1, 1),
                contact=PersonalDetails(name="Contact", email="c@ai.fr", phone="+33 1 00 00 00 00"),
                city="Lille",
            )
            membership.join_accord_groupe(UUID(result.id), effective_on=date(2012, 1, 1))
            members.append(result.id)
    await catch_up_service(platform, "training")
    with command_context(actor_id="staff-0", actor_role="national_staff", tenant_id=None):
        call_id = UUID(training.open_call(year=year, terms=terms(envelope), on=TODAY).id)
    applications = []
    for lead in members:
        content = ContentRequest(
            title="Projet",
            summary="",
            partner_ids=(),
            requested=Decimal("1000.00"),
            trainings=(Training("Savoirs de base", False, 20, 5, Decimal("2500.00"), lead, True),),
        )
        with command_context(actor_id=f"admin-{lead[:8]}", actor_role="member_admin", tenant_id=lead):
            application_id = UUID(training.draft_application(call_id, lead_id=lead, content=content, on=TODAY).id)
            training.submit(application_id, acting_for=lead, on=TODAY)
        with command_context(actor_id="staff-0", actor_role="national_staff", tenant_id=None):
            training.assign_reviewer(application_id, reviewer_id="rev-1", reviewer_enterprise=None)
        with command_context(actor_id="rev-1", actor_role="fund_reviewer", tenant_id=None):
            training.score(application_id, reviewer_enterprise=None, no_conflict_declared=True, scores=SCORES, on=TODAY)
        applications.append(application_id)
    return call_id, applications


async def bench_decisions_over_http(platform: Platform, client: httpx.AsyncClient, tokens: TokenService) -> None:
    call_id, applications = await scored_applications(platform, 2030, 200, Decimal("150000.00"))
    headers = [
        {"Authorization": "Bearer " + tokens.issue(role="national_staff", subject=f"staff-{i % 7 + 1}")}
        for i in range(len(applications))
    ]
    started = time.perf_counter()
    answers = await asyncio.gather(
        *[
            client.post(
                f"/api/training/applications/{a}/decision",
                headers=h,
                json={"outcome": "award", "amount": "1000.00", "reason": "Retenu"},
            )
            for a, h in zip(applications, headers, strict=True)
        ]
    )
    elapsed = time.perf_counter() - started
    codes: dict[str, int] = {}
    for answer in answers:
        key = str(answer.status_code) if answer.status_code == 200 else f"{answer.status_code} {answer.json()['error']}"
        codes[key] = codes.get(key, 0) + 1
    call = platform.application("training").call(call_id)  # type: ignore[attr-defined]
    print(
        f"decisions over HTTP (1 process): {len(answers)} in {elapsed:.2f} s = {len(answers) / elapsed:.0f} "
        f"decisions/s; answers {codes}; committed {call.committed} of {call.envelope_total} € "
        f"({'no overspend' if call.committed <= call.envelope_total else 'OVERSPENT'})"
    )


async def bench_decisions_two_writers(platform: Platform) -> None:
    call_id, applications = await scored_applications(platform, 2031, 200, Decimal("150000.00"))
    first = platform.application("training")
    second = TrainingApplication(platform.database)

    def decide(i: int, application_id: UUID) -> str:
        app = first if i % 2 else second
        staff = f"staff-{i % 7 + 1}"
        with command_context(actor_id=staff, actor_role="national_staff", tenant_id=None):
            try:
                app.decide_award(application_id, amount=Decimal("1000.00"), reason="Retenu", by=staff, on=TODAY)  # type: ignore[attr-defined]
            except EnvelopeExceeded:
                return "envelope_exceeded"
            except IntegrityError:
                return "concurrent_change"
        return "decided"

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(decide, range(len(applications)), applications))
    elapsed = time.perf_counter() - started
    second.close()
    call = first.call(call_id)  # type: ignore[attr-defined]
    counts = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    print(
        f"decisions, 2 writers × 16 threads: {len(outcomes)} in {elapsed:.2f} s = {len(outcomes) / elapsed:.0f} "
        f"decisions/s; outcomes {counts}; committed {call.committed} of {call.envelope_total} € "
        f"({'no overspend' if call.committed <= call.envelope_total else 'OVERSPENT'})"
    )


# --- the dashboard of a call of 5,000 applications --------------------------------------------------------


def a_call_of(training: TrainingApplication, count: int, year: int) -> UUID:
    """A call and `count` applications in mixed states, built as aggregates and saved in batches
    (faster than one command each: this is load, not behaviour)."""
    with command_context(actor_id="staff-0", actor_role="national_staff", tenant_id=None):
        call = Call.open(year, terms(Decimal(count) * 1000), TODAY)
        training.save(call)
        batch: list[Any] = []
        for i in range(count):
            lead = Enterprise(str(uuid4()), f"Entreprise {i}", REGIONS[i % len(REGIONS)], (FORMS[i % len(FORMS)],))
            partners = (
                (Enterprise(str(uuid4()), f"Partenaire {i}", REGIONS[(i + 3) % len(REGIONS)], ("ACI",)),)
                if i % 10 == 0
                else ()
            )
            trainings = tuple(
                Training("Savoirs de base", False, 20, 5, Decimal("2500.00"), e.member_id, True)
                for e in (lead, *partners)
            )
            content = ApplicationContent(f"Projet {i}", "", partners, trainings, Decimal("1000.00"))
            app = FundingApplication.draft(call, lead, content, TODAY)
            app.submit(call, TODAY)
            app.record_eligibility(
                (Check("cofunding_ceiling", "Plafonds", True, "", ""),), (), Decimal("1250.00"), TODAY
            )
            app.assign_reviewer("rev-1", None)
            app.score_by("rev-1", None, True, GRID, SCORES, TODAY)
            state = i % 20
            if state < 18:  # decided: 12 in 20 awarded (3 of them settled), 4 rejected, 2 awaiting review
                award = state < 12
                view = EnvelopeView(call.envelope_total, call.available, call.available)
                if award:
                    app.decide_award(Decimal("1000.00"), Decimal("1250.00"), "Retenu", view, "staff-1", TODAY)
                    call.commit(app.id, Decimal("1000.00"), TODAY)
                else:
                    app.decide_rejection("Note insuffisante", view, "staff-1", TODAY)
                if state < 16:
                    app.review(True, "", "staff-2", TODAY)
            batch.append(app)
            if len(batch) == 250 or i == count - 1:
                training.save(*batch, call)
                batch = []
    return call.id


async def bench_dashboard(platform: Platform, client: httpx.AsyncClient, tokens: TokenService) -> None:
    training = platform.application("training")
    assert isinstance(training, TrainingApplication)
    started = time.perf_counter()
    call_id = a_call_of(training, 5000, 2040)
    written = time.perf_counter() - started
    events = await platform.head("training")
    projected = await catch_up_service(platform, "training")
    print(
        f"a call of 5,000 applications: {events} events written in {written:.1f} s, projected in {projected:.1f} s "
        f"({events / projected:.0f} events/s)"
    )
    headers = {"Authorization": "Bearer " + tokens.issue(role="national_staff", subject="staff-1")}
    url = f"/api/training/calls/{call_id}/dashboard"
    first = await client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    for _ in range(20):  # warm-up
        await client.get(url, headers=headers)
    timings = []
    for _ in range(500):
        t = time.perf_counter()
        response = await client.get(url, headers=headers)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    timings.sort()
    p50, p99 = statistics.median(timings), timings[int(len(timings) * 0.99) - 1]
    print(
        f"call dashboard (5,000 applications; {len(body['regions'])} regions, {len(body['forms'])} forms, "
        f"{len(body['review_queue'])} decisions in the review queue): p50 {p50:.1f} ms, p99 {p99:.1f} ms over HTTP "
        f"({'under' if p99 < 50 else 'OVER'} the 50 ms goal); answered {body['call']['applications_answered']} "
        f"applications, {body['call']['applications_retained']} retained"
    )


async def main(which: str) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    platform = build_platform(settings=bench_settings(), database=scratch_database(BENCH_DB))
    app = create_app(platform, run_projections=True)
    tokens = TokenService(platform.settings)
    # The app in this process and loop (the ASGI transport sends no lifespan events: the platform
    # is started here, with its projection runner, as the app's lifespan would).
    await platform.start(run_projections=True)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            if which in ("decisions", "all"):
                await bench_decisions_two_writers(platform)
                await bench_decisions_over_http(platform, client, tokens)
            if which in ("dashboard", "all"):
                await bench_dashboard(platform, client, tokens)
    finally:
        await platform.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "all"))
