"""Regions as reference data: the regional federations and overseas regions, and their mergers.

The 2016 territorial reform merged regions: `RegionRegistry.merge` retires the merged regions and
opens the new one; the application then moves each of their members through its own event.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.membership.domain.errors import MemberRefused, UnknownRegion
from shared.events import AuditedAggregate

if TYPE_CHECKING:
    from services.membership.domain.member import Member

# The 17 regional federations named for 2015, then the overseas regions.
REGIONS_2015: tuple[tuple[str, str], ...] = (
    ("NPC", "Nord-Pas-de-Calais"),
    ("AUV", "Auvergne"),
    ("HNO", "Haute-Normandie"),
    ("BNO", "Basse-Normandie"),
    ("MPY", "Midi-Pyrénées"),
    ("CLI", "Centre-Limousin"),
    ("PAC", "Provence-Alpes-Côte d'Azur"),
    ("BRE", "Bretagne"),
    ("PDL", "Pays de la Loire"),
    ("FCO", "Franche-Comté"),
    ("PCH", "Poitou-Charentes"),
    ("RAL", "Rhône-Alpes"),
    ("IDF", "Île-de-France"),
    ("AQU", "Aquitaine"),
    ("ACAL", "Alsace-Champagne-Ardenne-Lorraine"),
    ("LRO", "Languedoc-Roussillon"),
    ("BOU", "Bourgogne"),
    ("GUY", "Guyane"),
    ("GLP", "Guadeloupe"),
    ("REU", "La Réunion"),
    ("MTQ", "Martinique"),
    ("MYT", "Mayotte"),
)
OVERSEAS = frozenset({"GUY", "GLP", "REU", "MTQ", "MYT"})


class RegionRegistry(AuditedAggregate):
    """The single list of regions (one aggregate, with a well-known id).

    A merger takes effect on its effective date, not when it is recorded: until then the merged
    regions exist (and accept registrations and moves dated before it), and the new region exists
    from that date on. `active` and `retired` describe the list once every recorded merger has
    taken effect; `is_open(code, on)` answers for a given date.
    """

    ID: UUID = uuid5(NAMESPACE_URL, "coorace:region-registry")

    @staticmethod
    def create_id() -> UUID:
        return RegionRegistry.ID

    class Established(AuditedAggregate.Created):
        regions: tuple[tuple[str, str], ...]

    class RegionsMerged(AuditedAggregate.Event):
        merged: tuple[str, ...]
        new_code: str
        new_name: str
        effective_on: date

    @event(Established)
    def __init__(self, regions: tuple[tuple[str, str], ...]) -> None:
        self.active: dict[str, str] = dict(regions)
        self.retired: dict[str, str] = {}
        # Per region code, its periods [opened_on, closed_on) (None: open-ended), and the merger
        # that closes a period: (closed_on, new_code).
        self.periods: dict[str, list[tuple[date | None, date | None]]] = {code: [(None, None)] for code, _ in regions}
        self.mergers: dict[str, tuple[date, str]] = {}

    def is_open(self, code: str, on: date) -> bool:
        return any(
            (opened is None or opened <= on) and (closed is None or on < closed)
            for opened, closed in self.periods.get(code, ())
        )

    def require_active(self, code: str, on: date | None = None) -> None:
        """Refuse a region that does not exist on `on` (None: once every recorded merger applies)."""
        if not (code in self.active if on is None else self.is_open(code, on)):
            raise UnknownRegion(code)

    def merger_after(self, code: str, on: date) -> tuple[date, str] | None:
        """The merger that closes, after `on`, the period of `code` open on `on`: (date, new code)."""
        merger = self.mergers.get(code)
        if merger is None or merger[0] <= on or not self.is_open(code, on):
            return None
        return merger

    def merge(self, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date) -> None:
        if len(set(merged)) < 2:
            raise MemberRefused(
                "le champ « merged » : une fusion demande au moins deux régions distinctes", field="merged"
            )
        for code in merged:
            self.require_active(code)
            self.require_active(code, effective_on)
        if new_code not in merged and (new_code in self.active or self.is_open(new_code, effective_on)):
            raise MemberRefused(
                f"le champ « new_code » : le code {new_code} est déjà celui d'une autre région active", field="new_code"
            )
        if not new_name.strip():
            raise MemberRefused("le champ « new_name » : la nouvelle région doit avoir un nom", field="new_name")
        self._merged(tuple(merged), new_code, new_name.strip(), effective_on)

    @event(RegionsMerged)
    def _merged(self, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date) -> None:
        for code in merged:
            self.retired[code] = self.active.pop(code)
            opened, _ = self.periods[code][-1]
            self.periods[code][-1] = (opened, effective_on)
            self.mergers[code] = (effective_on, new_code)
        self.active[new_code] = new_name
        self.periods.setdefault(new_code, []).append((effective_on, None))


def follow_mergers(registry: RegionRegistry, member: Member, on: date) -> None:
    """A member placed in a region that a recorded merger closes later moves with it on the
    merger's date, like the members the merger moved when it was recorded."""
    while (merger := registry.merger_after(member.region, on)) is not None and merger[1] != member.region:
        on, new_code = merger
        member.move_to_region(new_code, on, f"fusion de la région {member.region} dans {new_code}")
