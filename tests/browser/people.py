"""People of the directory with a password, made the way the demo seed makes its accounts
(PeopleApplication: invited, then active; the password set as the invitation's acceptance sets
it), so that a browser signs in through /connexion as they would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import httpx

from services.people import credentials
from services.people.application import PeopleApplication
from shared.auth import Principal, Role
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.browser.session import Portal

PASSWORD = "une phrase de passe assez longue"
_SEEDER = Principal(subject="browser-tests", roles=frozenset({Role.NATIONAL_STAFF}))


@dataclass(frozen=True)
class Account:
    """A directory person who can sign in: their id is the subject of their principal."""

    id: UUID
    email: str
    name: str
    role: str
    tenant: str | None = None
    region: str | None = None
    password: str = PASSWORD

    @property
    def subject(self) -> str:
        return str(self.id)


async def given_account(
    platform: Platform,
    portal: Portal,
    email: str,
    name: str,
    role: str,
    *,
    tenant: str | None = None,
    region: str | None = None,
) -> Account:
    people = platform.application("people")
    assert isinstance(people, PeopleApplication)
    with command_context(actor_id=_SEEDER.subject, actor_role="national_staff", tenant_id=None, correlation_id=None):
        invited = people.invite(
            _SEEDER, details=PersonalDetails(name=name, email=email), role=role, tenant=tenant, region=region
        )
        person_id = UUID(invited.id)
        active = people.activate(person_id)
    conn = await asyncpg.connect(platform.database.url())
    try:
        await credentials.set_password(conn, person_id, PASSWORD, datetime.now(UTC))
    finally:
        await conn.close()
    await directory_caught_up(portal, active.notification_id)
    return Account(person_id, email, name, role, tenant, region)


async def directory_caught_up(portal: Portal, notification_id: int) -> None:
    """Until the served app's directory shows the change: a session is looked up there."""
    staff = portal.tokens.issue(role="national_staff", subject="browser-tests")
    async with httpx.AsyncClient(base_url=portal.url, timeout=30.0) as client:
        answer = await client.get(
            "/api/people",
            params={"wait_for": notification_id, "limit": 1},
            headers={"Authorization": f"Bearer {staff}"},
        )
    assert answer.status_code == 200, answer.text
