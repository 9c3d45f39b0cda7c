"""Regions as reference data, and their history: renames, mergers and splits, each effective-dated.

The 2016 territorial reform renamed, merged and split regions. Each change is an event of the one
`RegionRegistry`, with the date it takes effect (not the date it is recorded): until then the old
regions exist (and accept registrations and moves dated before it), and their successors exist
from that date on. The application moves each member of an ended region through its own event.

A region's code names one line of history: a rename that keeps the code only changes the name from
its date; a rename to another code, a merger and a split end the old code's period and open the
successors'. Who succeeds whom (the lineage) is what lets a successor's delegate read the past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.membership.domain.errors import MemberRefused, RegionClosed, UnknownRegion
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

MERGER, RENAME, SPLIT = "merger", "rename", "split"


@dataclass(frozen=True)
class Ending:
    """How a period of a region's code ends: on which date, by what, and who succeeds it."""

    on: date
    by: str  # MERGER, RENAME or SPLIT
    successors: tuple[str, ...]

    def words(self, code: str) -> str:
        """The ending in French, for refusals: « la région NPC a été renommée HDF le 01/01/2016 »."""
        day = f"{self.on:%d/%m/%Y}"
        match self.by:
            case "merger":
                return f"la région {code} a été fusionnée dans {self.successors[0]} le {day}"
            case "rename":
                return f"la région {code} a été renommée {self.successors[0]} le {day}"
            case _:
                return f"la région {code} a été scindée en {' et '.join(self.successors)} le {day}"


@dataclass
class Period:
    """A period [opened, closed) during which a region code exists (None: open-ended)."""

    opened: date | None
    closed: date | None = None
    ending: Ending | None = None

    def covers(self, on: date) -> bool:
        return (self.opened is None or self.opened <= on) and (self.closed is None or on < self.closed)


