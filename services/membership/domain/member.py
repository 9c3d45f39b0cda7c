"""The Member aggregate: one member enterprise of the federation, and everything that happens to it.

Every event carries `effective_on`, the date the change takes effect; the library stamps the
date it was recorded (`timestamp`). A resignation effective 31 December recorded on 15 January, or a
correction of a wrongly entered form, is a new event, never an edit: the register can then answer
both "as of" a date and "as known at" a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from services.membership.domain.errors import MemberRefused
from shared.events import AuditedAggregate, event_value


class Form(StrEnum):
    AI = "AI"
    ACI = "ACI"
    ETTI = "ETTI"
    ETT_ESS = "ETT-ESS"
    EI = "EI"
    GES = "GES"
    OSP = "OSP"
    OTHER = "other"


class Status(StrEnum):
    ACTIVE = "active"
    RESIGNED = "resigned"
    EXCLUDED = "excluded"


class Scheme(StrEnum):
    CEDRE = "CEDRE"
    CEDRE_ISO_9001 = "CEDRE_ISO_9001"


class CertificationScope(StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


@event_value("membership.contact")
@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


@event_value("membership.certification")
@dataclass(frozen=True)
class Certification:
    scheme: str
    scope: str
    obtained_on: date
    expires_on: date
    group_id: str | None  # the collective certificate shared by several members


class Member(AuditedAggregate):
    @event("Registered")
    def __init__(
        self, name: str, siret: str, forms: tuple[str, ...], region: str, joined_on: date, contact: Contact, city: str
    ) -> None:
        self.name = name
        self.siret = siret
        self.forms = forms
        self.region = region
        self.city = city
        self.joined_on = joined_on
        self.contact = contact
        self.status = Status.ACTIVE.value
        self.certification: Certification | None = None
        self.accord_groupe_since: date | None = None
        self.dues: dict[int, tuple[Decimal, Decimal]] = {}

    # --- decisions -------------------------------------------------------------------------

    def _require_active(self, doing: str) -> None:
        if self.status != Status.ACTIVE:
            raise MemberRefused(f"cannot {doing}: the member is {self.status}")

    def change_details(self, name: str, contact: Contact, city: str, effective_on: date) -> None:
        if (name, contact, city) == (self.name, self.contact, self.city):
            raise MemberRefused("nothing to change: the details are already these")
        self._details_changed(name, contact, city, effective_on)

    def change_forms(self, forms: tuple[str, ...], effective_on: date, reason: str) -> None:
        if forms == self.forms:
            raise MemberRefused("nothing to change: the member already has these forms")
        self._forms_changed(forms, effective_on, reason)

    def move_to_region(self, region: str, effective_on: date, reason: str) -> None:
        if region == self.region:
            raise MemberRefused(f"the member is already in region {region}")
        self._moved(region, effective_on, reason)

    def certify(self, certification: Certification) -> None:
        self._require_active("certify it")
        if certification.expires_on <= certification.obtained_on:
            raise MemberRefused("expires_on must come after obtained_on")
        if certification.scope == CertificationScope.COLLECTIVE and not certification.group_id:
            raise MemberRefused("a collective certification needs the group_id of the shared certificate")
        self._certified(certification, certification.obtained_on)

    def lose_certification(self, effective_on: date, reason: str) -> None:
        if self.certification is None:
            raise MemberRefused("the member holds no certification")
        self._certification_lost(effective_on, reason)

    def join_accord_groupe(self, effective_on: date) -> None:
        self._require_active("join the Accord Groupe")
        if self.accord_groupe_since is not None:
            raise MemberRefused(f"the member is already in the Accord Groupe since {self.accord_groupe_since}")
        self._joined_accord_groupe(effective_on)

    def leave_accord_groupe(self, effective_on: date) -> None:
        if self.accord_groupe_since is None:
            raise MemberRefused("the member is not in the Accord Groupe")
        self._left_accord_groupe(effective_on)

    def call_dues(self, year: int, amount: Decimal, effective_on: date) -> None:
        self._require_active("call dues")
        if amount <= 0:
            raise MemberRefused("amount: dues called must be positive")
        if year in self.dues:
            raise MemberRefused(f"dues for {year} were already called")
        self._dues_called(year, amount, effective_on)

    def pay_dues(self, year: int, amount: Decimal, effective_on: date) -> None:
        if year not in self.dues:
            raise MemberRefused(f"no dues were called for {year}")
        called, paid = self.dues[year]
        if amount <= 0 or paid + amount > called:
            raise MemberRefused(
                f"amount: {amount} would take {year}'s payments over the {called} called ({paid} paid already)"
            )
        self._dues_paid(year, amount, effective_on)

    def resign(self, effective_on: date, reason: str) -> None:
        self._require_active("resign")
        self._resigned(effective_on, reason)

    def exclude(self, effective_on: date, reason: str) -> None:
        self._require_active("exclude it")
        if not reason.strip():
            raise MemberRefused("reason: an exclusion needs the board's reason")
        self._excluded(effective_on, reason)

    def reinstate(self, effective_on: date, reason: str) -> None:
        if self.status == Status.ACTIVE:
            raise MemberRefused("the member is already active")
        self._reinstated(effective_on, reason)

    # --- events ----------------------------------------------------------------------------

    @event("DetailsChanged")
    def _details_changed(self, name: str, contact: Contact, city: str, effective_on: date) -> None:
        self.name, self.contact, self.city = name, contact, city

    @event("FormsChanged")
    def _forms_changed(self, forms: tuple[str, ...], effective_on: date, reason: str) -> None:
        self.forms = forms

    @event("MovedToRegion")
    def _moved(self, region: str, effective_on: date, reason: str) -> None:
        self.region = region

    @event("Certified")
    def _certified(self, certification: Certification, effective_on: date) -> None:
        self.certification = certification

    @event("CertificationLost")
    def _certification_lost(self, effective_on: date, reason: str) -> None:
        self.certification = None

    @event("JoinedAccordGroupe")
    def _joined_accord_groupe(self, effective_on: date) -> None:
        self.accord_groupe_since = effective_on

    @event("LeftAccordGroupe")
    def _left_accord_groupe(self, effective_on: date) -> None:
        self.accord_groupe_since = None

    @event("DuesCalled")
    def _dues_called(self, year: int, amount: Decimal, effective_on: date) -> None:
        self.dues[year] = (amount, Decimal(0))

    @event("DuesPaid")
    def _dues_paid(self, year: int, amount: Decimal, effective_on: date) -> None:
        called, paid = self.dues[year]
        self.dues[year] = (called, paid + amount)

    @event("Resigned")
    def _resigned(self, effective_on: date, reason: str) -> None:
        self.status = Status.RESIGNED.value

    @event("Excluded")
    def _excluded(self, effective_on: date, reason: str) -> None:
        self.status = Status.EXCLUDED.value

    @event("Reinstated")
    def _reinstated(self, effective_on: date, reason: str) -> None:
        self.status = Status.ACTIVE.value


def member_tenant(member_id: UUID) -> str:
    """A member's tenant id is its member id."""
    return str(member_id)
