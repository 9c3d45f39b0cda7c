"""Money and rates: euros as Decimal, to the cent; co-funding rates as Decimal shares of 1.

Amounts entered with finer precision are refused rather than rounded (a silently rounded award is an
award nobody decided). Both refuse NaN, infinities, signs and exponents that no budget needs, with a
French message naming the field, whether the value comes from the API, the CLI or the demo.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from shared.errors import InvalidInput
from shared.values import check_money

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RATE_STEP = Decimal("0.0001")

# A share of 1 with at most four decimals, written as a string: "0.5", "0.70", "1", "0.3333".
RATE_PATTERN = r"^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)(?!\n)$"
RATE_MEANING = 'doit être un taux compris entre 0 et 1, avec au plus quatre décimales (ex. "0.50")'


def euros(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """An amount entered by a user: finite, never negative, bounded, at most two decimals."""
    return check_money(value, field).quantize(CENT)


def rate(value: Decimal | int | str, field: str) -> Decimal:
    """A co-funding rate entered by a user: a finite share between 0 and 1, at most four decimals."""
    try:
        share = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        share = Decimal("NaN")
    if isinstance(value, str) and not re.fullmatch(RATE_PATTERN, value):
        share = Decimal("NaN")
    if not share.is_finite() or not 0 <= share <= 1 or share != share.quantize(RATE_STEP):
        raise InvalidInput(f"le champ « {field} » {RATE_MEANING}", field=field)
    return share


def floor_cents(value: Decimal) -> Decimal:
    """A computed amount (a rate applied, a pro rata), rounded down: the fund never pays the
    fraction of a cent it did not owe."""
    return value.quantize(CENT, rounding=ROUND_DOWN)
