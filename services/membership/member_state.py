"""The member as the read side sees it: one pure fold of its events into a timeline.

Every member event carries the date it takes effect (`effective_on`; a registration's is its
joining date) and the library stamps when it was recorded (`timestamp`). The register answers two
questions with them: *as of* a date (what was in force then) and *as known at* a moment (what had
been recorded by then). Both come from `member_timeline`: the events known at a moment, folded in
the order they take effect, give the member's states, each in force over a range of dates.

- the `register` projection stores the timeline of every member as it stands after each recorded
  event (bi-temporal rows, see `projections/register.py`);
- the live register is that read model as of today, so live equals as-of today by construction;
- `fold_as_of` answers one member from its events with the same fold (tests compare both).

Rules of the fold:
- events apply in effective order; events with the same effective date in recording order;
- a fact dated before the member joined (an Accord Groupe date, a certificate obtained earlier)
  takes effect on the joining date: the register counts nobody before they joined;
- a member that stops holding a collective certificate (loses it, resigns, is excluded) records
  the loss in `lost_certificates` (group id → date); it is cleared when the member holds that
  certificate again. Whether a holder's certificate is *at risk* is read across members
  (`certificate_at_risk`), because it depends on the other holders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any, TypeAlias

from services.membership.domain.member import Member
from services.membership.published import published
from shared.contracts.membership import (
    MemberCertificationLostV1,
    MemberCertifiedV1,
    MemberDetailsChangedV1,
    MemberDuesCalledV1,
    MemberDuesPaidV1,
    MemberEvent,
    MemberEventV1,
    MemberExcludedV1,
    MemberFacts,
    MemberFormsChangedV1,
    MemberJoinedAccordGroupeV1,
    MemberLeftAccordGroupeV1,
    MemberMovedToRegionV1,
    MemberRegisteredV1,
    MemberReinstatedV1,
    MemberResignedV1,
    effective_date,
    facts_after,
    registered_facts,
)
from shared.events import UnknownEvent

MEMBER_EVENT_TOPIC_PREFIX = f"{Member.__module__}:Member."
# The fold reads member events as the contract publishes them; it takes the domain's events too.
AnyMemberEvent: TypeAlias = Member.Event | MemberEvent


@dataclass(frozen=True)
class Segment:
    """The member's state in force from `effective_from` until `effective_to` (exclusive; None: no end)."""

    effective_from: date
    effective_to: date | None
    state: dict[str, Any]


def as_published(event: AnyMemberEvent) -> MemberEvent:
    """The event as the contract publishes it (the fold reads nothing else)."""
    return event if isinstance(event, MemberEventV1) else published(event)


def takes_effect(event: MemberEvent, joined_on: date) -> date:
    """When the change counts in the register: never before the member joined."""
    return max(effective_date(event), joined_on)


def registered_state(event: MemberRegisteredV1) -> dict[str, Any]:
    """The register's state of a member just registered, without its facts (`facts_after` adds them)."""
    return {
        "member_id": str(event.member_id),
        "tenant_id": str(event.member_id),
        "siret": event.siret,
        "city": event.city,
        "joined_on": event.joined_on,
        "left_on": None,
        "contact": dict(event.contact),
        "certification": None,
        "certification_scheme": None,
        "certification_group": None,
        "certified_on": None,
        "lost_certificates": {},
        "dues": {},
        "tenures": [{"joined_on": event.joined_on.isoformat(), "left_on": None}],
    }


def _without_certificate(row: dict[str, Any], on: date) -> None:
    group = row["certification_group"]
    if group is not None and row["status"] == "active":
        row["lost_certificates"] = {**row["lost_certificates"], group: on.isoformat()}


def _left(row: dict[str, Any], left_on: date, on: date) -> None:
    _without_certificate(row, on)
    row["left_on"] = left_on
    if row["tenures"] and row["tenures"][-1]["left_on"] is None:
        row["tenures"][-1] = {**row["tenures"][-1], "left_on": left_on.isoformat()}


def apply_member_event(row: dict[str, Any] | None, event: MemberEvent, on: date) -> dict[str, Any]:
    """The member's state after `event`, which takes effect on `on`. `row` is None before `Registered`.

    The member facts (name, region, forms, status, Accord Groupe) are folded by the contract's
    `facts_after`, like every follower folds them; the rest is what only the register keeps."""
    if isinstance(event, MemberRegisteredV1):
        facts, row = registered_facts(event), registered_state(event)
    elif row is None:
        raise ValueError(f"{type(event).__name__} for member {event.member_id} before it was registered")
    else:
        facts = facts_after(MemberFacts.from_columns(row), event)
        row = {**row, "tenures": list(row["tenures"]), "dues": dict(row["dues"])}
    match event:
        case MemberRegisteredV1() | MemberFormsChangedV1() | MemberMovedToRegionV1():
            pass  # facts only
        case MemberJoinedAccordGroupeV1() | MemberLeftAccordGroupeV1():
            pass  # facts only
        case MemberDetailsChangedV1(contact=contact, city=city):
            row.update(contact=dict(contact), city=city)
        case MemberCertifiedV1(certification=c):
            row.update(
                certification={
                    "scheme": c.scheme,
                    "scope": c.scope,
                    "obtained_on": c.obtained_on.isoformat(),
                    "expires_on": c.expires_on.isoformat(),
                    "group_id": c.group_id,
                },
                certification_scheme=c.scheme,
                certification_group=c.group_id,
                certified_on=c.obtained_on,
            )
        case MemberCertificationLostV1():
            _without_certificate(row, on)
            row.update(certification=None, certification_scheme=None, certification_group=None, certified_on=None)
        case MemberDuesCalledV1(year=year, amount=amount):
            # Keeps what was paid: a payment dated before the call is still counted.
            dues = row["dues"].get(str(year), {"called": "0", "paid": "0"})
            row["dues"][str(year)] = {**dues, "called": str(amount)}
        case MemberDuesPaidV1(year=year, amount=amount):
            dues = row["dues"].get(str(year), {"called": "0", "paid": "0"})
            row["dues"][str(year)] = {**dues, "paid": str(Decimal(dues["paid"]) + amount)}
        case MemberResignedV1(effective_on=left_on) | MemberExcludedV1(effective_on=left_on):
            _left(row, left_on, on)  # before the facts say it left: a certificate held until then is lost
        case MemberReinstatedV1(effective_on=rejoined_on):
            row["left_on"] = None
            row["tenures"].append({"joined_on": rejoined_on.isoformat(), "left_on": None})
        case _:
            raise UnknownEvent("member state fold", event)
    row.update(facts.columns())
    group = row["certification_group"]
    if group in row["lost_certificates"] and row["status"] == "active":
        row["lost_certificates"] = {k: v for k, v in row["lost_certificates"].items() if k != group}
    return row


