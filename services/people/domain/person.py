"""The Person aggregate: someone in the directory, from invitation to deactivation.

One role per person (the Principal carries it as a one-element set), with the member (tenant) or
region the role needs. Each command checks who asks (`actor`): a member admin manages their own
member's people, in the member roles; national staff manage everyone.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.people.domain.errors import PersonRefused
from services.people.domain.roles import checked_role, placement, require_may_manage
from shared.auth import Principal, Role
from shared.events import AuditedAggregate
from shared.personal import PersonalDetails, normalise_email
from shared.values import check_text


class Status(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


STATUS_WORDS = {Status.INVITED: "invitée", Status.ACTIVE: "active", Status.DEACTIVATED: "désactivée"}


class Person(AuditedAggregate):
    class Invited(AuditedAggregate.Created):
        details: PersonalDetails
        role: str
        tenant: str | None
        region: str | None
        invited_by: str

    class Activated(AuditedAggregate.Event):
        pass

    class RoleChanged(AuditedAggregate.Event):
        role: str
        tenant: str | None
        region: str | None
        by: str

    class Deactivated(AuditedAggregate.Event):
        by: str
        reason: str

    class Reactivated(AuditedAggregate.Event):
        by: str

    @classmethod
    def invite(
        cls,
        actor: Principal,
        *,
        details: PersonalDetails,
        role: str,
        tenant: str | None = None,
        region: str | None = None,
    ) -> Person:
        checked = checked_role(role)
        tenant, region = placement(checked, tenant, region)
        require_may_manage(actor, checked, tenant)
        return cls(
            details=details.checked(), role=checked.value, tenant=tenant, region=region, invited_by=actor.subject
        )

    @event(Invited)
    def __init__(
        self, details: PersonalDetails, role: str, tenant: str | None, region: str | None, invited_by: str
    ) -> None:
        self.details = details
        self.role = Role(role)
        self.tenant = tenant
        self.region = region
        self.invited_by = invited_by
        self.status = Status.INVITED
        self.ever_activated = False

    # --- commands -----------------------------------------------------------------------------

    def activate(self) -> None:
        if self.status != Status.INVITED:
            raise PersonRefused(
                f"l'invitation ne peut plus être acceptée : le compte est {STATUS_WORDS[self.status]}", field="status"
            )
        self._activated()

    def change_role(self, actor: Principal, *, role: str, tenant: str | None = None, region: str | None = None) -> None:
        self._require_manages(actor)
        checked = checked_role(role)
        tenant, region = placement(checked, tenant, region)
        require_may_manage(actor, checked, tenant)
        if (checked, tenant, region) == (self.role, self.tenant, self.region):
            raise PersonRefused("le champ « role » : la personne a déjà ce rôle", field="role")
        self._role_changed(role=checked.value, tenant=tenant, region=region, by=actor.subject)

    def deactivate(self, actor: Principal, *, reason: str) -> None:
        self._require_manages(actor)
        if actor.subject == str(self.id):
            raise PersonRefused("vous ne pouvez pas désactiver votre propre compte", field="person_id")
        if self.status == Status.DEACTIVATED:
            raise PersonRefused("le compte est déjà désactivé", field="status")
        self._deactivated(by=actor.subject, reason=check_text(reason, "reason"))

    def reactivate(self, actor: Principal) -> None:
        self._require_manages(actor)
        if self.status != Status.DEACTIVATED:
            raise PersonRefused("le compte n'est pas désactivé", field="status")
        self._reactivated(by=actor.subject)

    def _require_manages(self, actor: Principal) -> None:
        """A member admin manages the people of their member only (in the member roles)."""
        require_may_manage(actor, self.role, self.tenant)

    # --- events applied -----------------------------------------------------------------------

    @event(Activated)
    def _activated(self) -> None:
        self.status = Status.ACTIVE
        self.ever_activated = True

    @event(RoleChanged)
    def _role_changed(self, role: str, tenant: str | None, region: str | None, by: str) -> None:
        self.role, self.tenant, self.region = Role(role), tenant, region

    @event(Deactivated)
    def _deactivated(self, by: str, reason: str) -> None:
        self.status = Status.DEACTIVATED

    @event(Reactivated)
    def _reactivated(self, by: str) -> None:
        self.status = Status.ACTIVE if self.ever_activated else Status.INVITED

    # --- questions ----------------------------------------------------------------------------

    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): its member's, else the network's."""
        return self.tenant or ""

    @property
    def principal(self) -> Principal:
        """Who this person is when they sign in: their current role, member and region."""
        return Principal(subject=str(self.id), roles=frozenset({self.role}), tenant=self.tenant, region=self.region)


class EmailIndex(AuditedAggregate):
    """One per e-mail address, with an id derived from it: a second invitation of the same address
    collides on this aggregate's id, so one person per e-mail holds even under concurrency."""

    @staticmethod
    def create_id(email: str | None = None, address: PersonalDetails | None = None) -> UUID:
        spelled = address.email if address is not None else email
        if spelled is None:
            raise TypeError("an e-mail index needs the address it is the index of")
        return uuid5(uuid.NAMESPACE_URL, f"coorace:person-email:{normalise_email(spelled)}")

    class Claimed(AuditedAggregate.Created):
        person_id: UUID
        # The address, sealed with the person's details (`address`); in clear (`email`) in events
        # recorded before personal data was sealed.
        email: str | None = None
        address: PersonalDetails | None = None

    @event(Claimed)
    def __init__(self, person_id: UUID, email: str | None = None, address: PersonalDetails | None = None) -> None:
        self.person_id = person_id
