"""MembershipApplication: the register's use cases (load, decide, save), one short method each.

Every method answers a `CommandResult` (member id, new version, notification id). `expected_version`
is the version the client last read (HTTP `If-Match`): a stale one is refused with 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from services.membership.domain.errors import (
    MemberNotFound,
    MemberRefused,
    RegionsNotEstablished,
    SiretAlreadyRegistered,
)
from services.membership.domain.member import Certification, Member
from services.membership.domain.regions import REGIONS_2015, RegionRegistry, follow_successions
from services.membership.domain.siret import SiretIndex, normalise_siret
from services.membership.events_log import SCHEMA
from shared.events import UnknownEvent
from shared.eventstore import CommandResult, IntegrityError, ServiceApplication
from shared.personal import PersonalDetails


class MembershipApplication(ServiceApplication):
    name = "membership"
    schema = SCHEMA
    # The library's aggregate cache: a cached aggregate is fast-forwarded with the events saved
    # since (one indexed read), so it is never stale; it saves decoding the region list each time.
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000"}

    # --- reference data ---------------------------------------------------------------------

    def establish_regions(self) -> CommandResult | None:
        """Create the region list once (idempotent: does nothing when it exists)."""
        if self.find(RegionRegistry, RegionRegistry.ID) is None:
            return self.save_command(RegionRegistry(regions=REGIONS_2015))
        return None

    def regions(self) -> RegionRegistry:
        """The region list, or a refusal while it has not been established."""
        return self.load(RegionRegistry, RegionRegistry.ID, RegionsNotEstablished)

    # --- members ----------------------------------------------------------------------------

    def register_member(
        self,
        *,
        name: str,
        siret: str,
        forms: tuple[str, ...],
        region: str,
        joined_on: date,
        contact: PersonalDetails,
        city: str,
        after_split: str | None = None,
    ) -> CommandResult:
        member = Member.register(
            name=name, siret=siret, forms=forms, region=region, joined_on=joined_on, contact=contact, city=city
        )
        registry = self.regions()
        registry.require_active(region, joined_on)
        follow_successions(registry, member, joined_on, after_split)
        siret = member.siret
        try:
            # The index aggregate's id is derived from the SIRET: a second registration collides on
            # it and the whole save fails, so no read is needed first, even under concurrency.
            return self.save_command(member, SiretIndex(siret=siret, member_id=member.id))
        except IntegrityError:
            holder = self.member_with_siret(siret)
            # After a lost connection the library retries the insert, which can meet this very
            # command's committed rows: a SIRET held by the member being registered is no conflict,
            # and the error goes up for the command layer to find the answer that landed.
            if holder is not None and holder != member.id:
                raise SiretAlreadyRegistered(siret, holder) from None
            raise

    def member_with_siret(self, siret: str) -> UUID | None:
        index = self.find(SiretIndex, SiretIndex.create_id(normalise_siret(siret)))
        return None if index is None else index.member_id

    def member(self, member_id: UUID) -> Member:
        """The member as it stands now, or `MemberNotFound`."""
        return self.load(Member, member_id, MemberNotFound)

    def _member(self, member_id: UUID, expected_version: int | None) -> Callable[[], Member]:
        """How `change` loads the member a command is about (the `If-Match` check included)."""
        return partial(self.load, Member, member_id, MemberNotFound, expected_version)

    def change_details(
        self,
        member_id: UUID,
        *,
        name: str,
        contact: PersonalDetails,
        city: str,
        effective_on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.change(
            self._member(member_id, expected_version), lambda m: m.change_details(name, contact, city, effective_on)
        )

    def change_forms(
        self,
        member_id: UUID,
        *,
        forms: tuple[str, ...],
        effective_on: date,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.change(
            self._member(member_id, expected_version), lambda m: m.change_forms(forms, effective_on, reason)
        )

    def move_to_region(
        self,
        member_id: UUID,
        *,
        region: str,
        effective_on: date,
        reason: str,
        after_split: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        registry = self.regions()
        registry.require_active(region, effective_on)

        def move(member: Member) -> None:
            member.move_to_region(region, effective_on, reason)
            follow_successions(registry, member, effective_on, after_split)

        return self.change(self._member(member_id, expected_version), move)

    def certify(
        self, member_id: UUID, *, certification: Certification, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.certify(certification))

    def lose_certification(
        self, member_id: UUID, *, effective_on: date, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(
            self._member(member_id, expected_version), lambda m: m.lose_certification(effective_on, reason)
        )

    def join_accord_groupe(
        self, member_id: UUID, *, effective_on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.join_accord_groupe(effective_on))

    def leave_accord_groupe(
        self, member_id: UUID, *, effective_on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.leave_accord_groupe(effective_on))

    def call_dues(
        self, member_id: UUID, *, year: int, amount: Decimal, effective_on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.call_dues(year, amount, effective_on))

    def pay_dues(
        self, member_id: UUID, *, year: int, amount: Decimal, effective_on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.pay_dues(year, amount, effective_on))

    def resign(
        self, member_id: UUID, *, effective_on: date, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.resign(effective_on, reason))

    def exclude(
        self, member_id: UUID, *, effective_on: date, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.exclude(effective_on, reason))

    def reinstate(
        self, member_id: UUID, *, effective_on: date, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        return self.change(self._member(member_id, expected_version), lambda m: m.reinstate(effective_on, reason))

    # --- the regions' history (the 2016 reform) -----------------------------------------------
    # Each change is saved with the `MovedToRegion` of every member it moves, in one transaction: if
    # any of those members changes meanwhile, the save fails on its version (409), nothing written.

    def merge_regions(
        self, *, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date
    ) -> CommandResult:
        """Merge regions: their members move to the new one on `effective_on`."""

        def merge(registry: RegionRegistry) -> list[Member]:
            registry.merge(merged, new_code, new_name, effective_on)
            return self._move_members(merged, new_code, effective_on, f"fusion des régions {', '.join(merged)}")

        return self.change(self.regions, merge)

    def rename_region(self, *, code: str, new_code: str, new_name: str, effective_on: date) -> CommandResult:
        """Rename a region from `effective_on`; under a new code its members move to it then."""

        def rename(registry: RegionRegistry) -> list[Member]:
            registry.rename(code, new_code, new_name, effective_on)
            if new_code == code:
                return []
            return self._move_members((code,), new_code, effective_on, f"changement de nom de la région {code}")

        return self.change(self.regions, rename)

    def split_region(
        self,
        *,
        code: str,
        successors: tuple[tuple[str, str], ...],
        assignments: dict[UUID, str],
        effective_on: date,
    ) -> CommandResult:
        """Split a region: each of its members moves on `effective_on` to the successor that
        `assignments` names for it; a member left out, or sent elsewhere, refuses the whole split."""

        def split(registry: RegionRegistry) -> list[Member]:
            registry.split(code, successors, effective_on)
            members = self.members_in_regions((code,))
            _check_assignments(code, members, assignments, {c for c, _ in successors})
            moved = []
            for member_id in members:
                member = self.member(member_id)
                member.move_to_region(assignments[member_id], effective_on, f"scission de la région {code}")
                moved.append(member)
            return moved

        return self.change(self.regions, split)

    def _move_members(self, regions: tuple[str, ...], successor: str, on: date, reason: str) -> list[Member]:
        moved = []
        for member_id in self.members_in_regions(regions):
            member = self.member(member_id)
            if member.region in regions and member.region != successor:
                member.move_to_region(successor, on, reason)
                moved.append(member)
        return moved

    def members_in_regions(self, regions: tuple[str, ...]) -> list[UUID]:
        """Every member whose latest region is one of `regions`, read from the events themselves
        (not from a read model that may lag behind)."""
        region_of: dict[UUID, str] = {}
        for notification in self._member_region_notifications():
            match self.mapper.to_domain_event(notification):
                case (
                    Member.Registered(originator_id=member_id, region=region)
                    | Member.MovedToRegion(originator_id=member_id, region=region)
                ):
                    region_of[member_id] = region
                case event:
                    raise UnknownEvent("members_in_regions", event)
        return sorted(member_id for member_id, region in region_of.items() if region in regions)

    def _member_region_notifications(self) -> Iterator[Notification]:
        topics = [get_topic(Member.Registered), get_topic(Member.MovedToRegion)]
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=2000, topics=topics)
            yield from page
            if len(page) < 2000:
                return
            start = page[-1].id + 1


def _check_assignments(code: str, members: list[UUID], assignments: dict[UUID, str], successors: set[str]) -> None:
    """Every member of the split region is assigned to one of its successors, and only they are."""
    missing = [str(m) for m in members if m not in assignments]
    if missing:
        raise MemberRefused(
            f"le champ « assignments » : chaque membre de la région {code} doit être affecté à une des nouvelles "
            f"régions ; non affecté(s) : {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}",
            field="assignments",
        )
    strangers = sorted(str(m) for m in set(assignments) - set(members))
    if strangers:
        raise MemberRefused(
            f"le champ « assignments » : {', '.join(strangers[:10])} n'est pas membre de la région {code}",
            field="assignments",
        )
    elsewhere = sorted({region for region in assignments.values() if region not in successors})
    if elsewhere:
        raise MemberRefused(
            f"le champ « assignments » : {', '.join(elsewhere)} n'est pas une des nouvelles régions "
            f"({', '.join(sorted(successors))})",
            field="assignments",
        )
