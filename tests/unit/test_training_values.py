"""Money, rates and texts as the training domain takes them, whatever a CLI, the demo or the API
sends: an exact value within its bounds, or a refusal naming the field (never another exception)."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.training.domain.errors import CallRefused
from services.training.domain.money import RATE_PATTERN, euros, rate
from shared.errors import DomainError, InvalidInput
from shared.values import MONEY_MAX, MONEY_PATTERN
from tests.helpers.training_domain import opened

# Strings that look like numbers and strings that do not: signs, exponents, NaN, other digits.
NUMBERISH = st.one_of(
    st.text(alphabet="0123456789.-+eE ", max_size=15),
    st.sampled_from(["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1E+1000000", "1e-1000000", "١٢", "１２"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
)
HOSTILE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(["\x00", "\x1b", "\x7f", "\x85", "\n", "\r", "\t"]),
    max_size=40,
)


@given(NUMBERISH)
def test_an_amount_is_exact_to_the_cent_within_bounds_or_refused_naming_the_field(value: str) -> None:
    try:
        amount = euros(value, "cost")
    except InvalidInput as refused:
        assert refused.details == {"field": "cost"}
        return
    assert amount.is_finite() and Decimal(0) <= amount <= MONEY_MAX and amount == amount.quantize(Decimal("0.01"))
    assert amount == Decimal(value)  # never rounded


@given(st.from_regex(MONEY_PATTERN, fullmatch=True))
def test_every_amount_the_api_lets_through_the_domain_takes(value: str) -> None:
    assert euros(value, "cost") == Decimal(value)


@given(NUMBERISH)
def test_a_rate_is_a_share_of_one_to_four_decimals_or_refused_naming_the_field(value: str) -> None:
    try:
        share = rate(value, "criteria.max_cofunding_rate")
    except InvalidInput as refused:
        assert refused.details == {"field": "criteria.max_cofunding_rate"}
        return
    assert re.fullmatch(RATE_PATTERN, value) and Decimal(0) <= share <= 1


@given(st.from_regex(RATE_PATTERN, fullmatch=True))
def test_every_rate_the_api_lets_through_the_domain_takes(value: str) -> None:
    assert rate(value, "rate") == Decimal(value)


@given(HOSTILE_TEXT)
def test_a_call_title_is_stored_only_without_control_characters(title: str) -> None:
    try:
        call = opened(title=title)
    except (InvalidInput, CallRefused) as refused:
        assert isinstance(refused, DomainError) and refused.details.get("field") == "title"
        return
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]", call.terms.title)
