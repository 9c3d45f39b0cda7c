"""The shared value rules: what a text, a string of digits and an amount of money may be."""

from decimal import Decimal

import pytest

from shared.errors import InvalidInput
from shared.values import check_ascii_digits, check_money, check_text


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x85b", "a\nb", "ok\n", "a\rb", "a\ud800b", "\udfff"])
def test_single_line_text_refuses_control_characters_and_line_breaks(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_text(value, "reason")
    assert refused.value.details == {"field": "reason"}
    assert "reason" in refused.value.message


def test_multi_line_text_keeps_tabs_and_newlines_but_not_nul_nor_a_lone_surrogate() -> None:
    assert check_text("ligne 1\n\tligne 2", "comment", multi_line=True) == "ligne 1\n\tligne 2"
    for value in ("ligne\x00", "ligne\ud83d"):  # half of an emoji's UTF-16 pair: no UTF-8 text holds it
        with pytest.raises(InvalidInput):
            check_text(value, "comment", multi_line=True)
    assert check_text("bravo \U0001f44d", "comment", multi_line=True) == "bravo \U0001f44d"


@pytest.mark.parametrize("value", ["１２３", "١٢٣", "१२३", "¹²³", "123\n", ""])
def test_digits_are_ascii_digits(value: str) -> None:
    with pytest.raises(InvalidInput):
        check_ascii_digits(value, "siret")


@pytest.mark.parametrize(
    "value", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+1000000", "-1", "1.234", "٣٠٠", " 3", "3_0", "1000000000"]
)
def test_money_refuses_what_is_not_an_amount_of_euros(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_money(value, "amount")
    assert refused.value.details == {"field": "amount"}


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-0.01"), Decimal("0.001")])
def test_money_refuses_decimals_that_are_not_amounts(value: Decimal) -> None:
    with pytest.raises(InvalidInput):
        check_money(value, "amount")


def test_money_accepts_euros_with_two_decimals() -> None:
    assert check_money("1250.50", "amount") == Decimal("1250.50")
    assert check_money("999999999.99", "amount") == Decimal("999999999.99")
    assert check_money(Decimal("0"), "amount") == Decimal("0")
