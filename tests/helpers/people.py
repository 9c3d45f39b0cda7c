"""Directory people for tests: the commands that name someone check them against the directory, so
scenarios make them first (through the people application, as the demo seed does)."""

from __future__ import annotations

import itertools
from typing import Any
from uuid import UUID

from shared.auth import Principal, Role
from shared.events import command_context
from shared.personal import PersonalDetails
from tests.helpers.api import Api

STAFF = Principal(subject="staff-people", roles=frozenset({Role.NATIONAL_STAFF}))
_numbers = itertools.count(1)


def people_app(api: Api) -> Any:
    return api.client.app.state.platform.application("people")


def given_person(
    api: Api,
    role: str,
    *,
    tenant: str | None = None,
    region: str | None = None,
    name: str | None = None,
    active: bool = True,
) -> str:
    """A person of the directory (active unless told), their id. Commands read the directory's
    events, so they know them at once; pages read its read model: `await in_directory(api)`."""
    number = next(_numbers)
    app = people_app(api)
    with command_context(actor_id=STAFF.subject, actor_role="national_staff", tenant_id=None, correlation_id="t"):
        result = app.invite(
            STAFF,
            details=PersonalDetails(name=name or f"Personne {number}", email=f"personne{number}-{role}@exemple.fr"),
            role=role,
            tenant=tenant,
            region=region,
        )
        if active:
            app.activate(UUID(result.id))
    return str(result.id)


def deactivated(api: Api, person_id: str) -> None:
    with command_context(actor_id=STAFF.subject, actor_role="national_staff", tenant_id=None, correlation_id="t"):
        people_app(api).deactivate(STAFF, UUID(person_id), reason="départ")


async def in_directory(api: Api) -> None:
    """Until the directory's read model shows every change made so far."""
    head = people_app(api).recorder.max_notification_id() or 0
    answer = await api.client.get("/api/people", params={"wait_for": head, "limit": 1}, headers=api.staff)
    assert answer.status_code == 200, answer.text
