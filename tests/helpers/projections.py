"""Bringing read models up to date in a test, without a background runner."""

from __future__ import annotations

from shared.platform import Platform
from shared.projection import catch_up


async def catch_up_everything(platform: Platform) -> None:
    """Every membership projection, caught up with the membership log."""
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections["membership"]:
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])
