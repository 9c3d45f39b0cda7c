"""Processes sharing the database (`coorace serve --workers`) give each service's event-store pool
fewer connections: the platform hands its settings to every application it builds."""

from __future__ import annotations

from shared.config import Settings
from shared.database import DatabaseAddress


async def test_the_platform_s_event_store_settings_size_every_service_s_pool(
    database: DatabaseAddress, settings: Settings
) -> None:
    from services.bootstrap import build_platform

    platform = build_platform(settings=settings, database=database)
    platform.event_store_env = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4"}
    await platform.start()
    try:
        pools = [platform.application(name).factory.datastore.pool for name in platform.services]
        assert [(pool.min_size, pool.max_size) for pool in pools] == [(1, 5)] * len(pools)
    finally:
        await platform.stop()
