"""The Member aggregate: one member enterprise of the federation, and everything that happens to it.

Every event carries `effective_on`, the date the change takes effect; the library stamps the
date it was recorded (`timestamp`). A resignation effective 31 December recorded on 15 January, or a
correction of a wrongly entered form, is a new event, never an edit: the register can then answer
both "as of" a date and "as known at" a date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from services.membership.domain.errors import MemberRefused
from services.membership.domain.fields import (
    GROUP_ID_MAX_LENGTH,
    checked_amount,
    checked_reason,
    checked_text,
    checked_year,
)
from services.membership.domain.siret import parse_siret
from shared.errors import InvalidInput
from shared.events import AuditedAggregate, event_value
from shared.personal import EMAIL_MAX_LENGTH, PersonalDetails, is_email, is_phone
from shared.values import check_text


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


@event_value("membership.certification")
@dataclass(frozen=True)
class Certification:
    scheme: str
    scope: str
    obtained_on: date
    expires_on: date
    group_id: str | None  # the collective certificate shared by several members


STATUS_WORDS = {Status.ACTIVE: "actif", Status.RESIGNED: "démissionnaire", Status.EXCLUDED: "exclu"}
EMAIL_MEANING = "n'est pas une adresse électronique (ex. contact@exemple.fr)"
PHONE_MEANING = "n'est pas un numéro de téléphone (6 à 30 caractères parmi les chiffres, espaces et + ( ) . -)"


def checked_contact(contact: PersonalDetails) -> PersonalDetails:
    """The member's contact person as the register keeps it (blanks trimmed, the e-mail as written),
    or `InvalidInput` naming the field under `contact.`. The register's own rules around the
    platform's e-mail and phone rules: its text limits and messages, and a phone it can call."""
    name = checked_text(contact.name, "contact.name")
    email = checked_text(contact.email, "contact.email", max_length=EMAIL_MAX_LENGTH)
    if not is_email(email):
        raise InvalidInput(f"le champ « contact.email » {EMAIL_MEANING}", field="contact.email")
    phone = checked_text(contact.phone or "", "contact.phone")
    if not is_phone(phone):
        raise InvalidInput(f"le champ « contact.phone » {PHONE_MEANING}", field="contact.phone")
    return PersonalDetails(name=name, email=email, phone=phone)


def checked_forms(forms: tuple[str, ...]) -> tuple[str, ...]:
    if not forms:
        raise MemberRefused("le champ « forms » : un membre a au moins une forme", field="forms")
    allowed = {f.value for f in Form}
    unknown = [f for f in forms if f not in allowed]
    if unknown:
        raise MemberRefused(
            f"le champ « forms » : forme(s) inconnue(s) {', '.join(map(repr, unknown))} ; "
            f"formes possibles : {', '.join(sorted(allowed))}",
            field="forms",
        )
    if len(set(forms)) != len(forms):
        raise MemberRefused("le champ « forms » cite deux fois la même forme", field="forms")
    return tuple(forms)


def checked_certification(certification: Certification) -> Certification:
    if certification.scheme not in {s.value for s in Scheme}:
        raise MemberRefused(
            f"le champ « scheme » : {certification.scheme!r} n'est pas une certification connue "
            f"({', '.join(s.value for s in Scheme)})",
            field="scheme",
        )
    if certification.scope not in {s.value for s in CertificationScope}:
        raise MemberRefused(
            f"le champ « scope » : {certification.scope!r} n'est ni « individual » ni « collective »", field="scope"
        )
    if certification.expires_on <= certification.obtained_on:
        raise MemberRefused(
            "le champ « expires_on » doit être postérieur à « obtained_on » "
            f"({certification.expires_on} n'est pas après {certification.obtained_on})",
            field="expires_on",
        )
    group_id = certification.group_id
    if group_id is not None:
        group_id = checked_text(group_id, "group_id", max_length=GROUP_ID_MAX_LENGTH)
    if certification.scope == CertificationScope.COLLECTIVE and not group_id:
        raise MemberRefused(
            "le champ « group_id » est requis : une certification collective porte l'identifiant du certificat partagé",
            field="group_id",
        )
    return replace(certification, group_id=group_id)


