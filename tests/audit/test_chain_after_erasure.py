"""Erasing a person deletes a key, never an event: every chain still verifies afterwards."""

from __future__ import annotations

import asyncpg

from shared.audit_chain import platform_logs, verify
from shared.database import DatabaseAddress
from shared.platform import Platform
from tests.helpers.api import Api
from tests.helpers.erasure import member_with_two_contacts


async def test_every_chain_verifies_after_an_erasure(api: Api, database: DatabaseAddress) -> None:
    await member_with_two_contacts(api)
    erased = await api.client.post(
        "/api/people/erasures",
        json={"email": "contact@relais-lens.fr", "reason": "demande de la personne du 30/11/2026"},
        headers=api.staff,
    )
    assert erased.status_code == 201, erased.text
    platform: Platform = api.client.app.state.platform
    conn = await asyncpg.connect(database.url())
    try:
        reports = [await verify(conn, chained) for chained in platform_logs(platform)]
    finally:
        await conn.close()
    assert all(r.intact for r in reports), [r.first_bad for r in reports]
    assert sum(r.events_checked for r in reports) > 0
