"""Who a training command may name: people of the directory (the people service), checked inside
the command before anything is saved. The caller passes the directory in (the API:
`platform.application("people")`), so that this service needs no import of another one's code."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol
from uuid import UUID

from shared.auth import Role


class NamedPerson(Protocol):
    """What a command reads of a person (the people service's `Person` has it)."""

    @property
    def id(self) -> UUID: ...

    role: Role
    tenant: str | None


class PersonDirectory(Protocol):
    """The people service's `PeopleApplication.require_person`: the person, or a 422 naming `field`
    (unknown, deactivated, in none of `roles`)."""

    def require_person(
        self,
        person_id: UUID | str,
        *,
        tenant: str | None = None,
        roles: Collection[Role] | None = None,
        field: str = "person_id",
    ) -> NamedPerson: ...


def require_fund_reviewer(directory: PersonDirectory, person_id: str, enterprise: str | None) -> str | None:
    """An active fund reviewer; answers the enterprise to check conflicts of interest against: their
    directory member when they have one, else the one the request gives."""
    person = directory.require_person(person_id, roles=(Role.FUND_REVIEWER,), field="reviewer_id")
    return person.tenant or enterprise
