"""SIRET numbers: their check, and the index aggregate that makes them unique across the register."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from shared.events import AuditedAggregate

LA_POSTE_SIREN = "356000000"


def siret_is_valid(siret: str) -> bool:
    """14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments: digit sum of 5)."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != "35600000000048":
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for i, digit in enumerate(int(d) for d in reversed(siret)):
        doubled = digit * 2 if i % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def normalise_siret(raw: str) -> str:
    return "".join(raw.split())


class SiretIndex(AuditedAggregate):
    """One per SIRET, with an id derived from the number: a second registration of the same SIRET
    collides on this aggregate's id, so uniqueness holds even under concurrent registrations."""

    @staticmethod
    def create_id(siret: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"coorace:siret:{siret}")

    @event("Claimed")
    def __init__(self, siret: str, member_id: UUID) -> None:
        self.siret = siret
        self.member_id = member_id
