"""The region list's published events (`shared.contracts.membership`): every event the registry
writes decodes, from its stored form, into its contract Struct, and the lineage every service folds
from them says which regions each region succeeds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eventsourcing.persistence import Mapper

from services.membership.domain.regions import REGIONS_2015, RegionRegistry
from shared.contracts.membership import (
    REGION_EVENT_PREFIX,
    REGION_EVENTS,
    REGION_REGISTRY_ID,
    RegionEvent,
    RegionLineage,
    RegionRenamedV1,
    decode_region_event,
    lineage_after,
)
from shared.eventstore import event_transcoder
from shared.projection import decode_foreign

MAPPER = Mapper(transcoder=event_transcoder())
STORED_COLUMNS = ("originator_id", "originator_version", "topic", "state")
REFORM = date(2016, 1, 1)
REFORM_TIME = datetime(2016, 2, 1, tzinfo=UTC)


def declared_region_events() -> set[str]:
    return {
        f"RegionRegistry.{name}"
        for name, value in vars(RegionRegistry).items()
        if isinstance(value, type) and issubclass(value, RegionRegistry.Event) and name not in ("Event", "Created")
    }


def published_history(registry: RegionRegistry) -> list[RegionEvent]:
    """The registry's new events as a follower decodes them from membership's log."""
    published = []
    for event in registry.collect_events():
        stored = MAPPER.to_stored_event(event)
        row = {"notification_id": 1, **{k: getattr(stored, k) for k in STORED_COLUMNS}}
        foreign = decode_foreign(row).event
        assert foreign.name.startswith(REGION_EVENT_PREFIX)
        published.append(
            decode_region_event(foreign.name, foreign.originator_version, foreign.timestamp, foreign.state)
        )
    return published


def folded(events: list[RegionEvent]) -> RegionLineage:
    lineage = RegionLineage()
    for event in events:
        lineage = lineage_after(lineage, event)
    return lineage


def reformed_registry() -> RegionRegistry:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.rename("NPC", "HDF", "Hauts-de-France", REFORM)
    registry.merge(("AUV", "RAL"), "ARA", "Auvergne-Rhône-Alpes", REFORM)
    registry.split("CLI", (("CVL", "Centre-Val de Loire"), ("LIM", "Limousin")), REFORM)
    registry.merge(("LIM", "AQU", "PCH"), "NAQ", "Nouvelle-Aquitaine", date(2017, 1, 1))
    registry.rename("BRE", "BRE", "Bretagne (fédération)", REFORM)
    return registry


def test_every_event_of_the_region_list_has_its_contract_struct() -> None:
    assert declared_region_events() == set(REGION_EVENTS)
    assert RegionRegistry.ID == REGION_REGISTRY_ID


def test_the_stored_events_decode_into_the_contract_and_fold_into_the_lineage() -> None:
    registry = reformed_registry()
    history = published_history(registry)
    assert [e.version for e in history] == list(range(1, 7))
    lineage = folded(history)
    assert lineage.predecessors("HDF") == ("NPC",)
    assert lineage.predecessors("ARA") == ("AUV", "RAL")
    assert lineage.predecessors("CVL") == ("CLI",)
    assert lineage.predecessors("NAQ") == ("AQU", "CLI", "LIM", "PCH")  # through the split, then the merger
    assert lineage.predecessors("BRE") == ()  # a rename that keeps the code succeeds nothing
    assert lineage.predecessors("NPC") == ()  # a predecessor reads nothing of its successor


def test_a_merger_that_keeps_a_code_makes_it_succeed_the_others_only() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("ACAL", "BOU"), "ACAL", "Grand Est et Bourgogne", date(2017, 1, 1))
    assert folded(published_history(registry)).predecessors("ACAL") == ("BOU",)


def test_a_change_recorded_twice_adds_nothing_twice() -> None:
    renamed = RegionRenamedV1(
        version=2, recorded_at=REFORM_TIME, code="NPC", new_code="HDF", new_name="Hauts-de-France", effective_on=REFORM
    )
    once = lineage_after(RegionLineage(), renamed)
    assert lineage_after(once, renamed) == once == RegionLineage({"HDF": ("NPC",)})
