"""The member facts as of a date (`shared.contracts.membership.facts_as_of`), as training's
eligibility reads them from the members' published history: the events that took effect by the end
of the day, in effective order, folded by the contract's one fold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from shared.contracts.membership import (
    MemberJoinedAccordGroupeV1,
    MemberLeftAccordGroupeV1,
    MemberMovedToRegionV1,
    MemberRegisteredV1,
    MemberResignedV1,
    facts_after,
    facts_as_of,
)

MEMBER = uuid4()
AT = datetime(2026, 1, 1, tzinfo=UTC)


def history() -> list:
    common = {"member_id": MEMBER, "recorded_at": AT}
    return [
        MemberRegisteredV1(
            **common,
            version=1,
            name="AI",
            siret="x",
            forms=("AI",),
            region="NPC",
            joined_on=date(2010, 1, 1),
            contact={},
            city="Lille",
        ),
        # Recorded in this order, dated otherwise: the move took effect before the Accord Groupe ended.
        MemberJoinedAccordGroupeV1(**common, version=2, effective_on=date(2011, 6, 1)),
        MemberLeftAccordGroupeV1(**common, version=3, effective_on=date(2015, 1, 1)),
        MemberMovedToRegionV1(**common, version=4, region="HDF", effective_on=date(2014, 1, 1), reason="fusion"),
        MemberResignedV1(**common, version=5, effective_on=date(2016, 1, 1), reason="cessation"),
    ]


def test_the_facts_as_of_a_date_are_those_in_force_at_the_end_of_that_day() -> None:
    assert facts_as_of(history(), date(2009, 12, 31)) is None  # not a member yet
    in_2012 = facts_as_of(history(), date(2012, 3, 31))
    assert in_2012 is not None
    assert (in_2012.region, in_2012.status, in_2012.accord_groupe_since) == ("NPC", "active", date(2011, 6, 1))
    in_2014 = facts_as_of(reversed(history()), date(2014, 1, 1))  # the events' order does not matter
    assert in_2014 is not None and (in_2014.region, in_2014.accord_groupe_since) == ("HDF", date(2011, 6, 1))
    in_2016 = facts_as_of(history(), date(2016, 1, 1))
    assert in_2016 is not None and (in_2016.status, in_2016.accord_groupe_since) == ("resigned", None)


def test_once_every_change_took_effect_the_as_of_facts_are_the_live_fold() -> None:
    live = None
    for event in history():
        live = facts_after(live, event)
    assert facts_as_of(history(), date(2100, 1, 1)) == live
