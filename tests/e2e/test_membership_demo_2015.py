"""The demo network, seeded through the register's own commands (so through its rules), shows the
2015 report's figures live and as of a date alike."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from tests.helpers.api import Api

NETWORK = "/api/membership/network/dashboard"


async def figures(api: Api, **params: Any) -> dict[str, Any]:
    for _ in range(20):  # the projections catch up with the seeded log in the background
        response = await api.client.get(NETWORK, params=params, headers=api.staff)
        if response.status_code != 503:
            break
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_demo_network_counts_190_in_the_accord_groupe_live_and_as_of(api: Api) -> None:
    platform = api.client.app.state.platform
    seed = platform.services["membership"].seed_demo
    await asyncio.to_thread(seed, platform, lambda *_: None)
    head = platform.application("membership").recorder.max_notification_id()
    live = await figures(api, wait_for=head)
    end_2015 = await figures(api, as_of="2015-12-31")
    today = await figures(api, as_of=date.today().isoformat())
    assert live["members"] == end_2015["members"] == today["members"] == 530
    assert live["accord_groupe"] == end_2015["accord_groupe"] == today["accord_groupe"] == 190
