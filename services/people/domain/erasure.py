"""The Erasure aggregate: the receipt of one erasure of a person's personal data.

Erasing deletes the keys of the person's data subjects (`shared.keyring`) in the same transaction
as this receipt: every sealed copy of their details, in every service's events, then reads
"[effacé]". The receipt keeps what an auditor needs and nothing personal: who erased (the event's
meta), when (its timestamp), why, which subjects (random ids) and which kinds of data. Each service
holding such details follows the people log and brings its read models in line from the receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from eventsourcing.domain import event

from services.people.domain.errors import PersonRefused
from shared.auth import Principal, Role
from shared.events import AuditedAggregate
from shared.values import check_text

# What a person's details hold (`shared.personal.PersonalDetails`), as the receipt names it.
ERASED_KINDS = ("nom", "adresse électronique", "téléphone")


class Erasure(AuditedAggregate):
    class Recorded(AuditedAggregate.Created):
        subjects: tuple[UUID, ...]
        person_id: UUID | None  # the directory's person erased, when the request named one
        reason: str
        kinds: tuple[str, ...]

    @classmethod
    def record(cls, actor: Principal, *, subjects: Iterable[UUID], person_id: UUID | None, reason: str) -> Erasure:
        if Role.NATIONAL_STAFF not in actor.roles:
            raise PersonRefused("seule l'équipe nationale efface les données d'une personne", field="role")
        if not reason.strip():
            raise PersonRefused("le champ « reason » : indiquez pourquoi ces données sont effacées", field="reason")
        erased = tuple(sorted(set(subjects), key=str))
        if not erased:
            raise PersonRefused("aucune donnée personnelle n'est tenue pour cette personne", field="person")
        return cls(subjects=erased, person_id=person_id, reason=check_text(reason, "reason"), kinds=ERASED_KINDS)

    @event(Recorded)
    def __init__(self, subjects: tuple[UUID, ...], person_id: UUID | None, reason: str, kinds: tuple[str, ...]) -> None:
        self.subjects = subjects
        self.person_id = person_id
        self.reason = reason
        self.kinds = kinds
