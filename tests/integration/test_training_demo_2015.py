"""The 2015 call replayed by `coorace demo seed`: the dashboard shows the report's figures, every
decision explains itself, and each training read model rebuilt from the log equals the live one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.bootstrap import build_platform
from services.training.domain.call import Call
from shared.database import DatabaseAddress
from shared.platform import Platform
from shared.projection import catch_up, rebuild
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.settings import make_settings
from tests.helpers.training_application import training_app


@pytest.fixture(scope="module")
async def seeded(
    server: DatabaseAddress,
    template: DatabaseAddress,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    """One seeded platform for the module's tests (seeding takes seconds; the tests only read)."""
    name = f"coorace_test_training_demo_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template.dbname}")
    finally:
        await admin.close()
    platform = build_platform(
        settings=make_settings(tmp_path_factory.mktemp("training-demo")), database=server.with_dbname(name)
    )
    await platform.start()
    try:
        await _seed(platform)
        yield platform
    finally:
        await platform.stop()
        admin = await asyncpg.connect(server.url())
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()


async def _seed(platform: Platform) -> None:
    for name in ("membership", "training"):
        seed = platform.services[name].seed_demo
        assert seed is not None
        await asyncio.to_thread(seed, platform, lambda *_: None)
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections["training"]:
            live = await store.live(conn, projection)
            # Small batches live, large ones in the rebuild: the read models must not depend on them.
            await catch_up(conn, store, projection, live["generation"], limit=37)


async def test_the_dashboard_shows_the_figures_of_the_2015_report(seeded: Platform) -> None:
    call_id = str(Call.create_id(2015))
    async with scoped_connection(seeded.read_pool, ReadScope.network()) as conn:
        call = dict(
            await conn.fetchrow(
                "SELECT * FROM training.call_dashboard WHERE call_id = $1 AND breakdown = 'call'", call_id
            )
        )
        regions = await conn.fetch(
            "SELECT sum(applications_answered) a, sum(enterprises_answered) e, sum(awarded) m, "
            "sum(trainees_delivered) t FROM training.call_dashboard WHERE call_id = $1 AND breakdown = 'region'",
            call_id,
        )
    assert (call["applications_answered"], call["enterprises_answered"]) == (51, 56)
    assert (call["applications_retained"], call["enterprises_retained"]) == (37, 38)
    assert call["awarded"] == call["settled"] == 280_153
    assert (call["trainees_delivered"], call["hours_delivered"]) == (1_063, 3_085)
    assert call["envelope_total"] == 290_000 and call["available"] == 9_847 and call["committed"] == 0
    assert call["pending_review"] == 0 and call["applications_ineligible"] == 3
    assert tuple(regions[0]) == (51, 56, 280_153, 1_063)  # the regions add up to the call


async def test_each_decision_of_2015_explains_itself(seeded: Platform) -> None:
    async with scoped_connection(seeded.read_pool, ReadScope.network()) as conn:
        events = {
            r["event"]: r["n"]
            for r in await conn.fetch("SELECT event, count(*) n FROM training.decision_file GROUP BY event")
        }
        overridden = await conn.fetchrow(
            "SELECT a.* FROM training.applications a WHERE role = 'lead' AND checks::text LIKE '%\"override\": {%'"
        )
    assert events["AwardDecided"] == 38 and events["DecisionSentBack"] == 1  # one award was sent back once
    assert events["RejectionDecided"] == 14 and events["DecisionApproved"] == 51
    assert events["CheckOverridden"] == 1 and events["Settled"] == 37 and events["AwardSettled"] == 37
    assert overridden is not None and overridden["status"] == "settled"


async def test_the_2015_seed_is_idempotent(seeded: Platform) -> None:
    head = await seeded.head("training")
    seed = seeded.services["training"].seed_demo
    assert seed is not None
    await asyncio.to_thread(seed, seeded, lambda *_: None)
    assert await seeded.head("training") == head
    assert training_app(seeded).call(Call.create_id(2015)).available == 9_847


async def test_every_training_read_model_rebuilt_from_the_log_equals_the_live_one(seeded: Platform) -> None:
    assert seeded.write_pool is not None
    for store, projection in seeded.projections["training"]:
        report = await rebuild(seeded.write_pool, store, projection, verify_only=True)
        assert report.differences == [], (projection.name, report.differences)
        assert report.events > 0


async def test_the_demo_also_has_a_call_open_today_with_an_application_for_the_demo_fund_reviewer(
    seeded: Platform,
) -> None:
    from services.training.demo.open_call import LABEL
    from shared.as_of import today_in_paris

    today = today_in_paris()
    call = training_app(seeded).call(Call.create_id(today.year, LABEL))
    assert call.terms.opens_on < today < call.terms.closes_on
    people = seeded.application("people")
    reviewer = people.person_with_email("fonds@demo.coorace.fr")  # type: ignore[attr-defined]
    assert reviewer is not None
    assert seeded.write_pool is not None
    assigned = await seeded.write_pool.fetch(
        "SELECT reviewer_id, scored FROM training.reviewer_assignments WHERE call_id = $1", str(call.id)
    )
    assert [(row["reviewer_id"], row["scored"]) for row in assigned] == [(str(reviewer), False)]
