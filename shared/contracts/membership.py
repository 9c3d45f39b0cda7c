"""The member register's published events (contract version 1), and the member facts folded from them;
the region list's published events, and the regions' lineage folded from them.

Followers (le Cap's member directory, the training register copy) read membership's log as
`ForeignEvent`s and `decode` each into one of the Structs below; the register itself converts its
own events to the same Structs (`services.membership.published`), so that the facts every service
keeps about a member — its name, region, forms, status and Accord Groupe membership — are folded by
one function, `facts_after`, wherever they are kept.

Each Struct is the event's stored fields, typed, plus where it comes from: the member (`member_id`),
the member's version after the event (`version`) and when it was recorded (`recorded_at`). Unknown
stored fields are ignored (adding a field to an event breaks no follower); a stored name without a
Struct raises `UnknownEvent` (`published_member_events`, what followers call, skips and logs it:
only a newer membership can write one). The contact person stays a plain mapping (name, email, phone): it is
personal data that followers have no reason to keep, published only because the register folds it. The
register stores it as a `shared.personal.PersonalDetails` (under "membership.contact" before issue 10):
either way a follower reads the same mapping, since it reads a value's fields whatever its stored name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, overload
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
import structlog

from shared.events import UnknownEvent
from shared.projection import ForeignEvent, Notified

log = structlog.get_logger(__name__)


class MemberEventV1(msgspec.Struct, frozen=True, kw_only=True):
    """What every member event carries: whose it is, its position in the member's history, when it
    was recorded."""

    stored_as: ClassVar[str]  # the event's name in the log (the class part of its topic)
    member_id: UUID
    version: int
    recorded_at: datetime


class CertificationV1(msgspec.Struct, frozen=True, kw_only=True):
    scheme: str  # CEDRE or CEDRE_ISO_9001
    scope: str  # individual or collective
    obtained_on: date
    expires_on: date
    group_id: str | None  # the collective certificate shared by several members


class MemberRegisteredV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.Registered"
    name: str
    siret: str
    forms: tuple[str, ...]  # main form first
    region: str
    joined_on: date  # a registration takes effect on the joining date
    contact: dict[str, str | None]
    city: str


class MemberDetailsChangedV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.DetailsChanged"
    name: str
    contact: dict[str, str | None]
    city: str
    effective_on: date


class MemberFormsChangedV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.FormsChanged"
    forms: tuple[str, ...]
    effective_on: date
    reason: str


class MemberMovedToRegionV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.MovedToRegion"
    region: str
    effective_on: date
    reason: str


class MemberCertifiedV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.Certified"
    certification: CertificationV1
    effective_on: date


class MemberCertificationLostV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.CertificationLost"
    effective_on: date
    reason: str


class MemberJoinedAccordGroupeV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.JoinedAccordGroupe"
    effective_on: date


class MemberLeftAccordGroupeV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.LeftAccordGroupe"
    effective_on: date


class MemberDuesCalledV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.DuesCalled"
    year: int
    amount: Decimal
    effective_on: date


class MemberDuesPaidV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.DuesPaid"
    year: int
    amount: Decimal
    effective_on: date


class MemberResignedV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.Resigned"
    effective_on: date
    reason: str


class MemberExcludedV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.Excluded"
    effective_on: date
    reason: str


class MemberReinstatedV1(MemberEventV1, frozen=True, kw_only=True):
    stored_as = "Member.Reinstated"
    effective_on: date
    reason: str


MemberEvent = (
    MemberRegisteredV1
    | MemberDetailsChangedV1
    | MemberFormsChangedV1
    | MemberMovedToRegionV1
    | MemberCertifiedV1
    | MemberCertificationLostV1
    | MemberJoinedAccordGroupeV1
    | MemberLeftAccordGroupeV1
    | MemberDuesCalledV1
    | MemberDuesPaidV1
    | MemberResignedV1
    | MemberExcludedV1
    | MemberReinstatedV1
)

# Each published Struct by the stored name it decodes.
MEMBER_EVENTS: dict[str, type[MemberEvent]] = {
    cls.stored_as: cls
    for cls in (
        MemberRegisteredV1,
        MemberDetailsChangedV1,
        MemberFormsChangedV1,
        MemberMovedToRegionV1,
        MemberCertifiedV1,
        MemberCertificationLostV1,
        MemberJoinedAccordGroupeV1,
        MemberLeftAccordGroupeV1,
        MemberDuesCalledV1,
        MemberDuesPaidV1,
        MemberResignedV1,
        MemberExcludedV1,
        MemberReinstatedV1,
    )
}
MEMBER_EVENT_PREFIX = "Member."


def is_member_event(event: ForeignEvent) -> bool:
    """A member's event (membership's log also holds the region list's and the SIRET index's)."""
    return event.name.startswith(MEMBER_EVENT_PREFIX)


def published_member_events(events: Iterable[Notified], follower: str) -> list[MemberEvent]:
    """The member events of a batch of membership's log, decoded, for a follower.

    A member event this contract does not publish yet can only come from a newer membership than
    the follower's code (membership's tests refuse an event class without its Struct): the follower
    keeps following and logs the event it skipped, as a follower of another service's log must
    (membership's own projections park it)."""
    decoded = []
    for notified in events:
        event: ForeignEvent = notified.event
        if not is_member_event(event):
            continue  # the region list's (read for the lineage, below) and the SIRET index's events
        if event.name not in MEMBER_EVENTS:
            log.warning(
                "contract.event_not_published",
                follower=follower,
                notification_id=notified.notification_id,
                name=event.name,
            )
            continue
        decoded.append(decode(event))
    return decoded


def decode(event: ForeignEvent) -> MemberEvent:
    """A member event read from membership's log, as its published Struct."""
    return decode_state(
        event.name, event.originator_id, event.originator_version, event.timestamp, event.state, source=event
    )


def decode_state(
    name: str, member_id: UUID, version: int, recorded_at: datetime, state: Mapping[str, Any], *, source: object
) -> MemberEvent:
    """The published Struct of a member event from its stored name and fields (value objects as
    mappings of their fields); `source` is the event they come from, for the error."""
    contract = MEMBER_EVENTS.get(name)
    if contract is None:
        raise UnknownEvent(f"the membership contract (stored name {name!r})", source)
    fields = {**state, "member_id": member_id, "version": version, "recorded_at": recorded_at}
    return msgspec.convert(fields, contract)


def effective_date(event: MemberEvent) -> date:
    """The date a change takes effect: a registration's joining date, every other event's own date."""
    match event:
        case MemberRegisteredV1(joined_on=joined_on):
            return joined_on
        case _:
            return event.effective_on


# --- the member facts: what every service keeps about a member ---------------------------------


class MemberFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the services that follow the register keep about a member (and the register too)."""

    name: str
    region: str
    forms: tuple[str, ...]  # main form first
    status: str  # active, resigned or excluded
    accord_groupe_since: date | None = None

    @classmethod
    def from_columns(cls, row: Mapping[str, Any]) -> MemberFacts:
        """The facts a read model's row holds (a row without `accord_groupe_since` does not keep it)."""
        return cls(
            name=row["name"],
            region=row["region"],
            forms=tuple(row["forms"]),
            status=row["status"],
            accord_groupe_since=row.get("accord_groupe_since"),
        )

    def columns(self) -> dict[str, Any]:
        """The facts as read-model columns: the forms as a list, and the main form on its own."""
        return {
            "name": self.name,
            "region": self.region,
            "forms": list(self.forms),
            "primary_form": self.forms[0],
            "status": self.status,
            "accord_groupe_since": self.accord_groupe_since,
        }


def registered_facts(event: MemberRegisteredV1) -> MemberFacts:
    """The facts of a member just registered."""
    return MemberFacts(name=event.name, region=event.region, forms=event.forms, status="active")


@overload
def facts_after(facts: MemberFacts, event: MemberEvent) -> MemberFacts: ...
@overload
def facts_after(facts: None, event: MemberEvent) -> MemberFacts | None: ...
def facts_after(facts: MemberFacts | None, event: MemberEvent) -> MemberFacts | None:
    """The member's facts once `event` applies (None: not registered yet, as far as these facts go).

    The one fold of the member facts: the register applies it in effective order (as of a date),
    followers in recording order (the member as it stands)."""
    replace = msgspec.structs.replace
    match event:
        case MemberRegisteredV1():
            return registered_facts(event)
        case _ if facts is None:
            return None
        case MemberDetailsChangedV1(name=name):
            return replace(facts, name=name)
        case MemberFormsChangedV1(forms=forms):
            return replace(facts, forms=forms)
        case MemberMovedToRegionV1(region=region):
            return replace(facts, region=region)
        case MemberJoinedAccordGroupeV1(effective_on=since):
            return replace(facts, accord_groupe_since=since)
        case MemberLeftAccordGroupeV1():
            return replace(facts, accord_groupe_since=None)
        case MemberResignedV1():
            return replace(facts, status="resigned")
        case MemberExcludedV1():
            return replace(facts, status="excluded")
        case MemberReinstatedV1():
            return replace(facts, status="active")
        case MemberCertifiedV1() | MemberCertificationLostV1() | MemberDuesCalledV1() | MemberDuesPaidV1():
            return facts  # certificates and dues are the register's own business
        case _:
            raise UnknownEvent("the member facts", event)


def facts_as_of(events: Iterable[MemberEvent], on: date) -> MemberFacts | None:
    """The member's facts in force at the end of `on`, from its published events (in any order):
    those that took effect by then, folded by `facts_after` in the register's effective order (a
    change dated before the joining takes effect on the joining date; one day's changes in the order
    they were recorded). None: not a member yet on that day."""
    history = list(events)
    registered = next((e for e in history if isinstance(e, MemberRegisteredV1)), None)
    if registered is None or registered.joined_on > on:
        return None

    def takes_effect(event: MemberEvent) -> date:
        return max(effective_date(event), registered.joined_on)

    facts: MemberFacts | None = None
    for event in sorted(history, key=lambda e: (takes_effect(e), e.version)):
        if takes_effect(event) > on:
            break
        facts = facts_after(facts, event)
    return facts


# --- the regions' history: who succeeds whom ------------------------------------------------------
#
# The region list is one aggregate of membership's log, with a well-known id: its events are the
# regions' history (established, merged, renamed, split), each with the date it takes effect. Every
# service learns from them which regions a region succeeds (its lineage): the readers of a region
# read its predecessors' past (row-level security, `shared.tenancy`).

REGION_REGISTRY_ID = uuid5(NAMESPACE_URL, "coorace:region-registry")
REGION_EVENT_PREFIX = "RegionRegistry."


class RegionEventV1(msgspec.Struct, frozen=True, kw_only=True):
    """What every event of the region list carries: its position in the list's history and when it
    was recorded."""

    stored_as: ClassVar[str]
    version: int
    recorded_at: datetime


class RegionsEstablishedV1(RegionEventV1, frozen=True, kw_only=True):
    stored_as = "RegionRegistry.Established"
    regions: tuple[tuple[str, str], ...]  # (code, name)


class RegionsMergedV1(RegionEventV1, frozen=True, kw_only=True):
    stored_as = "RegionRegistry.RegionsMerged"
    merged: tuple[str, ...]
    new_code: str  # may be one of the merged codes
    new_name: str
    effective_on: date


class RegionRenamedV1(RegionEventV1, frozen=True, kw_only=True):
    stored_as = "RegionRegistry.RegionRenamed"
    code: str
    new_code: str  # the same code when only the name changes
    new_name: str
    effective_on: date


class RegionSplitV1(RegionEventV1, frozen=True, kw_only=True):
    stored_as = "RegionRegistry.RegionSplit"
    code: str
    successors: tuple[tuple[str, str], ...]  # (code, name) of each new region
    effective_on: date


RegionEvent = RegionsEstablishedV1 | RegionsMergedV1 | RegionRenamedV1 | RegionSplitV1
REGION_EVENTS: dict[str, type[RegionEvent]] = {
    cls.stored_as: cls for cls in (RegionsEstablishedV1, RegionsMergedV1, RegionRenamedV1, RegionSplitV1)
}


def decode_region_event(name: str, version: int, recorded_at: datetime, state: Mapping[str, Any]) -> RegionEvent:
    """An event of the region list, from its stored name and fields, as its published Struct."""
    contract = REGION_EVENTS.get(name)
    if contract is None:
        raise UnknownEvent(f"the membership contract (stored name {name!r})", name)
    return msgspec.convert({**state, "version": version, "recorded_at": recorded_at}, contract)


class RegionLineage(msgspec.Struct, frozen=True):
    """Which regions each region directly succeeds (a merger's new region succeeds the merged ones,
    a rename's new code the old one, each of a split's new regions the region split)."""

    succeeds: dict[str, tuple[str, ...]] = {}

    def predecessors(self, code: str) -> tuple[str, ...]:
        """Every region `code` succeeds, directly or through others (never itself), sorted."""
        found: set[str] = set()
        todo = [code]
        while todo:
            for predecessor in self.succeeds.get(todo.pop(), ()):
                if predecessor != code and predecessor not in found:
                    found.add(predecessor)
                    todo.append(predecessor)
        return tuple(sorted(found))


def lineage_after(lineage: RegionLineage, event: RegionEvent) -> RegionLineage:
    """The lineage once `event` is recorded (a change counts from when it is recorded, whatever its
    effective date: the successor's readers read the past, which is already there)."""
    match event:
        case RegionsEstablishedV1():
            return lineage
        case RegionsMergedV1(merged=merged, new_code=new_code):
            return _succeeding(lineage, new_code, merged)
        case RegionRenamedV1(code=code, new_code=new_code):
            return _succeeding(lineage, new_code, (code,))
        case RegionSplitV1(code=code, successors=successors):
            for new_code, _ in successors:
                lineage = _succeeding(lineage, new_code, (code,))
            return lineage
        case _:
            raise UnknownEvent("the regions' lineage", event)


def _succeeding(lineage: RegionLineage, successor: str, predecessors: tuple[str, ...]) -> RegionLineage:
    known = lineage.succeeds.get(successor, ())
    new = tuple(p for p in predecessors if p != successor and p not in known)
    return RegionLineage({**lineage.succeeds, successor: known + new}) if new else lineage
