"""Failures on the way from an event to the outbox: a trigger that fails is retried and parked as
every projection is, and sends its e-mail once released; a process that dies between the
notification and the outbox leaves nothing half-done, and the projection redoes it once."""

from __future__ import annotations

import asyncio

import pytest

from services.assessment import notifications
from shared.platform import Platform
from shared.projection import ProjectionRunner, RunnerPolicy, apply_next_batch
from shared.projection import retry as retry_parked
from shared.projection.parking import current_failures
from tests.notifications.cap import member, referential, review_asked, submitted
from tests.notifications.helpers import caught_up, deliver, outbox, person, sent_events


async def given_review_asked(platform: Platform) -> None:
    referential(platform)
    tenant = member(platform, "AI Le Relais")
    delegate = person(platform, "regional_delegate", region="NPC")
    review_asked(platform, tenant, submitted(platform, tenant), kind="third_party", reviewer_id=delegate)
    await caught_up(platform, "people", "directory")
    await caught_up(platform, "assessment", "member_directory", "assessments")


async def test_a_failing_trigger_is_retried_then_parked_and_sends_once_released(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    await given_review_asked(platform)
    assert platform.write_pool is not None
    store, trigger = platform.projection("assessment", "notifying")
    runner = ProjectionRunner(
        platform.write_pool, lambda: None, [(store, trigger)], RunnerPolicy(max_attempts=3, first_backoff=0.01)
    )  # type: ignore[arg-type]

    async def broken(*_: object) -> str:
        raise RuntimeError("the member directory cannot be read")

    monkeypatch.setattr(notifications, "member_name", broken)
    for _ in range(100):  # the runner's rounds, until it gives up on the event
        await runner.run_once()
        if runner.followers[0].parked_at is not None:
            break
        await asyncio.sleep(0.02)
    async with platform.write_pool.acquire() as conn:
        failure = (await current_failures(conn, store))["notifying"]
    assert failure.parked and failure.attempts == 3 and "cannot be read" in failure.error
    await caught_up(platform, "people", "notification_outbox")
    assert await sent_events(platform) == [] and await outbox(platform) == []

    monkeypatch.undo()  # the cause fixed, an operator releases the event
    async with platform.write_pool.acquire() as conn:
        await retry_parked(conn, store, trigger, by="ops")
    for _ in range(3):
        await runner.run_once()
    await deliver(platform)

    assert [m["kind"] for m in await outbox(platform)] == ["review_request"]
    assert len(await sent_events(platform)) == 1


async def test_a_process_dying_between_the_notification_and_the_outbox_queues_it_once_on_restart(
    platform: Platform,
) -> None:
    await given_review_asked(platform)
    await caught_up(platform, "assessment", "notifying")  # the notification is recorded
    assert platform.write_pool is not None
    store, projection = platform.projection("people", "notification_outbox")

    async with platform.write_pool.acquire() as conn:
        live = await store.live(conn, projection)
        dying = conn.transaction()
        await dying.start()
        await apply_next_batch(conn, store, projection, live["generation"])
        assert len(await conn.fetch("SELECT 1 FROM platform.outbox")) == 1  # written, not committed
        await dying.rollback()  # the process died before its commit
        assert await store.position(conn, projection, live["generation"]) == live["position"]
    assert await outbox(platform) == []

    await deliver(platform)  # the runner, after the restart
    await deliver(platform)

    assert [m["kind"] for m in await outbox(platform)] == ["review_request"]
