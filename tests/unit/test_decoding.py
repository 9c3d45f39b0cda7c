"""Body decoding limits and the French validation messages (shared.decoding), without the app."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest

from shared.decoding import MAX_BODY_DEPTH, BodyRefused, RequestRefused, decode_body, field_of, french_message
from shared.values import Limit, MoneyText, Text


class Contact(msgspec.Struct, forbid_unknown_fields=True):
    name: Text


class Body(msgspec.Struct, forbid_unknown_fields=True):
    level: int
    improve: bool
    name: Text
    amount: MoneyText
    limit: Limit
    contact: Contact
    forms: Annotated[list[str], msgspec.Meta(max_length=2)]


VALID = {
    "level": 1,
    "improve": True,
    "name": "AI",
    "amount": "10.50",
    "limit": 5,
    "contact": {"name": "Claire"},
    "forms": [],
}


def refusal(**override: object) -> tuple[str, str]:
    """The French message and field for a body that msgspec (strict) refuses."""
    try:
        msgspec.convert({**VALID, **override}, type=Body, strict=True)
    except msgspec.ValidationError as error:
        message, _, at = str(error).partition(" - at `$")
        path = at.rstrip("`").removeprefix(".")
        return french_message(message, path), field_of(message, path)
    raise AssertionError("accepted")


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ({"level": "1"}, "level", "doit être un nombre entier (reçu : une chaîne de caractères)"),
        ({"improve": "false"}, "improve", "doit être un booléen"),
        ({"name": "a\x01b"}, "name", "ni caractère de contrôle"),
        ({"name": ""}, "name", "doit avoir au moins 1 caractère"),
        ({"name": "x" * 301}, "name", "doit avoir au plus 300 caractères"),
        ({"amount": "NaN"}, "amount", "montant en euros"),
        ({"limit": 0}, "limit", "doit être supérieur ou égal à 1"),
        ({"limit": 501}, "limit", "doit être inférieur ou égal à 500"),
        ({"contact": {"name": "x", "phone": "1"}}, "contact.phone", "« contact.phone » est inconnu"),
        ({"contact": {}}, "contact.name", "« contact.name » est obligatoire"),
        ({"forms": ["a", "b", "c"]}, "forms", "au plus 2 éléments"),
    ],
)
def test_msgspec_refusals_are_said_in_french_naming_the_field(override: dict, field: str, words: str) -> None:
    message, named = refusal(**override)
    assert named == field and words in message and f"« {field} »" in message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[" * (MAX_BODY_DEPTH + 1) + b"]" * (MAX_BODY_DEPTH + 1), "imbriqué trop profondément"),
        (b"[" * 100_000, "imbriqué trop profondément"),
        (b'"\xff"', "UTF-8"),
        (b"{", "JSON valide"),
        (b"NaN", "JSON valide"),
        (b"1e999", "nombre trop grand"),
        (b'{"a": 9223372036854775808}', "nombre trop grand"),
        (b'{"a": ["\\u0000"]}', "U+0000"),
        (b'{"\\u0000": 1}', "U+0000"),
    ],
)
def test_malformed_bodies_are_refused_with_a_400(body: bytes, words: str) -> None:
    with pytest.raises(BodyRefused) as refused:
        decode_body(body)
    assert refused.value.status_code == 400 and words in refused.value.detail


def test_a_body_at_the_depth_limit_and_whole_number_floats_are_accepted() -> None:
    deepest = b"[" * MAX_BODY_DEPTH + b"]" * MAX_BODY_DEPTH
    assert decode_body(deepest) is not None
    assert decode_body(b'{"level": 3.0, "rate": 0.5, "n": -9223372036854775808}') == {
        "level": 3,
        "rate": 0.5,
        "n": -(2**63),
    }


def test_a_refusal_never_echoes_a_control_character() -> None:
    refused = RequestRefused("le paramètre « a\x00\x1bb » contient…", "a\x00\x1bb", "query")
    assert refused.detail == "le paramètre « a\\u0000\\u001bb » contient…"
    assert refused.extra == {"field": "a\\u0000\\u001bb", "source": "query"}
