"""Refusals of the training service, in words the applicant or the national staff can act on."""

from __future__ import annotations

from decimal import Decimal

from shared.errors import CommandRefused, Conflict, DomainError, NotFound


class CallNotFound(NotFound):
    def __init__(self, call_id: object) -> None:
        super().__init__(f"aucun appel à projets {call_id}")


class ApplicationNotFound(NotFound):
    def __init__(self, application_id: object) -> None:
        super().__init__(f"aucune candidature {application_id}")


class CallAlreadyOpened(Conflict):
    def __init__(self, year: int) -> None:
        super().__init__(f"un appel à projets Fonds Mutualisés Solidaires existe déjà pour {year}", year=year)


class CallRefused(CommandRefused):
    """A command that does not fit the call's current state or terms."""


class ApplicationRefused(CommandRefused):
    """A command that does not fit the application's current state."""


class EnvelopeExceeded(Conflict):
    """The award no longer fits what is left of the envelope (typically: other awards were decided
    meanwhile). Nothing was written."""

    code = "envelope_exceeded"

    def __init__(self, amount: Decimal, available: Decimal) -> None:
        super().__init__(
            f"l'enveloppe ne permet plus cette décision : {amount} € demandés, {available} € encore disponibles "
            "(rien n'a été enregistré)",
            amount=str(amount),
            available=str(available),
        )


class NotPermitted(DomainError):
    """The caller holds the right role but this rule forbids them this act (four-eyes, own enterprise)."""

    status_code = 403
    code = "forbidden"
