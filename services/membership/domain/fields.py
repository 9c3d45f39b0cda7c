"""The register's rules for the values a command carries, checked in the domain.

The API's request schemas say the same (and answer 400 before a command runs); these checks are
what the demo seeder and any other caller of the application go through too, so that no value an
event stores can later stop a projection (PostgreSQL cannot store U+0000 in text).
"""

from __future__ import annotations

import re
from decimal import Decimal

from shared.errors import InvalidInput
from shared.values import MONEY_PATTERN, PATTERN_MEANINGS, check_money, check_text

NAME_MAX_LENGTH = 300
REASON_MAX_LENGTH = 2000
GROUP_ID_MAX_LENGTH = 100
FIRST_DUES_YEAR, LAST_DUES_YEAR = 1980, 2100
CENT = Decimal("0.01")


def checked_text(value: str, field: str, *, max_length: int = NAME_MAX_LENGTH, multi_line: bool = False) -> str:
    """The text without surrounding blanks, refused if it holds a control character, is empty or too long."""
    # Control characters first: `str.strip` would silently remove some of them (U+001F, U+0085).
    text = check_text(value, field, multi_line=multi_line).strip()
    if not text:
        raise InvalidInput(f"le champ « {field} » est vide", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"le champ « {field} » dépasse {max_length} caractères ({len(text)})", field=field)
    return text


def checked_reason(value: str) -> str:
    return checked_text(value, "reason", max_length=REASON_MAX_LENGTH, multi_line=True)


def checked_amount(value: Decimal | str | int) -> Decimal:
    """Euros as `check_money` allows them, always written with their two decimals ("500" is 500.00)."""
    # `Decimal` also reads " 3 ", "3_0" and other scripts' digits ("٣"): a string must be written
    # exactly as the API's MoneyText says.
    if isinstance(value, str) and not re.search(MONEY_PATTERN, value):
        raise InvalidInput(f"le champ « amount » {PATTERN_MEANINGS[MONEY_PATTERN]}", field="amount")
    return check_money(value, "amount").quantize(CENT)


def checked_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_DUES_YEAR <= year <= LAST_DUES_YEAR:
        raise InvalidInput(
            f"le champ « year » doit être une année entre {FIRST_DUES_YEAR} et {LAST_DUES_YEAR}", field="year"
        )
    return year