def member_timeline(events: Iterable[AnyMemberEvent]) -> list[Segment]:
    """The member's states over effective dates, from the events known (in any order)."""
    return _timeline([as_published(e) for e in events])


def _timeline(events: list[MemberEvent]) -> list[Segment]:
    registered = next((e for e in events if isinstance(e, MemberRegisteredV1)), None)
    if registered is None:
        return []
    joined_on = registered.joined_on
    ordered = sorted(events, key=lambda e: (takes_effect(e, joined_on), e.version))
    segments: list[Segment] = []
    state: dict[str, Any] | None = None  # the first day holds Registered (sorted first), which starts the state
    for day, same_day in groupby(ordered, key=lambda e: takes_effect(e, joined_on)):
        for event in same_day:
            state = apply_member_event(state, event, day)
        if state is None or (segments and segments[-1].state == state):  # (None: no group is empty)
            continue
        if segments:
            segments[-1] = Segment(segments[-1].effective_from, day, segments[-1].state)
        segments.append(Segment(day, None, state))
    return segments


class Timeline:
    """`member_timeline` of a member's events, kept as they are recorded one by one.

    The projection needs the timeline after every recorded event (each is a point of `known_at`).
    Folding the whole history again at each event is quadratic in a member's events; an event that
    takes effect on or after every known one only extends the last state, so only an event dated
    before one already known folds the history again. Same fold, same result as `member_timeline`.
    """

    def __init__(self, events: Iterable[AnyMemberEvent] = ()) -> None:
        self.events = [as_published(e) for e in events]
        self.segments = _timeline(self.events)
        self._last_day = self._latest_day()

    def _latest_day(self) -> date | None:
        if not self.segments:
            return None
        joined_on = self.segments[0].effective_from  # the first range starts on the joining date
        return max(takes_effect(e, joined_on) for e in self.events)

    def add(self, new_event: AnyMemberEvent) -> list[Segment]:
        """The timeline once `event` (recorded after every known event) is known too."""
        event = as_published(new_event)
        self.events.append(event)
        day = takes_effect(event, self.segments[0].effective_from) if self.segments else None
        if day is None or self._last_day is None or day < self._last_day:
            self.segments = _timeline(self.events)
            self._last_day = self._latest_day()
            return self.segments
        # It sorts last (latest day, highest version): apply it to the state in force from then on.
        self._last_day = day
        last = self.segments[-1]
        state = apply_member_event(last.state, event, day)
        if state == last.state:
            return self.segments
        if last.effective_from < day:
            self.segments = [
                *self.segments[:-1],
                Segment(last.effective_from, day, last.state),
                Segment(day, None, state),
            ]
        elif len(self.segments) > 1 and self.segments[-2].state == state:  # back to the previous range's state
            before = self.segments[-2]
            self.segments = [*self.segments[:-2], Segment(before.effective_from, None, before.state)]
        else:
            self.segments = [*self.segments[:-1], Segment(day, None, state)]
        return self.segments


def in_force(segments: Sequence[Segment], on: date | None) -> Segment | None:
    """The segment in force on `on` (None: the last one, once every known change applies)."""
    if on is None:
        return segments[-1] if segments else None
    for segment in segments:
        if segment.effective_from <= on and (segment.effective_to is None or on < segment.effective_to):
            return segment
    return None


def fold_as_of(
    events: Iterable[AnyMemberEvent], as_of: date | None, known_at: datetime | None
) -> dict[str, Any] | None:
    """The member's state in force on `as_of` as recorded by `known_at`, with the version and time
    of the last event known then (what `If-Match` compares with)."""
    known = [e for e in map(as_published, events) if known_at is None or e.recorded_at <= known_at]
    segment = in_force(_timeline(known), as_of)
    if segment is None:
        return None
    last = max(known, key=lambda e: e.version)
    return {**segment.state, "version": last.version, "updated_at": last.recorded_at}


def certificate_at_risk(state: dict[str, Any], losses: dict[str, date]) -> bool:
    """A holder's collective certificate is at risk when another holder stopped holding it after
    this holder obtained it (`losses`: the latest loss per group, among the states read)."""
    group = state["certification_group"]
    if group is None or state["status"] != "active" or group not in losses:
        return False
    return losses[group] > state["certified_on"]


def latest_losses(states: Iterable[dict[str, Any]]) -> dict[str, date]:
    """The latest loss of each collective certificate among `states`."""
    losses: dict[str, date] = {}
    for state in states:
        for group, on in (state["lost_certificates"] or {}).items():
            day = date.fromisoformat(on)
            if group not in losses or day > losses[group]:
                losses[group] = day
    return losses
