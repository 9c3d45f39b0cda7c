"""The read side's fold of member events, and the register as of a date (two dates per change)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings

from services.membership.domain.member import Certification, Member
from services.membership.member_state import (
    Timeline,
    certificate_at_risk,
    fold_as_of,
    latest_losses,
    member_timeline,
)
from shared.personal import PersonalDetails
from tests.helpers.member_histories import HISTORY, recorded_history


def recorded(member: Member, day: datetime) -> list:
    """The member's pending events, stamped as recorded on `day`."""
    events = member.collect_events()
    for event in events:
        object.__setattr__(event, "timestamp", day)
    return events


def test_resignation_recorded_late_counts_from_its_effective_date_but_only_once_known() -> None:
    member = Member(
        name="AI du Val",
        siret="73282932000074",
        forms=("AI",),
        region="NPC",
        joined_on=date(2001, 5, 1),
        contact=PersonalDetails(name="a", email="a@b.fr", phone="0102030405"),
        city="Arras",
    )
    history = recorded(member, datetime(2001, 5, 2, tzinfo=UTC))
    member.resign(date(2015, 12, 31), "dissolution")
    history += recorded(member, datetime(2016, 1, 15, tzinfo=UTC))

    on_new_year = fold_as_of(history, as_of=date(2016, 1, 1), known_at=None)
    known_on_jan_10 = fold_as_of(history, as_of=date(2016, 1, 1), known_at=datetime(2016, 1, 10, tzinfo=UTC))
    before_effect = fold_as_of(history, as_of=date(2015, 12, 30), known_at=None)

    assert on_new_year is not None and on_new_year["status"] == "resigned"
    assert known_on_jan_10 is not None and known_on_jan_10["status"] == "active"
    assert before_effect is not None and before_effect["status"] == "active"


def test_member_not_yet_joined_is_absent_from_the_register_as_of_that_date() -> None:
    member = Member(
        name="EI Nouvelle",
        siret="73282932000074",
        forms=("EI",),
        region="BRE",
        joined_on=date(2016, 3, 1),
        contact=PersonalDetails(name="a", email="a@b.fr", phone="0102030405"),
        city="Brest",
    )
    assert fold_as_of(member.collect_events(), as_of=date(2015, 12, 31), known_at=None) is None


def test_leaving_and_rejoining_keeps_the_whole_tenure_with_its_gap() -> None:
    member = Member(
        name="ACI Les Prés",
        siret="73282932000074",
        forms=("ACI",),
        region="BRE",
        joined_on=date(2000, 1, 1),
        contact=PersonalDetails(name="a", email="a@b.fr", phone="0102030405"),
        city="Rennes",
    )
    member.resign(date(2010, 6, 30), "départ")
    member.reinstate(date(2012, 1, 1), "retour")
    row = fold_as_of(member.collect_events(), as_of=None, known_at=None)
    assert row is not None
    assert row["tenures"] == [
        {"joined_on": "2000-01-01", "left_on": "2010-06-30"},
        {"joined_on": "2012-01-01", "left_on": None},
    ]


def test_a_later_correction_with_an_earlier_effective_date_applies_in_effective_order() -> None:
    member = Member(
        name="GES Solidaire",
        siret="73282932000074",
        forms=("AI",),
        region="IDF",
        joined_on=date(2000, 1, 1),
        contact=PersonalDetails(name="a", email="a@b.fr", phone="0102030405"),
        city="Paris",
    )
    member.change_forms(("AI", "ETTI"), date(2014, 1, 1), "ouverture ETTI")
    member.change_forms(("GES",), date(2012, 1, 1), "correction: GES depuis 2012")
    events = member.collect_events()
    as_of_2013 = fold_as_of(events, as_of=date(2013, 1, 1), known_at=None)
    as_of_2015 = fold_as_of(events, as_of=date(2015, 1, 1), known_at=None)
    assert as_of_2013 is not None and as_of_2013["forms"] == ["GES"]
    assert as_of_2015 is not None and as_of_2015["forms"] == ["AI", "ETTI"]


def a_member(joined_on: date = date(2010, 1, 1)) -> Member:
    return Member(
        name="AI du Val",
        siret="73282932000074",
        forms=("AI",),
        region="NPC",
        joined_on=joined_on,
        contact=PersonalDetails(name="a", email="a@b.fr", phone="0102030405"),
        city="Arras",
    )