class Member(AuditedAggregate):
    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): the member's own."""
        return member_tenant(self.id)

    # --- events: each declared once; the class name is part of the stored topic ----------------

    class Registered(AuditedAggregate.Created):
        name: str
        siret: str
        forms: tuple[str, ...]
        region: str
        joined_on: date
        contact: PersonalDetails
        city: str

    class DetailsChanged(AuditedAggregate.Event):
        name: str
        contact: PersonalDetails
        city: str
        effective_on: date

    class FormsChanged(AuditedAggregate.Event):
        forms: tuple[str, ...]
        effective_on: date
        reason: str

    class MovedToRegion(AuditedAggregate.Event):
        region: str
        effective_on: date
        reason: str

    class Certified(AuditedAggregate.Event):
        certification: Certification
        effective_on: date

    class CertificationLost(AuditedAggregate.Event):
        effective_on: date
        reason: str

    class JoinedAccordGroupe(AuditedAggregate.Event):
        effective_on: date

    class LeftAccordGroupe(AuditedAggregate.Event):
        effective_on: date

    class DuesCalled(AuditedAggregate.Event):
        year: int
        amount: Decimal
        effective_on: date

    class DuesPaid(AuditedAggregate.Event):
        year: int
        amount: Decimal
        effective_on: date

    class Resigned(AuditedAggregate.Event):
        effective_on: date
        reason: str

    class Excluded(AuditedAggregate.Event):
        effective_on: date
        reason: str

    class Reinstated(AuditedAggregate.Event):
        effective_on: date
        reason: str

    # --- creation -------------------------------------------------------------------------

    @event(Registered)
    def __init__(
        self,
        name: str,
        siret: str,
        forms: tuple[str, ...],
        region: str,
        joined_on: date,
        contact: PersonalDetails,
        city: str,
    ) -> None:
        # Replaying a stored event runs this body too, so the checks live in `register`, not here:
        # an event recorded under older rules must still load.
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

    @classmethod
    def register(
        cls,
        *,
        name: str,
        siret: str,
        forms: tuple[str, ...],
        region: str,
        joined_on: date,
        contact: PersonalDetails,
        city: str,
    ) -> Member:
        """A new member, its values checked (the SIRET stored in its one canonical spelling)."""
        return cls(
            name=checked_text(name, "name"),
            siret=parse_siret(siret),
            forms=checked_forms(forms),
            region=check_text(region, "region"),
            joined_on=joined_on,
            contact=checked_contact(contact),
            city=checked_text(city, "city"),
        )

    # --- decisions -------------------------------------------------------------------------

    def _require_active(self, doing: str) -> None:
        if self.status != Status.ACTIVE:
            raise MemberRefused(f"impossible {doing} : le membre est {STATUS_WORDS[Status(self.status)]}")

    def change_details(self, name: str, contact: PersonalDetails, city: str, effective_on: date) -> None:
        name, contact, city = checked_text(name, "name"), checked_contact(contact), checked_text(city, "city")
        if (name, contact, city) == (self.name, self.contact, self.city):
            raise MemberRefused("rien à changer : le nom, le contact et la ville sont déjà ceux-là")
        self._details_changed(name, contact, city, effective_on)

    def change_forms(self, forms: tuple[str, ...], effective_on: date, reason: str) -> None:
        forms, reason = checked_forms(forms), checked_reason(reason)
        if forms == self.forms:
            raise MemberRefused("rien à changer : le membre a déjà ces formes", field="forms")
        self._forms_changed(forms, effective_on, reason)

    def move_to_region(self, region: str, effective_on: date, reason: str) -> None:
        reason = checked_reason(reason)
        if region == self.region:
            raise MemberRefused(f"le membre est déjà dans la région {region}", field="region")
        self._moved(region, effective_on, reason)

    def certify(self, certification: Certification) -> None:
        self._require_active("de le certifier")
        certification = checked_certification(certification)
        self._certified(certification, certification.obtained_on)

    def lose_certification(self, effective_on: date, reason: str) -> None:
        reason = checked_reason(reason)
        if self.certification is None:
            raise MemberRefused("le membre n'a aucune certification à perdre")
        self._certification_lost(effective_on, reason)

    def join_accord_groupe(self, effective_on: date) -> None:
        self._require_active("de le faire entrer dans l'Accord Groupe")
        if self.accord_groupe_since is not None:
            raise MemberRefused(f"le membre est déjà dans l'Accord Groupe depuis le {self.accord_groupe_since}")
        # One is in the Accord Groupe as a member of the federation: not before one has joined it.
        if effective_on < self.joined_on:
            raise InvalidInput(
                f"le champ « effective_on » : l'entrée dans l'Accord Groupe ({effective_on}) ne peut pas précéder "
                f"l'adhésion du membre ({self.joined_on})",
                field="effective_on",
            )
        self._joined_accord_groupe(effective_on)

    def leave_accord_groupe(self, effective_on: date) -> None:
        if self.accord_groupe_since is None:
            raise MemberRefused("le membre n'est pas dans l'Accord Groupe")
        self._left_accord_groupe(effective_on)

    def call_dues(self, year: int, amount: Decimal, effective_on: date) -> None:
        self._require_active("d'appeler sa cotisation")
        year, amount = checked_year(year), checked_amount(amount)
        if amount <= 0:
            raise MemberRefused("le champ « amount » : la cotisation appelée doit être positive", field="amount")
        if year in self.dues:
            raise MemberRefused(f"la cotisation {year} a déjà été appelée", field="year")
        self._dues_called(year, amount, effective_on)

    def pay_dues(self, year: int, amount: Decimal, effective_on: date) -> None:
        year, amount = checked_year(year), checked_amount(amount)
        if year not in self.dues:
            raise MemberRefused(f"aucune cotisation n'a été appelée pour {year}", field="year")
        called, paid = self.dues[year]
        if amount <= 0:
            raise MemberRefused("le champ « amount » : un paiement doit être positif", field="amount")
        if paid + amount > called:
            raise MemberRefused(
                f"le champ « amount » : {amount} porterait les paiements de {year} au-delà des {called} appelés "
                f"({paid} déjà payés)",
                field="amount",
            )
        self._dues_paid(year, amount, effective_on)

    def resign(self, effective_on: date, reason: str) -> None:
        self._require_active("d'enregistrer sa démission")
        self._resigned(effective_on, checked_reason(reason))

    def exclude(self, effective_on: date, reason: str) -> None:
        self._require_active("de l'exclure")
        self._excluded(effective_on, checked_reason(reason))

    def reinstate(self, effective_on: date, reason: str) -> None:
        reason = checked_reason(reason)
        if self.status == Status.ACTIVE:
            raise MemberRefused("le membre est déjà actif")
        self._reinstated(effective_on, reason)

    # --- how each event changes the aggregate ---------------------------------------------

    @event(DetailsChanged)
    def _details_changed(self, name: str, contact: PersonalDetails, city: str, effective_on: date) -> None:
        self.name, self.contact, self.city = name, contact, city

    @event(FormsChanged)
    def _forms_changed(self, forms: tuple[str, ...], effective_on: date, reason: str) -> None:
        self.forms = forms

    @event(MovedToRegion)
    def _moved(self, region: str, effective_on: date, reason: str) -> None:
        self.region = region

    @event(Certified)
    def _certified(self, certification: Certification, effective_on: date) -> None:
        self.certification = certification

    @event(CertificationLost)
    def _certification_lost(self, effective_on: date, reason: str) -> None:
        self.certification = None

    @event(JoinedAccordGroupe)
    def _joined_accord_groupe(self, effective_on: date) -> None:
        self.accord_groupe_since = effective_on

    @event(LeftAccordGroupe)
    def _left_accord_groupe(self, effective_on: date) -> None:
        self.accord_groupe_since = None

    @event(DuesCalled)
    def _dues_called(self, year: int, amount: Decimal, effective_on: date) -> None:
        self.dues[year] = (amount, Decimal(0))

    @event(DuesPaid)
    def _dues_paid(self, year: int, amount: Decimal, effective_on: date) -> None:
        called, paid = self.dues[year]
        self.dues[year] = (called, paid + amount)

    @event(Resigned)
    def _resigned(self, effective_on: date, reason: str) -> None:
        self.status = Status.RESIGNED.value

    @event(Excluded)
    def _excluded(self, effective_on: date, reason: str) -> None:
        self.status = Status.EXCLUDED.value

    @event(Reinstated)
    def _reinstated(self, effective_on: date, reason: str) -> None:
        self.status = Status.ACTIVE.value


def member_tenant(member_id: UUID) -> str:
    """A member's tenant id is its member id."""
    return str(member_id)
