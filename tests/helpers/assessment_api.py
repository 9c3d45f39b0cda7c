"""Scenario helpers of le Cap's HTTP tests: they build state the way users do, through the API; bulk
answering goes through the application directly (as the demo seeder does), which keeps each test quick.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.assessment.app import OWN_PROJECTIONS
from services.assessment.domain.referential import Referential, load_document
from shared.auth import Principal, Role
from tests.helpers.api import Api
from tests.helpers.siret import fresh_siret

DOCUMENT = load_document()
REFERENTIAL = Referential.parse(DOCUMENT)
CODES = list(REFERENTIAL.indicators)
BASE = "/api/assessment"


def make_siret() -> str:
    """A fresh valid SIRET (Luhn)."""
    return fresh_siret()


def platform_of(api: Api) -> Any:
    return api.client.app.state.platform


def cap_app(api: Api) -> Any:
    return platform_of(api).application("assessment")


def given_member(api: Api, name: str = "AI Le Relais", forms: tuple[str, ...] = ("AI",), region: str = "NPC") -> str:
    from shared.personal import PersonalDetails

    membership = platform_of(api).application("membership")
    membership.establish_regions()
    result = membership.register_member(
        name=name,
        siret=make_siret(),
        forms=forms,
        region=region,
        joined_on=date(2012, 1, 1),
        contact=PersonalDetails(name="Claire Martin", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    )
    return result.id


def given_referential(api: Api) -> None:
    cap_app(api).load_referential(DOCUMENT)


def admin(api: Api, tenant: str, subject: str | None = None) -> dict[str, str]:
    return api.token("member_admin", tenant=tenant, subject=subject or f"admin-{tenant[:8]}")


def contributor(api: Api, tenant: str, subject: str) -> dict[str, str]:
    return api.token("member_contributor", tenant=tenant, subject=subject)


def principal(tenant: str, subject: str | None = None) -> Principal:
    return Principal(subject=subject or f"admin-{tenant[:8]}", roles=frozenset({Role.MEMBER_ADMIN}), tenant=tenant)


async def given_started(api: Api, tenant: str) -> dict[str, Any]:
    response = await api.client.post(f"{BASE}/assessments", json={}, headers=admin(api, tenant))
    assert response.status_code == 201, response.text
    return response.json()


def answer_everything(
    api: Api, tenant: str, assessment_id: str, level: Any = 2, participant: str | None = None, invite: bool = True
) -> Any:
    """The team answers every indicator (`level`: a number, or a function of the code); the last
    command's result (its notification id is what to wait for)."""
    app, by = cap_app(api), principal(tenant)
    participant = participant or by.subject
    if invite:
        app.invite_participant(
            UUID(assessment_id),
            directory=None,
            by=by,
            participant_id=participant,
            name="Équipe",
            kind="staff",
            sub_themes=(),
        )
    for code in CODES:
        result = app.answer(
            UUID(assessment_id),
            by=by,
            indicator=code,
            participant_id=participant,
            level=level(code) if callable(level) else level,
        )
    return result


def given_submitted(api: Api, tenant: str, assessment_id: str, level: Any = 2) -> Any:
    answer_everything(api, tenant, assessment_id, level)
    return cap_app(api).submit(UUID(assessment_id), by=principal(tenant))


def given_validated(api: Api, tenant: str, assessment_id: str, level: Any = 2) -> Any:
    given_submitted(api, tenant, assessment_id, level)
    return cap_app(api).validate(UUID(assessment_id), by=principal(tenant))


async def caught_up(url: str) -> None:
    """Wait until every le Cap read model has applied everything in the log it follows (on a
    connection of the test's own: the app's pools live in its own event loop)."""
    conn = await asyncpg.connect(url)
    try:
        for _ in range(500):
            heads = {
                "assessment": await conn.fetchval(
                    "SELECT coalesce(max(notification_id), 0) FROM assessment.assessment_events"
                ),
                "membership": await conn.fetchval(
                    "SELECT coalesce(max(notification_id), 0) FROM membership.membership_events"
                ),
            }
            positions = dict(
                await conn.fetch(
                    "SELECT projection, position FROM assessment.projection_generations WHERE status = 'live'"
                )
            )
            wanted = {
                **{name: heads["assessment"] for name in OWN_PROJECTIONS},
                "member_directory": heads["membership"],
            }
            if all(positions.get(name, 0) >= head for name, head in wanted.items()):
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"read models not caught up: {positions} < {wanted}")
    finally:
        await conn.close()


async def read(api: Api, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await api.client.get(f"{BASE}{path}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- the collective self-assessment ----------------------------------------------------------------
