"""Idempotency records are deleted once no retry can need them, and not before."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from services.bootstrap import build_platform
from shared.commands import SERVER_KEY_SCOPE
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.idempotency_retention import CLIENT_KEY_RETENTION, SERVER_KEY_RETENTION, IdempotencyRetention
from shared.platform import Platform

HOUR = timedelta(hours=1)


async def given_records(platform: Platform, ages: dict[tuple[str, str], timedelta]) -> None:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for (scope, key), age in ages.items():
            await conn.execute(
                "INSERT INTO membership.idempotency_keys (scope, key, fingerprint, status_code, body, recorded_at) "
                "VALUES ($1, $2, '', 200, '\\x7b7d', now() - $3::interval)",
                scope,
                key,
                age,
            )


async def keys_left(platform: Platform) -> set[str]:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        return {r["key"] for r in await conn.fetch("SELECT key FROM membership.idempotency_keys")}


async def test_expired_records_are_deleted_and_the_others_kept(platform: Platform) -> None:
    await given_records(
        platform,
        {
            (SERVER_KEY_SCOPE, "server-old"): SERVER_KEY_RETENTION + HOUR,
            (SERVER_KEY_SCOPE, "server-recent"): SERVER_KEY_RETENTION - HOUR,
            ("tenant:m1", "client-old"): CLIENT_KEY_RETENTION + HOUR,
            ("tenant:m1", "client-within-window"): SERVER_KEY_RETENTION + HOUR,  # a client key outlives a server one
        },
    )
    assert platform.write_pool is not None
    deleted = await IdempotencyRetention(platform.write_pool, ["membership"]).sweep()
    assert deleted == {"membership": 2}
    assert await keys_left(platform) == {"server-recent", "client-within-window"}


async def test_the_process_running_the_projections_sweeps_from_its_start(
    platform: Platform, database: DatabaseAddress, settings: Settings
) -> None:
    await given_records(platform, {(SERVER_KEY_SCOPE, "server-old"): SERVER_KEY_RETENTION + HOUR})
    worker = build_platform(settings=settings, database=database)
    await worker.start(run_projections=True)
    try:
        assert worker.retention is not None
        assert set(worker.retention.schemas) == {"membership", "assessment", "training", "people"}
        async with asyncio.timeout(10):
            while "server-old" in await keys_left(platform):
                await asyncio.sleep(0.05)  # the first sweep runs as the worker starts
    finally:
        await worker.stop()
    assert worker.retention is None  # stopped with the platform
