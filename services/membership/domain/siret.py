"""SIRET numbers: their check, and the index aggregate that makes them unique across the register."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.membership.domain.errors import InvalidSiret
from shared.events import AuditedAggregate

LA_POSTE_SIREN = "356000000"
# Separators people type or paste between the groups of digits ("732 829 320 00074"): the space, and
# the no-break spaces French typography puts there. They are removed; any other character is refused.
SIRET_SEPARATORS = " \u00a0\u202f"
_ASCII_DIGITS = frozenset("0123456789")


def siret_is_valid(siret: str) -> bool:
    """14 ASCII digits whose Luhn sum is a multiple of 10 (La Poste's establishments: digit sum of 5).

    Only ASCII digits: `str.isdigit` also accepts fullwidth, Arabic-Indic or superscript digits, and
    "１２３…" would then be a second spelling of a registered SIRET, a way round its uniqueness."""
    if len(siret) != 14 or not set(siret) <= _ASCII_DIGITS:
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != "35600000000048":
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for i, digit in enumerate(int(d) for d in reversed(siret)):
        doubled = digit * 2 if i % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def normalise_siret(raw: str) -> str:
    """The SIRET without its separators (other characters are left for `siret_is_valid` to refuse)."""
    return "".join(c for c in raw if c not in SIRET_SEPARATORS)


def parse_siret(raw: str) -> str:
    """The one spelling of a SIRET the register stores and indexes, or `InvalidSiret`."""
    siret = normalise_siret(raw)
    if not siret_is_valid(siret):
        raise InvalidSiret(raw)
    return siret


class SiretIndex(AuditedAggregate):
    """One per SIRET, with an id derived from the number: a second registration of the same SIRET
    collides on this aggregate's id, so uniqueness holds even under concurrent registrations."""

    @staticmethod
    def create_id(siret: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"coorace:siret:{siret}")

    class Claimed(AuditedAggregate.Created):
        siret: str
        member_id: UUID

    @event(Claimed)
    def __init__(self, siret: str, member_id: UUID) -> None:
        self.siret = siret
        self.member_id = member_id
