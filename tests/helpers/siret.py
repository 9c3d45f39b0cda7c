"""Valid SIRET numbers (14 digits, Luhn check digit) for test data."""

from __future__ import annotations

import itertools

_fresh = itertools.count(10_000)


def valid_siret(n: int) -> str:
    """A valid SIRET built from a number (the Luhn check digit appended to its 13 digits)."""
    body = f"{n:013d}"
    for check in range(10):
        candidate = body + str(check)
        total = 0
        for i, digit in enumerate(int(d) for d in reversed(candidate)):
            doubled = digit * 2 if i % 2 else digit
            total += doubled - 9 if doubled > 9 else doubled
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def fresh_siret() -> str:
    """A valid SIRET not handed out before in this test session."""
    return valid_siret(7_328_293_000_000 + next(_fresh))
