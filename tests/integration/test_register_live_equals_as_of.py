"""Property: the register's read model answers what the fold of the events says, for every member
and every figure, at any date and as known at any moment; in particular the live register (today,
known now) equals the register as of today.

Histories are generated: joining dates and changes dated in the past and in the future, recorded
late (long after they took effect), corrections (recorded later with an earlier date), collective
certificates lost by one holder, Accord Groupe dates before joining. They are written to the event
store, the `register` projection follows them, and each read is compared with `fold_as_of` over
the same events (and the figures with `figures` over those folded states).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.membership import queries
from services.membership.domain.errors import MemberRefused
from services.membership.domain.member import Certification, Contact, Member
from services.membership.figures import figures
from services.membership.member_state import certificate_at_risk, fold_as_of, latest_losses
from services.membership.read_models import MemberRecord
from shared.errors import InvalidInput
from shared.platform import Platform
from shared.tenancy import ReadScope
from tests.integration.test_projection_runner import catch_up_everything

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
        contact=Contact("Contact", "c@x.fr", "0102030405"),
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


def expected_record(events: list[Any], losses: dict[str, date], on: date, known_at: datetime | None) -> Any:
    state = fold_as_of(events, on, known_at)
    if state is None:
        return None
    fields = {k: v for k, v in state.items() if k in MemberRecord.__struct_fields__}
    return msgspec.structs.asdict(MemberRecord(**fields, certificate_at_risk=certificate_at_risk(state, losses)))


def expected_network(states: list[dict[str, Any]]) -> dict[str, Any]:
    losses = latest_losses(states)
    groups = [
        {
            **s,
            "n": 1,
            "accord_groupe": s["accord_groupe_since"] is not None,
            "certificate_at_risk": certificate_at_risk(s, losses),
        }
        for s in states
    ]
    active = Counter(s["region"] for s in states if s["status"] == "active")
    return {**figures(groups), "members_per_region": {r: active[r] for r in sorted({s["region"] for s in states})}}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=st.lists(HISTORY, min_size=1, max_size=3))
async def test_the_read_model_answers_the_fold_at_every_date_and_moment_and_live_equals_as_of_today(
    platform: Platform, histories: list[tuple]
) -> None:
    app = platform.application("membership")
    written = _WRITTEN.setdefault(id(platform), {})
    new_ids = []
    for history in histories:
        events = recorded_history(history, len(written) + 1)
        app.save(*events)
        member_id = events[0].originator_id
        written[member_id] = events
        new_ids.append(member_id)
    await catch_up_everything(platform)

    # Live (today, known now) first; then dates around the changes' own, and moments in between.
    moments: list[datetime | None] = [None]
    effective: set[date] = set()
    for member_id in new_ids:
        events = written[member_id]
        moments.append(events[len(events) // 2].timestamp)
        moments.append(events[-1].timestamp - timedelta(microseconds=1))
        for event in events:
            on = getattr(event, "effective_on", None) or event.joined_on
            effective |= {on, on - timedelta(days=1)}
    days = [TODAY, TODAY + timedelta(days=3650), *sorted(effective)[:: max(1, len(effective) // 6)]]
    for known_at in moments[:3]:
        for on in days:
            states = [s for e in written.values() if (s := fold_as_of(e, on, known_at)) is not None]
            losses = latest_losses(states)
            for member_id in new_ids:
                read = await queries.member_record(
                    platform.read_pool, ReadScope.network(), str(member_id), on, known_at
                )
                answer = None if read is None else msgspec.structs.asdict(read)
                assert answer == expected_record(written[member_id], losses, on, known_at), (on, known_at)
            dashboard = await queries.network_dashboard(platform.read_pool, on, known_at)
            counted = msgspec.structs.asdict(dashboard) if dashboard else None
            expected = expected_network(states) if states else None
            if counted is not None:
                counted = {k: v for k, v in counted.items() if k not in ("regions_per_bucket", "as_of", "known_at")}
            assert counted == expected, (on, known_at)


_WRITTEN: dict[int, dict[UUID, list[Any]]] = {}
