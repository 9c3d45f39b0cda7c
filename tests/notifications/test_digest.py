"""The daily digest of overdue plan actions: one e-mail per member and Paris day to each of its
administrators, none for a member with nothing overdue, once whatever the rounds or restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from services.assessment.notifications import DigestLoop, send_digests
from services.bootstrap import build_platform
from shared.as_of import today_in_paris
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.platform import Platform
from tests.notifications.cap import member, referential, submitted, validated_with_plan
from tests.notifications.helpers import deliver, outbox, person, sent_events

TODAY = today_in_paris()


async def given_late_and_on_time_members(platform: Platform) -> tuple[str, str, list[str]]:
    """A member with two actions overdue (and one due later), and one with nothing overdue."""
    referential(platform)
    late, on_time = member(platform, "AI En Retard"), member(platform, "AI À l'Heure")
    validated_with_plan(
        platform, late, submitted(platform, late), [TODAY - timedelta(days=10), TODAY - timedelta(days=1), TODAY]
    )
    validated_with_plan(platform, on_time, submitted(platform, on_time), [TODAY + timedelta(days=5)])
    admins = [person(platform, "member_admin", tenant=late, name=n) for n in ("Alice Martin", "Bruno Petit")]
    person(platform, "member_admin", tenant=on_time)
    await deliver(platform)
    return late, on_time, admins


async def test_a_member_with_overdue_actions_gets_one_digest_a_day_per_administrator(platform: Platform) -> None:
    _, _, admins = await given_late_and_on_time_members(platform)

    first = await send_digests(platform, TODAY)
    again = await send_digests(platform, TODAY)  # another round the same day (a restart, a second process)
    await deliver(platform)

    assert (first, again) == (2, 0)
    mails = await outbox(platform, "plan_digest")
    assert len(mails) == 2 and {m["recipient"].split("-")[1] for m in mails} == {"member_admin@exemple.fr"}
    body = mails[0]["body"]
    assert "le plan de progrès le Cap de AI En Retard compte 2 actions en retard" in body
    assert "10 jours de retard" in body and "1 jour de retard" in body
    assert "/plan" in body and mails[0]["subject"] == "le Cap : 2 actions du plan de progrès en retard"

    tomorrow = await send_digests(platform, TODAY + timedelta(days=1))
    await deliver(platform)

    assert tomorrow == 2  # the action due today is late tomorrow: a new day, a new digest
    assert "3 actions en retard" in (await outbox(platform, "plan_digest"))[-1]["body"]
    assert len(await sent_events(platform)) == 4


async def test_a_member_with_nothing_overdue_gets_no_digest(platform: Platform) -> None:
    referential(platform)
    on_time = member(platform, "AI À l'Heure")
    validated_with_plan(platform, on_time, submitted(platform, on_time), [TODAY + timedelta(days=5), TODAY])
    person(platform, "member_admin", tenant=on_time)
    await deliver(platform)

    assert await send_digests(platform, TODAY) == 0
    await deliver(platform)

    assert await outbox(platform) == []


async def test_the_loop_sends_at_its_first_round_and_not_again_the_same_day(platform: Platform) -> None:
    await given_late_and_on_time_members(platform)
    loop = DigestLoop(platform)

    await loop.round()
    await loop.round()
    await DigestLoop(platform).round()  # a second process, or the same after a restart

    assert loop.done_on == TODAY
    assert len(await sent_events(platform)) == 2


async def test_the_running_platform_sends_the_digest_at_start_and_once_across_restarts(
    platform: Platform, database: DatabaseAddress, settings: Settings
) -> None:
    await given_late_and_on_time_members(platform)

    for _ in range(2):  # started, stopped, started again
        running = build_platform(settings=settings, database=database)
        await running.start(run_projections=True)
        [digests] = running.background
        assert isinstance(digests, DigestLoop)
        try:
            for _ in range(200):  # until this start's round is done and the runner has queued the mail
                if digests.done_on == TODAY and len(await outbox(platform, "plan_digest")) >= 2:
                    break
                await asyncio.sleep(0.05)
        finally:
            await running.stop()
        assert digests.done_on == TODAY

    assert len(await outbox(platform, "plan_digest")) == 2
    assert len(await sent_events(platform)) == 2