def test_an_accord_groupe_date_before_joining_counts_from_the_joining_date() -> None:
    member = a_member(date(2010, 1, 1))
    member._joined_accord_groupe(date(2008, 6, 1))  # as old events may hold it
    events = member.collect_events()
    assert fold_as_of(events, as_of=date(2009, 12, 31), known_at=None) is None
    joined = fold_as_of(events, as_of=date(2010, 1, 1), known_at=None)
    assert joined is not None and joined["accord_groupe_since"] == date(2008, 6, 1)
    assert [s.effective_from for s in member_timeline(events)] == [date(2010, 1, 1)]


def test_losing_a_collective_certificate_is_kept_as_a_loss_until_held_again() -> None:
    member = a_member()
    member.certify(Certification("CEDRE", "collective", date(2014, 6, 1), date(2017, 6, 1), "G1"))
    member.lose_certification(date(2015, 9, 1), "audit")
    member.certify(Certification("CEDRE", "collective", date(2016, 1, 1), date(2019, 1, 1), "G1"))
    events = member.collect_events()
    lost = fold_as_of(events, as_of=date(2015, 12, 31), known_at=None)
    again = fold_as_of(events, as_of=date(2016, 1, 1), known_at=None)
    assert lost is not None and lost["lost_certificates"] == {"G1": "2015-09-01"}
    assert again is not None and again["lost_certificates"] == {}


def test_resigning_while_holding_a_collective_certificate_is_a_loss() -> None:
    member = a_member()
    member.certify(Certification("CEDRE", "collective", date(2014, 6, 1), date(2017, 6, 1), "G1"))
    member.resign(date(2015, 12, 31), "départ")
    row = fold_as_of(member.collect_events(), as_of=None, known_at=None)
    assert row is not None and row["lost_certificates"] == {"G1": "2015-12-31"}


def test_a_holder_is_at_risk_only_for_a_loss_after_it_obtained_the_certificate() -> None:
    holder = {"certification_group": "G1", "status": "active", "certified_on": date(2014, 6, 1)}
    assert certificate_at_risk(holder, {"G1": date(2015, 9, 1)})
    assert not certificate_at_risk(holder, {"G1": date(2014, 1, 1)})
    assert not certificate_at_risk(holder, {"G2": date(2015, 9, 1)})
    assert not certificate_at_risk({**holder, "status": "resigned"}, {"G1": date(2015, 9, 1)})
    assert latest_losses(
        [{"lost_certificates": {"G1": "2015-09-01"}}, {"lost_certificates": {"G1": "2016-01-01"}}]
    ) == {"G1": date(2016, 1, 1)}


def test_dues_called_after_an_earlier_dated_payment_keep_the_payment() -> None:
    member = a_member()
    member.call_dues(2015, Decimal(500), date(2015, 3, 1))
    member.pay_dues(2015, Decimal(200), date(2015, 2, 1))  # dated before the call it pays
    row = fold_as_of(member.collect_events(), as_of=date(2015, 12, 31), known_at=None)
    assert row is not None and row["dues"] == {"2015": {"called": "500.00", "paid": "200.00"}}


def test_a_change_dated_in_the_future_is_a_range_of_its_own_from_that_date() -> None:
    member = a_member()
    member.resign(date(2031, 1, 1), "dissolution votée")
    ranges = [(s.effective_from, s.effective_to, s.state["status"]) for s in member_timeline(member.collect_events())]
    assert ranges == [(date(2010, 1, 1), date(2031, 1, 1), "active"), (date(2031, 1, 1), None, "resigned")]


@settings(max_examples=300, deadline=None)
@given(HISTORY)
def test_a_timeline_kept_event_by_event_equals_the_fold_of_all_events_at_each_step(history: tuple) -> None:
    events = recorded_history(history, 1)
    kept = Timeline()
    for n, event in enumerate(events, start=1):
        assert kept.add(event) == member_timeline(events[:n])


def test_a_timeline_kept_event_by_event_merges_a_change_undone_on_the_same_day() -> None:
    member = a_member()
    member.join_accord_groupe(date(2015, 1, 1))
    member.leave_accord_groupe(date(2015, 1, 1))
    events = recorded(member, datetime(2015, 1, 2, tzinfo=UTC))
    kept = Timeline()
    for event in events:
        segments = kept.add(event)
    assert segments == member_timeline(events)
    assert len(segments) == 1 and segments[0].effective_to is None
