"""Le Cap's notifications: a review requested tells the reviewer, a grant tells the auditor; each
once, however often the trigger and the outbox projection run or are replayed."""

from __future__ import annotations

import asyncio

from services.bootstrap import build_platform
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.platform import Platform
from tests.notifications.cap import granted, member, referential, review_asked, submitted, validated_with_plan
from tests.notifications.helpers import deliver, outbox, person, replay, sent_events


async def test_a_review_requested_mails_the_reviewer_once_with_the_link_to_the_review(platform: Platform) -> None:
    referential(platform)
    tenant = member(platform, "AI Le Relais")
    delegate = person(platform, "regional_delegate", region="NPC", name="Yann Kerouac")
    assessment = submitted(platform, tenant)
    request_id = review_asked(platform, tenant, assessment, kind="third_party", reviewer_id=delegate)

    await deliver(platform)
    await deliver(platform)  # the runner again: nothing new to apply
    await replay(platform, "assessment", "notifying")  # the trigger replayed from the start of the log
    await replay(platform, "people", "notification_outbox")  # the outbox projection too
    await deliver(platform)

    mails = await outbox(platform)
    assert [(m["kind"], m["subject"]) for m in mails] == [
        ("review_request", "Relecture demandée : le Cap de AI Le Relais")
    ]
    assert mails[0]["recipient"].endswith("-regional_delegate@exemple.fr")
    assert mails[0]["body"].startswith("Bonjour Yann Kerouac,")
    assert f"/relectures/{assessment}/{request_id}" in mails[0]["body"]
    assert len(await sent_events(platform)) == 1


async def test_a_peer_review_naming_only_a_member_mails_no_one(platform: Platform) -> None:
    referential(platform)
    tenant, peer = member(platform, "AI Le Relais"), member(platform, "AI Voisine")
    validated_with_plan(platform, peer, submitted(platform, peer), [])  # a peer has used le Cap itself
    await deliver(platform)
    assessment = submitted(platform, tenant)
    review_asked(platform, tenant, assessment, kind="peer", reviewer_tenant=peer)

    await deliver(platform)

    assert await outbox(platform) == []
    assert await sent_events(platform) == []


async def test_a_grant_mails_the_auditor_it_names_once(platform: Platform) -> None:
    referential(platform)
    tenant = member(platform, "AI Le Relais")
    auditor = person(platform, "auditor", name="Agnès Contrôle")
    await deliver(platform)  # the member directory knows the member's name

    granted(platform, auditor, tenant)
    await deliver(platform)
    await replay(platform, "assessment", "notifying")
    await deliver(platform)

    mails = await outbox(platform)
    assert [(m["kind"], m["subject"]) for m in mails] == [
        ("audit_grant", "Accès d'audit accordé : le Cap de AI Le Relais")
    ]
    body = mails[0]["body"]
    assert body.startswith("Bonjour Agnès Contrôle,") and "Contrôle annuel du Fonds" in body
    assert "/audit" in body


async def test_a_grant_naming_a_free_text_subject_has_no_recipient_and_stops_nothing(platform: Platform) -> None:
    referential(platform)
    tenant = member(platform, "AI Le Relais")
    auditor = person(platform, "auditor")
    granted(platform, "cabinet-externe-42", tenant)  # a script's grant: no one of the directory
    granted(platform, auditor, tenant)

    await deliver(platform)

    mails = await outbox(platform)
    assert [m["kind"] for m in mails] == ["audit_grant"]  # the second grant went on
    assert mails[0]["recipient"].endswith("-auditor@exemple.fr")


async def test_a_running_platform_sends_each_once_across_restarts(
    platform: Platform, database: DatabaseAddress, settings: Settings
) -> None:
    referential(platform)
    tenant = member(platform, "AI Le Relais")
    delegate, auditor = person(platform, "regional_delegate", region="NPC"), person(platform, "auditor")
    review_asked(platform, tenant, submitted(platform, tenant), kind="third_party", reviewer_id=delegate)
    granted(platform, auditor, tenant)

    counts = []
    for _ in range(2):  # the runner in a serving process, stopped, started again
        running = build_platform(settings=settings, database=database)
        await running.start(run_projections=True)
        try:
            for _ in range(200):
                if len(await outbox(platform)) >= 2:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # time for a second copy to show up, were there one
        finally:
            await running.stop()
        counts.append(sorted(m["kind"] for m in await outbox(platform)))

    assert counts == [["audit_grant", "review_request"]] * 2
    assert len(await sent_events(platform)) == 2
