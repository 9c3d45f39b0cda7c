"""Hostile values in every field of every command body: control characters, NUL, homoglyphs,
digits that are not ASCII, invisible and bidirectional characters, huge and non-finite numbers.

Each case starts from a request schemathesis generates as valid and replaces one body field (any
depth) or one query parameter with a hostile value. The platform must answer a documented status
with a documented body, never a server error, and must refuse a control character in any text of a
body (4xx, nothing stored)."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers.fuzzing import Served
from tests.helpers.openapi import openapi_document

HOSTILE = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\x85", "\x9f"]
HOMOGLYPHS = ["АІ", "Ο", "ＡＩ", "ⅰ", "ᴀɪ", "ﬁ"]  # Cyrillic, Greek, fullwidth, Roman numeral, small caps, ligature
NON_ASCII_DIGITS = ["７３２８２９３２０００１２", "٧٣٢٨٢٩٣٢٠٠٠١٢", "७३२८२९३२०००१२", "²³", "𝟕𝟑𝟐"]
INVISIBLE = ["\u200b", "\u200d", "\u202e", "\ufeff", "\u2028", "\U000e0001"]
MONEY_LIKE = ["NaN", "sNaN", "Infinity", "-Infinity", "1E+1000000", "-0", "1e3", "0x10", "1_000", " 12"]
NUMBERS: list[Any] = [2**63, -(2**63) - 1, 10**30, 2**53 + 1, -1, 0, 1.5, 1e308, -1e308, 5e-324, True]


def hostile_strings(lengths: tuple[int, ...] = (301, 4001, 100_000)) -> st.SearchStrategy[str]:
    around = st.text(alphabet="abc 12", max_size=5)
    return st.one_of(
        st.builds(lambda a, c, b: a + c + b, around, st.sampled_from(CONTROL_CHARACTERS), around),
        st.sampled_from(HOMOGLYPHS + NON_ASCII_DIGITS + INVISIBLE + MONEY_LIKE),
        st.builds(lambda n: "a" * n, st.sampled_from(lengths)),
        st.just(""),
        st.just("%_\\"),  # search wildcards
    )


def hostile_values() -> st.SearchStrategy[Any]:
    return st.one_of(hostile_strings(), st.sampled_from(NUMBERS), st.just(None), st.just([]), st.just({}))


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a hostile value can go: every field and item of the body, at any depth."""
    if isinstance(value, dict):
        found = [path + (key,) for key in value]
        for key, inner in value.items():
            found += leaves(inner, path + (key,))
        return found
    if isinstance(value, list):
        found = [path + (i,) for i in range(len(value))]
        for i, inner in enumerate(value):
            found += leaves(inner, path + (i,))
        return found
    return []


def replaced(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(body) if isinstance(body, dict) else list(body)
    copy[head] = replaced(body[head], tuple(rest), value)
    return copy


# Only generated cases: the schemas' own examples (run by test_api_contract) cannot be combined with
# the extra `data` strategy these tests draw from.
GENERATED_ONLY = SchemathesisConfig.from_dict({"phases": {"examples": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(openapi_document(), config=GENERATED_ONLY).include(method=["POST", "PUT"])
queries = schemathesis.openapi.from_dict(openapi_document(), config=GENERATED_ONLY).include(
    method="GET", path_regex="^/api/"
)


@schema.parametrize()
@schema.given(data=st.data())
@HOSTILE
def test_a_hostile_value_in_any_field_is_refused_or_stored_never_a_server_error(
    case,
    data,
    served: Served,  # noqa: ANN001
) -> None:
    if isinstance(case.body, dict | list) and leaves(case.body):
        path = data.draw(st.sampled_from(leaves(case.body)), label="field")
        value = data.draw(hostile_values(), label="hostile value")
        case.body = replaced(case.body, path, value)
    else:
        value = None
    served.aim(case)
    response = case.call(base_url=served.url, headers=served.staff)
    case.validate_response(response, checks=CHECKS)
    if isinstance(value, str) and CONTROL.search(value):
        assert 400 <= response.status_code < 500, (case.body, response.status_code, response.text)


@queries.parametrize()
@queries.given(data=st.data())
@HOSTILE
def test_a_hostile_query_parameter_is_refused_or_answered_never_a_server_error(
    case,  # noqa: ANN001
    data,  # noqa: ANN001
    served: Served,
) -> None:
    names = sorted(parameter.name for parameter in case.operation.query)
    if names:
        name = data.draw(st.sampled_from(names), label="parameter")
        # Not 100 000 characters: a URL that long is refused by the HTTP server itself (400, text),
        # before the platform sees it; in production the ingress answers 414.
        hostile = st.one_of(hostile_strings(lengths=(301, 4001)), st.sampled_from(NUMBERS).map(str))
        value = data.draw(hostile, label="hostile value")
        case.query = {**(case.query or {}), name: value}
    served.aim(case)
    response = case.call(base_url=served.url, headers=served.staff)
    case.validate_response(response, checks=CHECKS)
