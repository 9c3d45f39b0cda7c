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
from typing import Any

from services.membership.domain.member import Contact, Member
from shared.events import UnknownEvent

MEMBER_EVENT_TOPIC_PREFIX = f"{Member.__module__}:Member."


@dataclass(frozen=True)
class Segment:
    """The member's state in force from `effective_from` until `effective_to` (exclusive; None: no end)."""

    effective_from: date
    effective_to: date | None
    state: dict[str, Any]


def effective_on(event: Member.Event) -> date:
    """The date a change takes effect: a registration's join date, every other event's own date."""
    match event:
        case Member.Registered(joined_on=joined_on):
            return joined_on
        case _:
            return event.effective_on  # type: ignore[attr-defined]  # every other member event has one


def takes_effect(event: Member.Event, joined_on: date) -> date:
    """When the change counts in the register: never before the member joined."""
    return max(effective_on(event), joined_on)


def contact_fields(contact: Contact) -> dict[str, str]:
    return {"name": contact.name, "email": contact.email, "phone": contact.phone}


def registered_state(event: Member.Registered) -> dict[str, Any]:
    return {
        "member_id": str(event.originator_id),
        "tenant_id": str(event.originator_id),
        "region": event.region,
        "name": event.name,
        "siret": event.siret,
        "forms": list(event.forms),
        "primary_form": event.forms[0],
        "city": event.city,
        "status": "active",
        "joined_on": event.joined_on,
        "left_on": None,
        "contact": contact_fields(event.contact),
        "certification": None,
        "certification_scheme": None,
        "certification_group": None,
        "certified_on": None,
        "lost_certificates": {},
        "accord_groupe_since": None,
        "dues": {},
        "tenures": [{"joined_on": event.joined_on.isoformat(), "left_on": None}],
    }


def _without_certificate(row: dict[str, Any], on: date) -> None:
    group = row["certification_group"]
    if group is not None and row["status"] == "active":
        row["lost_certificates"] = {**row["lost_certificates"], group: on.isoformat()}


def _left(row: dict[str, Any], status: str, left_on: date, on: date) -> None:
    _without_certificate(row, on)
    row.update(status=status, left_on=left_on)
    if row["tenures"] and row["tenures"][-1]["left_on"] is None:
        row["tenures"][-1] = {**row["tenures"][-1], "left_on": left_on.isoformat()}


def apply_member_event(row: dict[str, Any] | None, event: Member.Event, on: date) -> dict[str, Any]:
    """The member's state after `event`, which takes effect on `on`. `row` is None before `Registered`."""
    if isinstance(event, Member.Registered):
        return registered_state(event)
    if row is None:
        raise ValueError(f"{type(event).__name__} for member {event.originator_id} before it was registered")
    row = {**row, "tenures": list(row["tenures"]), "dues": dict(row["dues"])}
    match event:
        case Member.DetailsChanged(name=name, contact=contact, city=city):
            row.update(name=name, contact=contact_fields(contact), city=city)
        case Member.FormsChanged(forms=forms):
            row.update(forms=list(forms), primary_form=forms[0])
        case Member.MovedToRegion(region=region):
            row["region"] = region
        case Member.Certified(certification=c):
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
        case Member.CertificationLost():
            _without_certificate(row, on)
            row.update(certification=None, certification_scheme=None, certification_group=None, certified_on=None)
        case Member.JoinedAccordGroupe(effective_on=since):
            row["accord_groupe_since"] = since
        case Member.LeftAccordGroupe():
            row["accord_groupe_since"] = None
        case Member.DuesCalled(year=year, amount=amount):
            # Keeps what was paid: a payment dated before the call is still counted.
            dues = row["dues"].get(str(year), {"called": "0", "paid": "0"})
            row["dues"][str(year)] = {**dues, "called": str(amount)}
        case Member.DuesPaid(year=year, amount=amount):
            dues = row["dues"].get(str(year), {"called": "0", "paid": "0"})
            row["dues"][str(year)] = {**dues, "paid": str(Decimal(dues["paid"]) + amount)}
        case Member.Resigned(effective_on=left_on):
            _left(row, "resigned", left_on, on)
        case Member.Excluded(effective_on=left_on):
            _left(row, "excluded", left_on, on)
        case Member.Reinstated(effective_on=rejoined_on):
            row.update(status="active", left_on=None)
            row["tenures"].append({"joined_on": rejoined_on.isoformat(), "left_on": None})
        case _:
            raise UnknownEvent("member state fold", event)
    group = row["certification_group"]
    if group in row["lost_certificates"] and row["status"] == "active":
        row["lost_certificates"] = {k: v for k, v in row["lost_certificates"].items() if k != group}
    return row


def member_timeline(events: Iterable[Member.Event]) -> list[Segment]:
    """The member's states over effective dates, from the events known (in any order)."""
    events = list(events)
    registered = next((e for e in events if isinstance(e, Member.Registered)), None)
    if registered is None:
        return []
    joined_on = registered.joined_on
    ordered = sorted(events, key=lambda e: (takes_effect(e, joined_on), e.originator_version))
    segments: list[Segment] = []
    state: dict[str, Any] | None = None  # the first day holds Registered (sorted first), which starts the state
    for day, same_day in groupby(ordered, key=lambda e: takes_effect(e, joined_on)):
        for event in same_day:
            state = apply_member_event(state, event, day)
        if segments and segments[-1].state == state:
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

    def __init__(self, events: Iterable[Member.Event] = ()) -> None:
        self.events = list(events)
        self.segments = member_timeline(self.events)
        self._last_day = self._latest_day()

    def _latest_day(self) -> date | None:
        if not self.segments:
            return None
        joined_on = self.segments[0].effective_from  # the first range starts on the joining date
        return max(takes_effect(e, joined_on) for e in self.events)

    def add(self, event: Member.Event) -> list[Segment]:
        """The timeline once `event` (recorded after every known event) is known too."""
        self.events.append(event)
        day = takes_effect(event, self.segments[0].effective_from) if self.segments else None
        if day is None or self._last_day is None or day < self._last_day:
            self.segments = member_timeline(self.events)
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


def fold_as_of(events: Iterable[Member.Event], as_of: date | None, known_at: datetime | None) -> dict[str, Any] | None:
    """The member's state in force on `as_of` as recorded by `known_at`, with the version and time
    of the last event known then (what `If-Match` compares with)."""
    known = [e for e in events if known_at is None or e.timestamp <= known_at]
    segment = in_force(member_timeline(known), as_of)
    if segment is None:
        return None
    last = max(known, key=lambda e: e.originator_version)
    return {**segment.state, "version": last.originator_version, "updated_at": last.timestamp}


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
