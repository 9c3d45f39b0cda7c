"""A member's contact person is a `PersonalDetails`, the one personal-data type: new events store it
under that type's one name, events stored before under "membership.contact" still decode into it,
and the e-mail and phone rules are one rule wherever they are checked (directory, register, API)."""

from __future__ import annotations

import dataclasses
from datetime import date

import msgspec
import pytest
from eventsourcing.persistence import Mapper, StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from services.membership.api.schemas import ContactIn
from services.membership.domain.member import Member
from services.membership.published import published
from shared.contracts.membership import decode
from shared.errors import InvalidInput
from shared.eventstore import FORMER_VALUE_NAMES, event_transcoder
from shared.personal import EMAIL_PATTERN, PHONE_PATTERN, PersonalDetails, is_email, is_phone
from shared.projection import decode_foreign
from shared.transcoder import StructAsDict

CONTACT = PersonalDetails(name="Anne Dupont", email="Anne.Dupont@exemple.fr", phone="01 02 03 04 05")
MAPPER = Mapper(transcoder=event_transcoder())


def member_events() -> list[Member.Event]:
    member = Member.register(
        name="AI du Val",
        siret="73282932000074",
        forms=("AI",),
        region="NPC",
        joined_on=date(2010, 1, 1),
        contact=CONTACT,
        city="Arras",
    )
    member.change_details("AI du Val", msgspec.structs.replace(CONTACT, phone="0102030406"), "Arras", date(2011, 1, 1))
    return member.collect_events()


def stored_before_issue_10(stored: StoredEvent) -> StoredEvent:
    """The event as the register stored it while its contact was a dataclass of its own: the same
    fields, under the name "membership.contact"."""
    state = stored.state.replace(b'"_type_":"personal.details"', b'"_type_":"membership.contact"')
    assert state != stored.state
    return dataclasses.replace(stored, state=state)


def test_a_member_event_stores_its_contact_under_the_one_personal_data_name() -> None:
    for event in member_events():
        state = MAPPER.to_stored_event(event).state
        assert b'"_type_":"personal.details"' in state
        assert b"membership.contact" not in state
        assert type(event.contact) is PersonalDetails
        # Sealed: neither the name nor the address is in the stored event.
        assert b"Dupont" not in state and b"exemple.fr" not in state


def test_an_event_stored_with_the_former_contact_type_decodes_into_personal_details() -> None:
    for event in member_events():
        stored = MAPPER.to_stored_event(event)
        replayed = MAPPER.to_domain_event(stored_before_issue_10(stored))
        assert type(replayed.contact) is PersonalDetails
        assert vars(replayed) == vars(event)
        # Written again, it takes today's name (nothing writes the former one), and the same sealed text.
        assert MAPPER.to_stored_event(replayed).state == stored.state


def test_followers_read_the_former_and_the_current_contact_as_the_same_published_event() -> None:
    for event in member_events():
        stored = MAPPER.to_stored_event(event)
        for state in (stored.state, stored_before_issue_10(stored).state):
            row = {
                "notification_id": 1,
                "originator_id": stored.originator_id,
                "originator_version": stored.originator_version,
                "topic": stored.topic,
                "state": state,
            }
            decoded = decode(decode_foreign(row).event)
            # A follower reads the contact sealed, under the same subject, whatever the name.
            assert decoded.contact.keys() == {"subject", "sealed"}
            assert decoded.contact["subject"] == str(MAPPER.to_domain_event(stored).contact.subject)
            assert msgspec.structs.replace(decoded, contact={}) == msgspec.structs.replace(published(event), contact={})
    # The register opens it, as written: it keeps the address's case.
    assert MAPPER.to_domain_event(stored).contact.email == "Anne.Dupont@exemple.fr"


def test_the_former_name_decodes_deep_in_a_value_too() -> None:
    # A tag inside a list takes the transcoder's general path, not the flat one events take.
    data = b'{"x":[{"_type_":"membership.contact","_data_":{"name":"A","email":"a@b.fr","phone":"0102030405"}}]}'
    assert event_transcoder().decode(data) == {"x": [PersonalDetails(name="A", email="a@b.fr", phone="0102030405")]}


def test_a_former_name_cannot_take_a_current_one() -> None:
    transcoder = event_transcoder()
    assert FORMER_VALUE_NAMES["membership.contact"] is PersonalDetails
    with pytest.raises(ValueError, match="already the name"):
        transcoder.register_former_name("personal.details", StructAsDict(PersonalDetails, "personal.details"))


# --- one e-mail rule, one phone rule --------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "pas-une-adresse",
        "a b@c.fr",
        "a@b@c.fr",
        "anne@exemple.f",  # no top-level domain has one letter
        "a" * 65 + "@exemple.fr",  # more than the 64 characters SMTP allows before the "@"
        "anne@" + "e" * 247 + ".fr",  # 255 characters
        "anne\x00@exemple.fr",  # PostgreSQL cannot store U+0000
        "anne@exem\x85ple.fr",
    ],
)
def test_the_one_email_rule_refuses_what_cannot_be_an_address(email: str) -> None:
    assert not is_email(email)
    with pytest.raises(InvalidInput) as refused:
        PersonalDetails(name="Anne", email=email).checked()
    assert refused.value.details["field"] == "email"


def test_the_rule_refuses_a_final_line_break_which_the_directory_trims_before_it_checks() -> None:
    assert not is_email("anne@exemple.fr\n")
    assert PersonalDetails(name="Anne", email=" Anne@Exemple.fr\n").checked().email == "anne@exemple.fr"


@pytest.mark.parametrize("email", ["anne@exemple.fr", "a.b+c@sous.exemple.co.uk", "a" * 64 + "@e.fr"])
def test_the_one_email_rule_takes_addresses(email: str) -> None:
    assert is_email(email)


@pytest.mark.parametrize("phone", ["12345", "0102030405\n", "appelez-moi", "0" * 31, "01\x0002030405"])
def test_the_one_phone_rule_refuses_what_cannot_be_dialled(phone: str) -> None:
    assert not is_phone(phone)


def test_the_api_states_the_one_rule_in_its_schema() -> None:
    (_, components) = msgspec.json.schema_components([ContactIn])
    properties = components["ContactIn"]["properties"]
    assert properties["email"]["pattern"] == EMAIL_PATTERN
    assert properties["phone"]["pattern"] == PHONE_PATTERN


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.emails(), st.from_regex(EMAIL_PATTERN)))
def test_the_api_takes_exactly_the_addresses_the_rule_takes(email: str) -> None:
    body = {"name": "Anne", "email": email, "phone": "0102030405"}
    try:
        msgspec.convert(body, ContactIn)
    except msgspec.ValidationError:
        taken = False
    else:
        taken = True
    assert taken == is_email(email)
