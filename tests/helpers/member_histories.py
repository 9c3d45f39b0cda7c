"""Generated member histories (hypothesis): joining dates and changes dated in the past and in the
future, recorded late, corrections, collective certificates lost by one holder, Accord Groupe dates
before joining. Shared by the tests of the member fold, the register and the published contract."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from services.membership.domain.errors import MemberRefused
from services.membership.domain.member import Certification, Member
from shared.errors import InvalidInput
from shared.personal import PersonalDetails

TODAY = date.today()
NOW = datetime.now(UTC)
DATES = st.dates(date(1998, 1, 1), TODAY + timedelta(days=3650))
CHANGES = st.one_of(
    st.tuples(st.just("forms"), st.sampled_from([("AI",), ("ACI",), ("AI", "ETTI"), ("GES",)]), DATES),
    st.tuples(st.just("move"), st.sampled_from(["BRE", "NPC", "IDF"]), DATES),
    st.tuples(st.just("certify"), st.sampled_from(["G1", "G2", None]), DATES),
    st.tuples(st.just("lose"), st.none(), DATES),
    st.tuples(st.just("join_accord"), st.none(), DATES),
    st.tuples(st.just("leave_accord"), st.none(), DATES),
    st.tuples(st.just("call_dues"), st.integers(2014, 2016), DATES),
    st.tuples(st.just("pay_dues"), st.integers(2014, 2016), DATES),
    st.tuples(st.just("resign"), st.none(), DATES),
    st.tuples(st.just("exclude"), st.none(), DATES),
    st.tuples(st.just("reinstate"), st.none(), DATES),
    st.tuples(st.just("details"), st.sampled_from(["Arras", "Lens"]), DATES),
)
HISTORY = st.tuples(
    DATES,  # joined on
    st.sampled_from(["BRE", "NPC", "IDF"]),
    st.lists(CHANGES, max_size=8),
    st.datetimes(datetime(2000, 1, 1), datetime(2020, 1, 1), timezones=st.just(UTC)),  # first recording
    st.lists(st.integers(0, 2000), min_size=9, max_size=9),  # days between recordings
)


def decide(member: Member, change: tuple[str, Any, date]) -> None:
    kind, value, on = change
    if kind == "forms":
        member.change_forms(value, on, "correction")
    elif kind == "move":
        member.move_to_region(value, on, "déménagement")
    elif kind == "certify":
        scope = "collective" if value else "individual"
        member.certify(Certification("CEDRE", scope, on, on + timedelta(days=1095), value))
    elif kind == "lose":
        member.lose_certification(on, "audit")
    elif kind == "join_accord":
        try:
            member.join_accord_groupe(on)
        except InvalidInput:  # a date before joining: the log may hold such events from before the rule
            member._joined_accord_groupe(on)
    elif kind == "leave_accord":
        member.leave_accord_groupe(on)
    elif kind == "call_dues":
        member.call_dues(value, Decimal(500), on)
    elif kind == "pay_dues":
        member.pay_dues(value, Decimal(100), on)
    elif kind == "details":
        member.change_details(member.name, member.contact, value, on)
    else:
        getattr(member, kind)(on, "décision")


def recorded_history(history: tuple, n: int) -> list[Any]:
    """The member's events, each stamped with a recording time (increasing, before now)."""
    joined_on, region, changes, first_recording, gaps = history
    member = Member(
        name=f"Structure {n}",
        siret=f"{n:014d}",
        forms=("AI",),
        region=region,
        joined_on=joined_on,
        contact=PersonalDetails(name="Contact", email="c@x.fr", phone="0102030405"),
        city="Arras",
    )
    for change in changes:
        try:
            decide(member, change)
        except (MemberRefused, InvalidInput):
            pass  # a change the member's state (or its date) refuses is simply not in its history
    events = member.collect_events()
    moment = first_recording
    for event, gap in zip(events, gaps, strict=False):
        moment = max(min(moment + timedelta(days=gap), NOW - timedelta(days=1)), moment + timedelta(microseconds=1))
        object.__setattr__(event, "timestamp", moment)
    return events
