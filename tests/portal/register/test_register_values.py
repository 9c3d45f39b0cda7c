"""How the register's pages read what is typed: dates (the date input's ISO text, or 01/03/2026),
euros (« 1 200,50 »), a year; and a refusal's API field names turned into the form's labels."""

from __future__ import annotations

from datetime import date

import pytest

from services.membership.domain.errors import InvalidSiret, UnknownRegion
from services.membership.web.register_common import FormInvalid, Values, french_refusal, parse_day
from shared.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("01/03/2026", date(2026, 3, 1)),
        ("1/3/2026", date(2026, 3, 1)),
        ("2026-02-30", None),
        ("31/02/2026", None),
        ("hier", None),
        ("2026-3-1", None),
        ("", None),
    ],
)
def test_a_date_is_read_from_the_date_input_or_as_french_people_write_it(text: str, expected: date | None) -> None:
    assert parse_day(text) == expected


def test_euros_are_read_with_spaces_commas_and_the_euro_sign() -> None:
    values = Values({"montant": ["1\u202f200,50 €"], "vide": [""]})
    assert values.amount("montant") == "1200.50"
    values.amount("vide")
    assert "vide" in values.errors


def test_a_year_is_four_ascii_digits() -> None:
    values = Values({"a": ["2026"], "b": ["٢٠٢٦"], "c": ["20261"]})
    assert values.year("a") == 2026
    values.year("b")
    values.year("c")
    assert set(values.errors) == {"b", "c"}
    with pytest.raises(FormInvalid) as raised:
        values.check()
    assert set(raised.value.errors) == {"b", "c"}


def test_a_refusal_names_the_field_by_its_french_label_beside_it() -> None:
    refused = french_refusal(InvalidInput("le champ « contact.email » n'est pas une adresse", field="contact.email"))
    assert refused == {"contact_courriel": "Le champ « Courriel du contact » n'est pas une adresse."}
    assert list(french_refusal(InvalidSiret("123"))) == ["siret"]
    region = french_refusal(UnknownRegion("ZZ"))
    assert "/api/" not in region["region"] and "ZZ" in region["region"]
