"""A member whose contact person changed: the scenario of the erasure tests."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.membership_api import given_registered_member

ERASED_CONTACT = {"name": "Claire Martin", "email": "contact@relais-lens.fr", "phone": "+33 3 21 00 00 00"}
NEXT_CONTACT = {"name": "Paul Lefebvre", "email": "paul.lefebvre@relais-lens.fr", "phone": "+33 3 21 00 00 01"}


async def member_with_two_contacts(api: Api) -> dict[str, Any]:
    """A member registered with Claire Martin as its contact, then Paul Lefebvre from 2012."""
    created = await given_registered_member(api)
    changed = await api.client.post(
        f"/api/membership/members/{created['id']}/details",
        json={
            "name": "Association intermédiaire Le Relais de Lens",
            "contact": NEXT_CONTACT,
            "city": "Lens",
            "effective_on": "2012-01-01",
        },
        headers=api.staff,
    )
    assert changed.status_code == 200, changed.text
    return {**created, "notification_id": changed.json()["notification_id"]}
