"""The member register's published contract (`shared.contracts.membership`): every member event the
register writes decodes, from its stored form, into its contract Struct — the same Struct the
register folds — and followers fold the member facts with the register's one function."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from eventsourcing.persistence import Mapper
from hypothesis import given, settings

from services.assessment.projections.member_directory import directory_row_after
from services.membership.domain.member import Certification, Member
from services.membership.published import published
from services.training.projections.register_copy import enterprise_after
from shared.contracts.membership import (
    MEMBER_EVENTS,
    MemberFacts,
    MemberRegisteredV1,
    decode,
    facts_after,
    published_member_events,
)
from shared.events import UnknownEvent
from shared.eventstore import event_transcoder
from shared.personal import PersonalDetails
from shared.projection import ForeignEvent, Notified, decode_foreign
from tests.helpers.member_histories import HISTORY, recorded_history

MAPPER = Mapper(transcoder=event_transcoder())


def declared_member_events() -> set[str]:
    """The stored name of every event class the Member aggregate declares."""
    return {
        f"Member.{name}"
        for name, value in vars(Member).items()
        if isinstance(value, type) and issubclass(value, Member.Event) and name not in ("Event", "Created")
    }


def as_stored(event: Member.Event) -> ForeignEvent:
    """The event as a follower reads it from membership's log."""
    stored = MAPPER.to_stored_event(event)
    row = {
        "notification_id": 1,
        "originator_id": stored.originator_id,
        "originator_version": stored.originator_version,
        "topic": stored.topic,
        "state": stored.state,
    }
    return decode_foreign(row).event


def one_of_each_member_event() -> list[Member.Event]:
    """A member's history with every kind of member event the register writes."""
    member = Member.register(
        name="AI du Val",
        siret="73282932000074",
        forms=("AI",),
        region="NPC",
        joined_on=date(2010, 1, 1),
        contact=PersonalDetails(name="Anne Dupont", email="anne@exemple.fr", phone="01 02 03 04 05"),
        city="Arras",
    )
    member.change_details(
        "AI du Val d'Arras",
        PersonalDetails(name="Paul Martin", email="paul@exemple.fr", phone="0102030406"),
        "Arras",
        date(2011, 1, 1),
    )
    member.change_forms(("AI", "ETTI"), date(2012, 1, 1), "ouverture ETTI")
    member.move_to_region("HDF", date(2016, 1, 1), "fusion")
    member.certify(Certification("CEDRE", "collective", date(2014, 6, 1), date(2017, 6, 1), "G1"))
    member.lose_certification(date(2015, 9, 1), "audit")
    member.join_accord_groupe(date(2012, 3, 1))
    member.leave_accord_groupe(date(2013, 3, 1))
    member.call_dues(2015, Decimal("500.00"), date(2015, 1, 15))
    member.pay_dues(2015, Decimal("200.50"), date(2015, 3, 31))
    member.resign(date(2016, 6, 30), "départ")
    member.reinstate(date(2017, 1, 1), "retour")
    member.exclude(date(2018, 1, 1), "décision du conseil")
    return member.collect_events()


def test_every_member_event_class_has_a_published_struct() -> None:
    assert declared_member_events() <= MEMBER_EVENTS.keys()


def test_every_member_event_kind_decodes_from_its_stored_form_into_what_the_register_folds() -> None:
    events = one_of_each_member_event()
    assert {type(e).__qualname__ for e in events} == declared_member_events()
    for event in events:
        decoded = decode(as_stored(event))
        assert type(decoded) is MEMBER_EVENTS[type(event).__qualname__]
        assert without_contact(decoded) == without_contact(published(event))


def without_contact(event: Any) -> dict[str, Any]:
    """The published event's fields but the contact person, which only the register opens."""
    fields = msgspec.structs.asdict(event)
    fields.pop("contact", None)
    return fields


def test_a_follower_reads_the_contact_person_sealed_and_the_register_opened() -> None:
    registered = one_of_each_member_event()[0]
    followed = decode(as_stored(registered))
    assert isinstance(followed, MemberRegisteredV1)
    assert set(followed.contact) == {"subject", "sealed"}
    assert "Anne" not in followed.contact["sealed"]
    assert published(registered).contact["name"] == "Anne Dupont"


@settings(max_examples=100, deadline=None)
@given(HISTORY)
def test_generated_histories_decode_from_their_stored_form_into_what_the_register_folds(history: tuple) -> None:
    for event in recorded_history(history, 1):
        assert without_contact(decode(as_stored(event))) == without_contact(published(event))


def test_a_member_event_without_a_published_struct_is_refused() -> None:
    unknown = ForeignEvent(
        topic="services.membership.domain.member:Member.Renamed",
        name="Member.Renamed",
        originator_id=uuid.uuid4(),
        originator_version=2,
        timestamp=datetime(2015, 1, 1, tzinfo=UTC),
        state={"name": "x"},
    )
    with pytest.raises(UnknownEvent):
        decode(unknown)


def test_a_follower_skips_a_member_event_only_a_newer_register_publishes_and_follows_the_rest() -> None:
    registered = as_stored(one_of_each_member_event()[0])
    newer = ForeignEvent(
        topic="services.membership.domain.member:Member.Renamed",
        name="Member.Renamed",
        originator_id=registered.originator_id,
        originator_version=2,
        timestamp=datetime(2015, 1, 1, tzinfo=UTC),
        state={"name": "x"},
    )
    decoded = published_member_events([Notified(1, registered), Notified(2, newer)], "a follower")
    assert [type(e) for e in decoded] == [MemberRegisteredV1]


def test_the_facts_follow_the_member_through_every_kind_of_event() -> None:
    facts = None
    for event in one_of_each_member_event():
        facts = facts_after(facts, published(event))
    assert facts == MemberFacts(
        name="AI du Val d'Arras", region="HDF", forms=("AI", "ETTI"), status="excluded", accord_groupe_since=None
    )


def test_followers_keep_the_facts_of_the_member_in_recording_order() -> None:
    events = [published(e) for e in one_of_each_member_event()]
    copy: dict[str, Any] | None = None
    directory: dict[str, Any] | None = None
    for event in events:
        copy = enterprise_after(copy, event)
        directory = directory_row_after(directory, event) or directory
    member_id = str(events[0].member_id)
    facts = {"region": "HDF", "name": "AI du Val d'Arras", "forms": ["AI", "ETTI"], "primary_form": "AI"}
    assert copy == {
        "member_id": member_id,
        "tenant_id": member_id,
        **facts,
        "status": "excluded",
        "accord_groupe_since": None,
        "version": len(events),
    }
    assert directory == {
        "member_id": member_id,
        "tenant_id": member_id,
        **facts,
        "status": "excluded",
        "version": len(events),
    }


def test_le_cap_keeps_the_version_of_the_last_event_it_follows() -> None:
    events = [published(e) for e in one_of_each_member_event()[:9]]  # up to the dues paid
    directory: dict[str, Any] | None = None
    for event in events:
        directory = directory_row_after(directory, event) or directory
    assert directory is not None and directory["version"] == 4  # the move; certificates and dues do not count
