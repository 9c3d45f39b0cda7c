"""Scenario helpers of the membership API tests: a registration body, and a member registered
through the real HTTP app."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api

VALID_SIRET = "73282932000074"


def registration(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Association intermédiaire Le Relais de Lens",
        "siret": VALID_SIRET,
        "forms": ["AI", "ETTI"],
        "region": "NPC",
        "joined_on": "2010-03-01",
        "contact": {"name": "Claire Martin", "email": "contact@relais-lens.fr", "phone": "+33 3 21 00 00 00"},
        "city": "Lens",
    }
    body.update(overrides)
    return body


async def given_regions(api: Api) -> None:
    api.client.app.state.platform.application("membership").establish_regions()


async def given_registered_member(api: Api, **overrides: Any) -> dict[str, Any]:
    await given_regions(api)
    response = await api.client.post("/api/membership/members", json=registration(**overrides), headers=api.staff)
    assert response.status_code == 201, response.text
    return response.json()


async def read_member(api: Api, created: dict[str, Any], headers: dict[str, str]) -> Any:
    return await api.client.get(
        f"/api/membership/members/{created['id']}", params={"wait_for": created["notification_id"]}, headers=headers
    )
