"""The values a member command carries are checked in the domain (the CLI and the demo go through it
too): no control character is ever stored, money is finite with two decimals, each refusal names
its field in French, and a refused command records nothing."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.membership.domain.errors import InvalidSiret, MemberRefused
from services.membership.domain.member import Certification, Member
from services.membership.domain.siret import parse_siret
from shared.errors import DomainError, InvalidInput
from shared.personal import PersonalDetails

JOINED_ON = date(2005, 3, 1)
CONTACT = PersonalDetails(name="Anne Le Gall", email="anne@jardins.fr", phone="+33 2 98 00 00 00")
REGISTRATION: dict[str, Any] = {
    "name": "Chantier d'insertion Les Jardins",
    "siret": "73282932000074",
    "forms": ("ACI",),
    "region": "BRE",
    "joined_on": JOINED_ON,
    "contact": CONTACT,
    "city": "Brest",
}
# NUL (PostgreSQL cannot store it in text), other C0 controls, DEL, C1 controls (U+0085 is one that
# `str.strip` would silently eat), and the line breaks a one-line text must not hold.
CONTROL_CHARACTERS = ["\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\r"]
HOSTILE_AMOUNTS = [
    *("NaN", "sNaN", "Infinity", "-Infinity", "1E+1000000", "-1", "10.001", "1000000000", "abc", ""),
    *("٣٠٠", "３００", " 300", "3_00", "1e3", "+300"),  # what `Decimal` alone would read as an amount
]


def with_contact(**fields: str | None) -> PersonalDetails:
    return msgspec.structs.replace(CONTACT, **fields)


def registered(**overrides: Any) -> Member:
    member = Member.register(**{**REGISTRATION, **overrides})
    member.collect_events()
    return member


def refusal(command: Any, *args: Any) -> DomainError:
    with pytest.raises(DomainError) as refused:
        command(*args)
    return refused.value


# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROL_CHARACTERS + ["\n"])
@pytest.mark.parametrize("field", ["name", "city", "contact.name", "contact.email", "contact.phone"])
def test_registration_refuses_a_control_character_in_any_text(field: str, char: str) -> None:
    if field.startswith("contact."):
        part = field.removeprefix("contact.")
        overrides = {"contact": with_contact(**{part: getattr(CONTACT, part)[:3] + char + "x"})}
    else:
        overrides = {field: "Les" + char + "Jardins"}
    error = refusal(lambda: Member.register(**{**REGISTRATION, **overrides}))
    assert isinstance(error, InvalidInput)
    assert error.details["field"] == field
    assert f"« {field} »" in error.message


def test_registration_keeps_the_text_without_surrounding_blanks() -> None:
    member = registered(name="  Les Jardins ", city=" Brest", contact=with_contact(name=" Anne Le Gall "))
    assert (member.name, member.city, member.contact.name) == ("Les Jardins", "Brest", "Anne Le Gall")


@pytest.mark.parametrize(("field", "value"), [("name", "   "), ("city", ""), ("name", "x" * 301)])
def test_a_blank_or_overlong_name_is_refused(field: str, value: str) -> None:
    error = refusal(lambda: Member.register(**{**REGISTRATION, field: value}))
    assert error.details["field"] == field


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        (with_contact(email="pas-une-adresse"), "contact.email"),
        (with_contact(email="a b@c.fr"), "contact.email"),
        (with_contact(email="anne@jardins.f"), "contact.email"),
        (with_contact(email="a" * 65 + "@jardins.fr"), "contact.email"),
        (with_contact(email="anne@" + "j" * 250 + ".fr"), "contact.email"),
        (with_contact(phone="appelez-moi"), "contact.phone"),
        (with_contact(phone=None), "contact.phone"),
        (with_contact(phone=" "), "contact.phone"),
    ],
)
def test_a_contact_that_cannot_be_reached_is_refused(contact: PersonalDetails, field: str) -> None:
    assert refusal(lambda: Member.register(**{**REGISTRATION, "contact": contact})).details["field"] == field


def test_registration_stores_the_siret_in_its_one_spelling() -> None:
    assert registered(siret="732 829 320 00074").siret == "73282932000074"


def test_a_siret_in_other_digits_is_refused_at_registration() -> None:
    error = refusal(lambda: Member.register(**{**REGISTRATION, "siret": "７３２８２９３２０００７４"}))
    assert isinstance(error, InvalidSiret) and error.details["field"] == "siret"


@pytest.mark.parametrize(
    ("forms", "wording"), [((), "au moins une"), (("XYZ",), "inconnue"), (("AI", "AI"), "deux fois")]
)
def test_forms_are_known_and_listed_once(forms: tuple[str, ...], wording: str) -> None:
    error = refusal(lambda: Member.register(**{**REGISTRATION, "forms": forms}))
    assert isinstance(error, MemberRefused) and error.details["field"] == "forms"
    assert wording in error.message


@pytest.mark.parametrize(
    "command",
    [
        lambda m, r: m.change_forms(("AI",), date(2015, 1, 1), r),
        lambda m, r: m.move_to_region("NPC", date(2015, 1, 1), r),
        lambda m, r: m.resign(date(2015, 1, 1), r),
        lambda m, r: m.exclude(date(2015, 1, 1), r),
    ],
)
@pytest.mark.parametrize("char", CONTROL_CHARACTERS)
def test_a_reason_refuses_control_characters_and_records_nothing(command: Any, char: str) -> None:
    member = registered()
    error = refusal(command, member, "a" + char + "b")
    assert error.details["field"] == "reason"
    assert member.collect_events() == []


def test_a_reason_may_span_lines_and_hold_tabs() -> None:
    member = registered()
    member.resign(date(2015, 12, 31), "Décision de l'assemblée :\n\t- cessation d'activité")
    assert member.status == "resigned"


def test_details_changes_are_checked_like_a_registration() -> None:
    member = registered()
    error = refusal(member.change_details, "Les\x00Jardins", CONTACT, "Brest", date(2015, 1, 1))
    assert error.details["field"] == "name"
    assert member.collect_events() == []


def test_a_collective_certificate_id_refuses_control_characters() -> None:
    certification = Certification("CEDRE_ISO_9001", "collective", date(2014, 1, 1), date(2017, 1, 1), "G\x001")
    member = registered()
    assert refusal(member.certify, certification).details["field"] == "group_id"


def test_an_unknown_certification_scheme_is_refused() -> None:
    certification = Certification("ISO_14001", "individual", date(2014, 1, 1), date(2017, 1, 1), None)
    assert refusal(registered().certify, certification).details["field"] == "scheme"


# --- money and years --------------------------------------------------------------------------


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_dues_called_must_be_a_finite_amount_of_euros(amount: str) -> None:
    member = registered()
    error = refusal(member.call_dues, 2015, amount, date(2015, 1, 15))
    assert error.details["field"] == "amount"
    assert member.dues == {} and member.collect_events() == []


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS + ["0"])
def test_a_dues_payment_must_be_a_positive_amount_of_euros(amount: str) -> None:
    member = registered()
    member.call_dues(2015, Decimal("500.00"), date(2015, 1, 15))
    member.collect_events()
    error = refusal(member.pay_dues, 2015, amount, date(2015, 2, 1))
    assert error.details["field"] == "amount"
    assert member.dues[2015] == (Decimal("500.00"), Decimal(0))


@pytest.mark.parametrize("year", [1979, 2101, 10**30])
def test_dues_are_for_a_plausible_year(year: int) -> None:
    assert refusal(registered().call_dues, year, Decimal("500"), date(2015, 1, 15)).details["field"] == "year"


def test_dues_called_with_cents_are_kept_exactly() -> None:
    member = registered()
    member.call_dues(2015, "1250.5", date(2015, 1, 15))
    assert member.dues[2015] == (Decimal("1250.50"), Decimal(0))


# --- the Accord Groupe --------------------------------------------------------------------------


def test_the_accord_groupe_cannot_be_joined_before_the_member_joined_the_federation() -> None:
    member = registered()
    error = refusal(member.join_accord_groupe, date(2005, 2, 28))
    assert isinstance(error, InvalidInput)
    assert error.details["field"] == "effective_on"
    assert "ne peut pas précéder l'adhésion du membre (2005-03-01)" in error.message
    assert member.accord_groupe_since is None and member.collect_events() == []


def test_the_accord_groupe_can_be_joined_on_the_joining_date() -> None:
    member = registered()
    member.join_accord_groupe(JOINED_ON)
    assert member.accord_groupe_since == JOINED_ON


# --- old events ---------------------------------------------------------------------------------


def test_an_event_recorded_under_looser_rules_still_loads() -> None:
    """The checks run in the commands, not in the events' bodies: history is never refused on replay."""
    old = Member(**{**REGISTRATION, "name": "Les\x00Jardins", "siret": "73282932000074"})
    [registered_event] = old.collect_events()
    replayed = registered_event.mutate(None)
    assert isinstance(replayed, Member) and replayed.name == "Les\x00Jardins"


