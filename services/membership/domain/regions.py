"""Regions as reference data: the regional federations and overseas regions, and their mergers.

The 2016 territorial reform merged regions: `RegionRegistry.merge` retires the merged regions and
opens the new one; the application then moves each of their members through its own event.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.membership.domain.errors import MemberRefused, UnknownRegion
from shared.events import AuditedAggregate

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
    """The single list of regions (one aggregate, with a well-known id)."""

    ID: UUID = uuid5(NAMESPACE_URL, "coorace:region-registry")

    @staticmethod
    def create_id() -> UUID:
        return RegionRegistry.ID

    @event("Established")
    def __init__(self, regions: tuple[tuple[str, str], ...]) -> None:
        self.active: dict[str, str] = dict(regions)
        self.retired: dict[str, str] = {}

    def require_active(self, code: str) -> None:
        if code not in self.active:
            raise UnknownRegion(code)

    def merge(self, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date) -> None:
        if len(set(merged)) < 2:
            raise MemberRefused("a merger needs at least two distinct regions")
        for code in merged:
            self.require_active(code)
        if new_code in self.active and new_code not in merged:
            raise MemberRefused(f"region code {new_code} is already used by another active region")
        if not new_name.strip():
            raise MemberRefused("the new region needs a name")
        self._merged(tuple(merged), new_code, new_name.strip(), effective_on)

    @event("RegionsMerged")
    def _merged(self, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date) -> None:
        for code in merged:
            self.retired[code] = self.active.pop(code)
        self.active[new_code] = new_name
