"""Who a le Cap command may name: people of the directory (the people service), checked inside the
command before anything is saved. The directory is passed in by the caller (the API, the pages:
`platform.application("people")`), so that this service needs no import of another one's code.

Only people NAMED by a command are checked. The caller's own subject is not: a script's token from
`coorace token --role` acts in its own name as it always did.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol
from uuid import UUID

from shared.auth import Role
from shared.errors import DomainError

# Who may answer the member's self-assessment: its own people.
PARTICIPANT_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR, Role.PEER_REVIEWER})
THIRD_PARTY_ROLES = frozenset({Role.REGIONAL_DELEGATE, Role.TRAINER})
# A peer review goes to another member, through one of its people who reviews for it.
PEER_ROLES = frozenset({Role.PEER_REVIEWER, Role.MEMBER_ADMIN})


class NamedPerson(Protocol):
    """What a command reads of a person (the people service's `Person` has it)."""

    @property
    def id(self) -> UUID: ...

    role: Role
    tenant: str | None
    region: str | None


class PersonDirectory(Protocol):
    """The people service's `PeopleApplication.require_person`: the person, or a 422 naming `field`
    (unknown, deactivated, of another member than `tenant`, in none of `roles`)."""

    def require_person(
        self,
        person_id: UUID | str,
        *,
        tenant: str | None = None,
        roles: Collection[Role] | None = None,
        field: str = "person_id",
    ) -> NamedPerson: ...


class PersonNotSuitable(DomainError):
    """A directory person who may not take this part here (another region, the member itself)."""

    status_code = 422
    code = "person_refused"


def require_participant(directory: PersonDirectory, person_id: str, *, tenant: str) -> NamedPerson:
    return directory.require_person(person_id, tenant=tenant, roles=PARTICIPANT_ROLES, field="participant_id")


def require_third_party(directory: PersonDirectory, person_id: str, *, region: str, role: str | None) -> NamedPerson:
    """A regional delegate or trainer of the member's region (the region the assessment was started
    in), in the role the request names when it names one."""
    person = directory.require_person(person_id, roles=THIRD_PARTY_ROLES, field="reviewer_id")
    if person.region != region:
        raise PersonNotSuitable(
            f"le champ « reviewer_id » : {person_id} n'est pas délégué·e ni formateur·rice de la région {region}",
            field="reviewer_id",
        )
    if role is not None and role != person.role.value:
        raise PersonNotSuitable(
            f"le champ « reviewer_role » : {person_id} a le rôle « {person.role.value} » dans l'annuaire",
            field="reviewer_role",
        )
    return person


def require_peer(
    directory: PersonDirectory, person_id: str, *, assessed_tenant: str, reviewer_tenant: str | None
) -> str:
    """The member a peer review goes to: that of a peer reviewer (or admin) of another member."""
    person = directory.require_person(person_id, roles=PEER_ROLES, field="reviewer_id")
    if person.tenant is None or person.tenant == assessed_tenant:
        raise PersonNotSuitable(
            f"le champ « reviewer_id » : {person_id} travaille pour l'adhérent évalué ; un pair vient d'un autre",
            field="reviewer_id",
        )
    if reviewer_tenant is not None and reviewer_tenant != person.tenant:
        raise PersonNotSuitable(
            f"le champ « reviewer_tenant » : {person_id} travaille pour un autre adhérent ({person.tenant})",
            field="reviewer_tenant",
        )
    return person.tenant