# --- properties over hostile input --------------------------------------------------------------

STORED_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@settings(max_examples=300, derandomize=True)
@given(st.text(max_size=320))
def test_any_name_is_stored_clean_or_refused_naming_it(name: str) -> None:
    try:
        member = Member.register(**{**REGISTRATION, "name": name})
    except InvalidInput as refused:
        assert refused.details["field"] == "name"
    else:
        assert not STORED_TEXT.search(member.name)
        assert member.name == member.name.strip() and 1 <= len(member.name) <= 300


@settings(max_examples=300, derandomize=True)
@given(
    st.one_of(
        st.text(max_size=30),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.floats(),
    )
)
def test_any_amount_is_stored_as_euros_or_refused_naming_it(amount: Any) -> None:
    member = registered()
    try:
        member.call_dues(2015, amount, date(2015, 1, 15))
    except DomainError as refused:
        assert refused.details["field"] == "amount"
        assert member.dues == {}
    else:
        called, _ = member.dues[2015]
        assert not isinstance(amount, str) or re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", amount)
        assert called.is_finite() and Decimal(0) < called <= Decimal("999999999.99")
        assert called.as_tuple().exponent == -2


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.characters(categories=["Nd", "No", "Zs"]), min_size=10, max_size=24))
def test_any_spelling_of_digits_is_one_ascii_siret_or_refused(spelling: str) -> None:
    try:
        siret = parse_siret(spelling)
    except InvalidSiret as refused:
        assert refused.details["field"] == "siret"
    else:
        assert len(siret) == 14 and siret.isascii() and siret.isdigit()
