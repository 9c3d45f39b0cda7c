"""Value types every API shares: text without control characters, ASCII digits, money, paging.

One definition each, so that the rule, its OpenAPI schema and its French error message are the
same in every service. Request Structs use the `Annotated` types; domain code (which the CLI and
the demo also go through) calls the `check_*` functions, which raise `InvalidInput` naming the field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from msgspec import Meta

from shared.errors import InvalidInput

# C0 controls except tab and newline, DEL, and C1 controls. PostgreSQL cannot store U+0000 in text,
# and the others have no business in a name or a comment. A carriage return is refused too: the
# portal normalises line endings before it sends a command.
_CONTROL = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
# Python's `$` also matches before a final newline ("123\n" would pass `^[0-9]+$`); the lookahead
# closes that gap and means the same in JSON Schema's (ECMA) dialect.
_END = r"(?!\n)$"
SINGLE_LINE_PATTERN = rf"^[^{_CONTROL}\n]*{_END}"
MULTI_LINE_PATTERN = rf"^[^{_CONTROL}]*$"
ASCII_DIGITS_PATTERN = rf"^[0-9]+{_END}"
# Euros with at most two decimals, below a billion; no sign, no exponent, no NaN/Infinity.
MONEY_PATTERN = rf"^(0|[1-9][0-9]{{0,8}})(\.[0-9]{{1,2}})?{_END}"
MONEY_MAX = Decimal("999999999.99")

# What each pattern means, in the words the error message uses ("le champ `x` <meaning>").
PATTERN_MEANINGS: dict[str, str] = {
    SINGLE_LINE_PATTERN: "ne doit contenir ni caractère de contrôle ni saut de ligne",
    MULTI_LINE_PATTERN: "ne doit contenir aucun caractère de contrôle "
    "(seuls la tabulation et le saut de ligne sont admis)",
    ASCII_DIGITS_PATTERN: "ne doit contenir que des chiffres de 0 à 9",
    MONEY_PATTERN: 'doit être un montant en euros positif, avec au plus deux décimales (ex. "1250.50")',
}

Text = Annotated[
    str,
    Meta(
        min_length=1, max_length=300, pattern=SINGLE_LINE_PATTERN, description="Texte d'une ligne, 1 à 300 caractères"
    ),
]
LongText = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=4000,
        pattern=MULTI_LINE_PATTERN,
        description="Texte libre, 1 à 4 000 caractères, sauts de ligne admis",
    ),
]
MoneyText = Annotated[
    str,
    Meta(
        pattern=MONEY_PATTERN,
        description="Montant en euros, positif ou nul, au plus deux décimales, écrit en chaîne",
        examples=["1250.50"],
    ),
]
Limit = Annotated[int, Meta(ge=1, le=500, description="Nombre d'éléments par page (1 à 500)")]
Offset = Annotated[int, Meta(ge=0, le=1_000_000, description="Rang du premier élément (0 à 1 000 000)")]

# The domain also refuses lone UTF-16 surrogates (U+D800–U+DFFF): no UTF-8 text, so no PostgreSQL
# text, can hold one (hypothesis found one passing). JSON bodies cannot carry them (the decoder
# refuses them), so the request schemas' patterns leave them out: in a JSON Schema pattern the range
# made schema-driven generators read the whole class wrongly.
_CONTROL_RE = re.compile(f"[{_CONTROL}\ud800-\udfff]")


def about(description: str) -> Meta:
    """A field's one-line description in the OpenAPI document (`Annotated[int, about("…")]`)."""
    return Meta(description=description)


def check_text(value: str, field: str, *, multi_line: bool = False) -> str:
    """Refuse control characters (and line breaks in single-line text) in a text the domain stores."""
    bad = _CONTROL_RE.search(value) or (None if multi_line else re.search(r"\n", value))
    if bad:
        raise InvalidInput(
            f"le champ « {field} » contient un caractère interdit (U+{ord(bad.group()):04X}) : "
            + PATTERN_MEANINGS[MULTI_LINE_PATTERN if multi_line else SINGLE_LINE_PATTERN],
            field=field,
        )
    return value


def check_ascii_digits(value: str, field: str) -> str:
    if not re.fullmatch(ASCII_DIGITS_PATTERN, value):
        raise InvalidInput(f"le champ « {field} » {PATTERN_MEANINGS[ASCII_DIGITS_PATTERN]}", field=field)
    return value


def check_money(value: Decimal | str | int, field: str) -> Decimal:
    """A finite amount of euros, 0 ≤ amount ≤ MONEY_MAX, at most two decimals."""
    if isinstance(value, str) and not re.search(MONEY_PATTERN, value):
        # Decimal() alone reads "٣٠٠", " 3" and "3_0": only the documented spelling is money.
        raise InvalidInput(f"le champ « {field} » {PATTERN_MEANINGS[MONEY_PATTERN]}", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"le champ « {field} » {PATTERN_MEANINGS[MONEY_PATTERN]}", field=field)
    return amount
