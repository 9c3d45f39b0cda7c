"""Money: euros as Decimal, to the cent. Amounts entered with finer precision are refused rather than
rounded (a silently rounded award is an award nobody decided)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from services.training.domain.errors import InvalidAmount

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal(1_000_000_000)  # far above any fund: a typo, not a budget


def euros(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """An amount entered by a user: at most two decimals, never negative."""
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise InvalidAmount(field, f"{field} : un montant doit être positif ou nul")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(field, f"{field} : un montant ne dépasse pas {MAX_AMOUNT} €")
    if amount != amount.quantize(CENT):
        raise InvalidAmount(field, f"{field} : un montant s'exprime au centime près (deux décimales au plus)")
    return amount.quantize(CENT)


def floor_cents(value: Decimal) -> Decimal:
    """A computed amount (a rate applied, a pro rata), rounded down: the fund never pays the
    fraction of a cent it did not owe."""
    return value.quantize(CENT, rounding=ROUND_DOWN)
