"""Scenario helpers of the notification tests (no tests here): people of the directory, the
triggers and the outbox projection caught up as a runner would, and what they wrote."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any
from uuid import UUID

import asyncpg

from shared.auth import Principal, Role
from shared.database import DatabaseAddress
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import Platform
from shared.projection import catch_up, rebuild

STAFF = Principal(subject="staff-people", roles=frozenset({Role.NATIONAL_STAFF}))
_numbers = itertools.count(1)


def person(
    platform: Platform,
    role: str,
    *,
    tenant: str | None = None,
    region: str | None = None,
    name: str | None = None,
) -> str:
    """An active person of the directory; their id."""
    number = next(_numbers)
    app: Any = platform.application("people")
    with command_context(actor_id=STAFF.subject, actor_role="national_staff", tenant_id=None):
        result = app.invite(
            STAFF,
            details=PersonalDetails(name=name or f"Personne {number}", email=f"n{number}-{role}@exemple.fr"),
            role=role,
            tenant=tenant,
            region=region,
        )
        app.activate(UUID(result.id))
    return str(result.id)


async def caught_up(platform: Platform, service: str, *names: str) -> None:
    """The named projections of the service (all by default) caught up with their logs."""
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections[service]:
            if names and projection.name not in names:
                continue
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])


async def deliver(platform: Platform) -> None:
    """What the runner does, in order: the directory (who administers a member), the triggers of
    le Cap and the Fonds, then the directory's outbox projection."""
    await caught_up(platform, "people", "directory")
    await caught_up(platform, "assessment", "member_directory", "assessments", "notifying")
    await caught_up(platform, "training", "notifying")
    await caught_up(platform, "people", "notification_outbox")


async def replay(platform: Platform, service: str, name: str) -> None:
    """A rebuild of the projection by replay from the start of its log."""
    assert platform.write_pool is not None
    store, projection = platform.projection(service, name)
    await rebuild(platform.write_pool, store, projection)


async def outbox(platform: Platform, kind: str | None = None) -> list[Any]:
    assert platform.write_pool is not None
    return await platform.write_pool.fetch(
        "SELECT id, recipient, subject, body, kind FROM platform.outbox "
        "WHERE $1::text IS NULL OR kind = $1 ORDER BY id",
        kind,
    )


async def sent_events(platform: Platform) -> list[Any]:
    """The directory's `Notification.Sent` events."""
    assert platform.write_pool is not None
    return await platform.write_pool.fetch(
        "SELECT originator_id, originator_version FROM people.people_events "
        "WHERE topic LIKE '%Notification.Sent' ORDER BY notification_id"
    )


async def mails_once_delivered(database: DatabaseAddress, kind: str) -> list[Any]:
    """The outbox's messages of that kind once the background runner has brought every trigger and
    the outbox projection up to their logs' heads (read on a connection of the test's own: the app's
    pools live in the test client's event loop)."""
    conn = await asyncpg.connect(database.url())
    try:
        for _ in range(400):
            behind = await conn.fetchval(_BEHIND)
            if not behind:
                return await conn.fetch(
                    "SELECT recipient, subject, body FROM platform.outbox WHERE kind = $1 ORDER BY id", kind
                )
            await asyncio.sleep(0.025)
        raise AssertionError("the notification projections did not catch up")
    finally:
        await conn.close()


_BEHIND = """
    SELECT count(*) FROM (
        SELECT g.position < (SELECT coalesce(max(notification_id), 0) FROM assessment.assessment_events) AS late
        FROM assessment.projection_generations g WHERE g.projection = 'notifying' AND g.status = 'live'
        UNION ALL
        SELECT g.position < (SELECT coalesce(max(notification_id), 0) FROM training.training_events)
        FROM training.projection_generations g WHERE g.projection = 'notifying' AND g.status = 'live'
        UNION ALL
        SELECT g.position < (SELECT coalesce(max(notification_id), 0) FROM people.people_events)
        FROM people.projection_generations g WHERE g.projection = 'notification_outbox' AND g.status = 'live'
    ) p WHERE late
"""
