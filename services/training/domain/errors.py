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
    def __init__(self, year: int, label: str = "") -> None:
        named = f" sous le libellé « {label} »" if label else " sans libellé (donnez-lui un `label`)"
        super().__init__(
            f"un appel à projets Fonds Mutualisés Solidaires existe déjà pour {year}{named}", year=year, label=label
        )


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


class DateOutOfOrder(CommandRefused):
    """An act dated outside the call's life: before what must precede it, or after what must follow
    it. The message names the field and both dates."""

    code = "date_out_of_order"

    def __init__(self, field: str, act: str, on: object, rule: str, bound_name: str, bound: object) -> None:
        super().__init__(
            f"{field} : {act} ({_day(on)}) ne peut être {rule} {bound_name} ({_day(bound)})",
            field=field,
            on=str(on),
            bound=str(bound),
        )


class DateInFuture(CommandRefused):
    code = "date_in_future"

    def __init__(self, field: str, on: object, today: object) -> None:
        super().__init__(
            f"{field} : la date de l'acte ({_day(on)}) est dans le futur (nous sommes le {_day(today)})",
            field=field,
            on=str(on),
            today=str(today),
        )


def _day(value: object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
