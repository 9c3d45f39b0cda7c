"""Directory people for the other services' demo seeds: le Cap's participants and reviewers, the
FMS demo's fund reviewers. The people service seeds first (`depends_on`), so they can name people
of the directory as the commands now require. Idempotent: a person is found by their e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from services.people.application import PeopleApplication
from services.people.demo.seed import SEEDER
from shared.auth import Role
from shared.events import command_context
from shared.personal import PersonalDetails

if TYPE_CHECKING:
    from shared.platform import Platform


def demo_person(
    platform: Platform, *, email: str, name: str, role: Role, tenant: str | None = None, region: str | None = None
) -> str:
    """The id of the active person with this e-mail, invited and activated the first time."""
    app = platform.application("people")
    if not isinstance(app, PeopleApplication):
        raise TypeError(f"the people service runs {type(app).__name__}, not PeopleApplication")
    known = app.person_with_email(email)
    if known is not None:
        return str(known)
    with command_context(
        actor_id=SEEDER.subject, actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-people"
    ):
        result = app.invite(
            SEEDER, details=PersonalDetails(name=name, email=email), role=role.value, tenant=tenant, region=region
        )
        app.activate(UUID(result.id))
    return result.id