class RegionRegistry(AuditedAggregate):
    """The single list of regions (one aggregate, with a well-known id).

    `active` and `retired` describe the list once every recorded change has taken effect;
    `is_open(code, on)` answers for a given date, `require_active(code, on)` refuses with the reason.
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

    class RegionRenamed(AuditedAggregate.Event):
        code: str
        new_code: str  # the same code when only the name changes
        new_name: str
        effective_on: date

    class RegionSplit(AuditedAggregate.Event):
        code: str
        successors: tuple[tuple[str, str], ...]  # (code, name) of each new region
        effective_on: date

    @event(Established)
    def __init__(self, regions: tuple[tuple[str, str], ...]) -> None:
        self.active: dict[str, str] = dict(regions)
        self.retired: dict[str, str] = {}
        self.periods: dict[str, list[Period]] = {code: [Period(None)] for code, _ in regions}

    # --- questions --------------------------------------------------------------------------

    def is_open(self, code: str, on: date) -> bool:
        return any(period.covers(on) for period in self.periods.get(code, ()))

    def require_active(self, code: str, on: date | None = None) -> None:
        """Refuse a region that does not exist on `on` (None: once every recorded change applies),
        naming what ended it, or when it begins."""
        if on is None:
            if code not in self.active:
                last = self._last_ending(code)
                raise RegionClosed(last.words(code)) if last else UnknownRegion(code)
            return
        if self.is_open(code, on):
            return
        periods = self.periods.get(code, [])
        endings = [p.ending for p in periods if p.closed is not None and p.closed <= on and p.ending]
        if endings:
            raise RegionClosed(f"{endings[-1].words(code)} : elle n'existe plus le {on:%d/%m/%Y}")
        later = [p.opened for p in periods if p.opened is not None and on < p.opened]
        if later:
            raise RegionClosed(f"la région {code} n'existe qu'à partir du {min(later):%d/%m/%Y}")
        raise UnknownRegion(code)

    def ending_after(self, code: str, on: date) -> Ending | None:
        """What ends, after `on`, the period of `code` open on `on` (None: nothing recorded)."""
        period = next((p for p in self.periods.get(code, ()) if p.covers(on)), None)
        return None if period is None else period.ending

    def require_changeable(self, code: str, on: date) -> None:
        """Refuse to end or rename `code` on `on` unless it exists then in its current period (a
        code reopened by a merger that kept it cannot be changed in its earlier life)."""
        self.require_active(code)
        self.require_active(code, on)
        current = self.periods[code][-1]
        if not current.covers(on):
            raise MemberRefused(
                f"le champ « effective_on » : la région {code} n'existe sous ce code que depuis le "
                f"{current.opened:%d/%m/%Y}",
                field="effective_on",
            )

    def _last_ending(self, code: str) -> Ending | None:
        periods = self.periods.get(code)
        return periods[-1].ending if periods else None

    def _require_new_code(self, code: str, field: str, effective_on: date, may_be: tuple[str, ...] = ()) -> None:
        if code not in may_be and (code in self.active or self.is_open(code, effective_on)):
            raise MemberRefused(
                f"le champ « {field} » : le code {code} est déjà celui d'une autre région active", field=field
            )

    @staticmethod
    def _checked_name(name: str, field: str) -> str:
        if not name.strip():
            raise MemberRefused(f"le champ « {field} » : la nouvelle région doit avoir un nom", field=field)
        return name.strip()

    # --- changes ----------------------------------------------------------------------------

    def merge(self, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date) -> None:
        if len(set(merged)) < 2:
            raise MemberRefused(
                "le champ « merged » : une fusion demande au moins deux régions distinctes", field="merged"
            )
        for code in merged:
            self.require_changeable(code, effective_on)
        self._require_new_code(new_code, "new_code", effective_on, may_be=merged)
        self._merged(tuple(merged), new_code, self._checked_name(new_name, "new_name"), effective_on)

    def rename(self, code: str, new_code: str, new_name: str, effective_on: date) -> None:
        """Rename a region from `effective_on`, keeping its code or taking a new one."""
        self.require_changeable(code, effective_on)
        new_name = self._checked_name(new_name, "new_name")
        if new_code == code and new_name == self.active[code]:
            raise MemberRefused(f"rien à changer : la région {code} s'appelle déjà {new_name}", field="new_name")
        self._require_new_code(new_code, "new_code", effective_on, may_be=(code,))
        self._renamed(code, new_code, new_name, effective_on)

    def split(self, code: str, successors: tuple[tuple[str, str], ...], effective_on: date) -> None:
        """Split a region into new ones from `effective_on` (its members are assigned by the caller)."""
        self.require_changeable(code, effective_on)
        codes = [c for c, _ in successors]
        if len(set(codes)) < 2:
            raise MemberRefused(
                "le champ « successors » : une scission demande au moins deux nouvelles régions distinctes",
                field="successors",
            )
        for new_code in codes:
            self._require_new_code(new_code, "successors", effective_on)
        named = tuple((c, self._checked_name(name, "successors")) for c, name in successors)
        self._split(code, named, effective_on)

    def _end(self, code: str, ending: Ending) -> None:
        if code in self.active:
            self.retired[code] = self.active.pop(code)
        period = self.periods[code][-1]
        period.closed, period.ending = ending.on, ending

    def _open(self, code: str, name: str, on: date) -> None:
        self.retired.pop(code, None)
        self.active[code] = name
        self.periods.setdefault(code, []).append(Period(on))

    @event(RegionsMerged)
    def _merged(self, merged: tuple[str, ...], new_code: str, new_name: str, effective_on: date) -> None:
        for code in merged:
            self._end(code, Ending(effective_on, MERGER, (new_code,)))
        self._open(new_code, new_name, effective_on)

    @event(RegionRenamed)
    def _renamed(self, code: str, new_code: str, new_name: str, effective_on: date) -> None:
        if new_code == code:
            self.active[code] = new_name  # the same line of history under another name
            return
        self._end(code, Ending(effective_on, RENAME, (new_code,)))
        self._open(new_code, new_name, effective_on)

    @event(RegionSplit)
    def _split(self, code: str, successors: tuple[tuple[str, str], ...], effective_on: date) -> None:
        self._end(code, Ending(effective_on, SPLIT, tuple(c for c, _ in successors)))
        for new_code, name in successors:
            self._open(new_code, name, effective_on)


def follow_successions(registry: RegionRegistry, member: Member, on: date, after_split: str | None = None) -> None:
    """A member placed in a region that a recorded merger or rename ends later moves to its
    successor on that date, like the members the change moved when it was recorded. A split names
    no single successor: the caller says which one (`after_split`), or the placement is refused,
    naming the successors."""
    split_followed = False
    while (ending := registry.ending_after(member.region, on)) is not None:
        if ending.by == SPLIT:
            if after_split not in ending.successors:
                raise MemberRefused(
                    f"le champ « after_split » : {ending.words(member.region)} ; un membre placé dans "
                    f"{member.region} avant cette date doit être affecté à l'une d'elles "
                    f"({', '.join(ending.successors)})",
                    field="after_split",
                )
            successor, reason = after_split, f"scission de la région {member.region}"
            split_followed = True
        else:
            successor = ending.successors[0]
            if successor == member.region:
                return  # a merger that keeps this code: the member stays
            change = "fusion" if ending.by == MERGER else "changement de nom"
            reason = f"{change} de la région {member.region} ({successor})"
        member.move_to_region(successor, ending.on, reason)
        on = ending.on
    if after_split is not None and not split_followed:
        raise MemberRefused(
            "le champ « after_split » ne sert qu'à un membre placé dans une région scindée après la date du "
            "placement : il n'y en a pas ici",
            field="after_split",
        )
