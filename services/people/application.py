"""PeopleApplication: the directory's use cases (load, decide, save), one short method each.

Every command answers a `CommandResult` (person id, new version, notification id). `actor` is who
asks (the Principal of the request): the domain decides whether they may.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial
from uuid import UUID

from services.people.domain.erasure import Erasure
from services.people.domain.errors import EmailAlreadyInDirectory, PersonNotFound
from services.people.domain.notification import Notification
from services.people.domain.person import EmailIndex, Person, Status
from services.people.events_log import SCHEMA
from shared.auth import Principal, Role
from shared.errors import DomainError
from shared.eventstore import CommandResult, IntegrityError, ServiceApplication
from shared.personal import PersonalDetails, normalise_email


class PersonUnusable(DomainError):
    """`require_person` refused: the id names no one, or someone who may not take that part."""

    status_code = 422
    code = "person_refused"


class PeopleApplication(ServiceApplication):
    name = "people"
    schema = SCHEMA

    def invite(
        self,
        actor: Principal,
        *,
        details: PersonalDetails,
        role: str,
        tenant: str | None = None,
        region: str | None = None,
    ) -> CommandResult:
        person = Person.invite(actor, details=details, role=role, tenant=tenant, region=region)
        email = person.details.email
        try:
            # The index's id is derived from the e-mail: a second invitation of the same address
            # collides on it and the whole save fails, even under concurrency. Its event holds the
            # address sealed, like the person's details.
            return self.save_command(person, EmailIndex(person_id=person.id, address=person.details))
        except IntegrityError:
            holder = self.person_with_email(email)
            if holder is not None and holder != person.id:
                raise EmailAlreadyInDirectory(email) from None
            raise

    def activate(self, person_id: UUID) -> CommandResult:
        return self.change(self._person(person_id), lambda p: p.activate())

    def change_role(
        self, actor: Principal, person_id: UUID, *, role: str, tenant: str | None = None, region: str | None = None
    ) -> CommandResult:
        return self.change(
            self._person(person_id), lambda p: p.change_role(actor, role=role, tenant=tenant, region=region)
        )

    def deactivate(self, actor: Principal, person_id: UUID, *, reason: str) -> CommandResult:
        return self.change(self._person(person_id), lambda p: p.deactivate(actor, reason=reason))

    def reactivate(self, actor: Principal, person_id: UUID) -> CommandResult:
        return self.change(self._person(person_id), lambda p: p.reactivate(actor))

    def notify_person(
        self,
        *,
        kind: str,
        key: str,
        recipient_id: str,
        subject: str,
        text: str,
        link: str,
        tenant_id: str | None = None,
        cause_service: str,
        cause_event: str,
    ) -> CommandResult | None:
        """(Not `notify`: the library's `Application.notify` is its hook after each save.)
        Tell a person of the directory (by e-mail, through the outbox projection), once: None when
        this (kind, key, recipient) was already sent — its id collides. `PersonUnusable` when the
        recipient is no one of the directory, or deactivated."""
        if self.find(Notification, Notification.create_id(kind, key, recipient_id)) is not None:
            return None
        person = self.require_person(recipient_id, field="recipient_id")
        notification = Notification.send(
            kind=kind,
            key=key,
            recipient_id=str(person.id),
            recipient=person.details,
            tenant_id=tenant_id,
            subject=subject,
            text=text,
            link=link,
            cause_service=cause_service,
            cause_event=cause_event,
        )
        try:
            return self.save_command(notification)
        except IntegrityError:
            return None  # sent meanwhile by another attempt (another process, a replay): once is enough

    def erase(
        self, actor: Principal, *, reason: str, email: str | None = None, person_id: UUID | None = None
    ) -> CommandResult:
        """Erase a person's personal data (national staff): the keys of their data subjects are
        deleted with the receipt's save. Named by e-mail (a member's contact person, anyone the
        platform met at that address) or by the directory's person id (and their address)."""
        subjects: set[UUID] = set()
        person = None if person_id is None else self.person(person_id)
        if person is not None:
            email = email or (None if person.details.erased else person.details.email)
            if person.details.subject is not None and not person.details.erased:
                subjects.add(person.details.subject)
        if email is not None:
            subject = self.keyring.subject_of(normalise_email(email))
            if subject is not None:
                subjects.add(subject)
        receipt = Erasure.record(actor, subjects=subjects, person_id=person_id, reason=reason)
        also = [person] if person is not None and person.status != Status.DEACTIVATED else []
        for someone in also:
            someone.deactivate(actor, reason="données personnelles effacées")
        addresses = [normalise_email(email)] if email is not None else []
        return self.save_command(receipt, *also, erase_subjects=receipt.subjects, erase_mail_to=addresses)

    # --- questions ----------------------------------------------------------------------------

    def person(self, person_id: UUID) -> Person:
        """The person as they stand now, or `PersonNotFound`."""
        return self.load(Person, person_id, PersonNotFound)

    def person_with_email(self, email: str) -> UUID | None:
        index = self.find(EmailIndex, EmailIndex.create_id(normalise_email(email)))
        return None if index is None else index.person_id

    def require_person(
        self,
        person_id: UUID | str,
        *,
        tenant: str | None = None,
        roles: Collection[Role] | None = None,
        field: str = "person_id",
    ) -> Person:
        """The person named in another service's command, or a refusal naming `field`: unknown,
        deactivated, of another member than `tenant`, or in none of `roles`. Read from the
        events (not a read model that may lag), so a person invited a moment ago is known."""
        try:
            person = self.find(Person, person_id if isinstance(person_id, UUID) else UUID(str(person_id)))
        except ValueError:
            person = None
        if person is None:
            raise PersonUnusable(f"le champ « {field} » : aucune personne {person_id} dans l'annuaire", field=field)
        if person.status == Status.DEACTIVATED:
            raise PersonUnusable(
                f"le champ « {field} » : le compte de {person.details.name} est désactivé", field=field
            )
        if tenant is not None and person.tenant != tenant:
            raise PersonUnusable(
                f"le champ « {field} » : {person.details.name} n'appartient pas à cet adhérent", field=field
            )
        if roles is not None and person.role not in roles:
            raise PersonUnusable(
                f"le champ « {field} » : {person.details.name} n'a pas le rôle attendu "
                f"({', '.join(sorted(r.value for r in roles))})",
                field=field,
            )
        return person

    def _person(self, person_id: UUID) -> Callable[[], Person]:
        return partial(self.load, Person, person_id, PersonNotFound)
