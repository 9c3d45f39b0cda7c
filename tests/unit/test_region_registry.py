"""Region renames, mergers and splits take effect on their effective date, not when they are recorded."""

from __future__ import annotations

from datetime import date

import pytest

from services.membership.domain.errors import MemberRefused, RegionClosed, UnknownRegion
from services.membership.domain.member import Member
from services.membership.domain.regions import (
    MERGER,
    REGIONS_2015,
    RENAME,
    SPLIT,
    Ending,
    RegionRegistry,
    follow_successions,
)
from shared.personal import PersonalDetails
from tests.helpers.siret import valid_siret

MERGER_DAY = date(2030, 1, 1)
REFORM = date(2016, 1, 1)


def merged_in_2030() -> RegionRegistry:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("AUV", "RAL"), "ARA", "Auvergne-Rhône-Alpes", MERGER_DAY)
    return registry


def npc_renamed_hdf() -> RegionRegistry:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.rename("NPC", "HDF", "Hauts-de-France", REFORM)
    return registry


def member_in(region: str, joined_on: date) -> Member:
    contact = PersonalDetails(name="Anne Martin", email="anne@exemple.fr", phone="03 20 00 00 00")
    return Member.register(
        name="Chantier",
        siret=valid_siret(1),
        forms=("AI",),
        region=region,
        joined_on=joined_on,
        contact=contact,
        city="Lille",
    )


def test_the_merged_regions_exist_until_the_merger_and_the_new_one_from_it() -> None:
    registry = merged_in_2030()
    assert registry.is_open("AUV", date(2029, 12, 31)) and not registry.is_open("AUV", MERGER_DAY)
    assert not registry.is_open("ARA", date(2029, 12, 31)) and registry.is_open("ARA", MERGER_DAY)
    registry.require_active("RAL", date(2026, 11, 30))
    with pytest.raises(RegionClosed, match="n'existe qu'à partir du 01/01/2030"):
        registry.require_active("ARA", date(2026, 11, 30))


def test_a_region_placed_before_the_merger_is_told_which_merger_ends_it() -> None:
    registry = merged_in_2030()
    assert registry.ending_after("AUV", date(2026, 11, 30)) == Ending(MERGER_DAY, MERGER, ("ARA",))
    assert registry.ending_after("AUV", MERGER_DAY) is None
    assert registry.ending_after("BRE", date(2026, 11, 30)) is None


def test_a_region_already_to_be_merged_cannot_be_merged_again() -> None:
    registry = merged_in_2030()
    with pytest.raises(RegionClosed, match="la région AUV a été fusionnée dans ARA le 01/01/2030"):
        registry.merge(("AUV", "BRE"), "XX", "Ailleurs", date(2028, 1, 1))


def test_a_merger_may_keep_one_of_the_merged_codes() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("ACAL", "BOU"), "ACAL", "Grand Est et Bourgogne", date(2017, 1, 1))
    assert registry.is_open("ACAL", date(2016, 1, 1)) and registry.is_open("ACAL", date(2018, 1, 1))
    assert registry.ending_after("ACAL", date(2016, 1, 1)) == Ending(date(2017, 1, 1), MERGER, ("ACAL",))
    with pytest.raises(MemberRefused, match="déjà celui d.une autre région active"):
        registry.merge(("NPC", "PCH"), "ACAL", "x", date(2019, 1, 1))


def test_a_code_reopened_by_a_merger_cannot_be_changed_in_its_earlier_life() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("ACAL", "BOU"), "ACAL", "Grand Est et Bourgogne", date(2017, 1, 1))
    with pytest.raises(MemberRefused, match="n'existe sous ce code que depuis le 01/01/2017"):
        registry.rename("ACAL", "GES", "Grand Est", date(2016, 6, 1))


def test_a_rename_to_a_new_code_ends_the_old_code_on_its_date() -> None:
    registry = npc_renamed_hdf()
    assert registry.is_open("NPC", date(2015, 12, 31)) and not registry.is_open("NPC", REFORM)
    assert registry.is_open("HDF", REFORM) and not registry.is_open("HDF", date(2015, 12, 31))
    assert registry.active["HDF"] == "Hauts-de-France" and registry.retired["NPC"] == "Nord-Pas-de-Calais"
    assert registry.ending_after("NPC", date(2015, 6, 1)) == Ending(REFORM, RENAME, ("HDF",))


def test_a_rename_may_keep_the_code() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.rename("NPC", "NPC", "Hauts-de-France", REFORM)
    assert registry.active["NPC"] == "Hauts-de-France"
    assert registry.is_open("NPC", date(2015, 6, 1)) and registry.is_open("NPC", date(2017, 6, 1))
    assert registry.ending_after("NPC", date(2015, 6, 1)) is None
    with pytest.raises(MemberRefused, match="s'appelle déjà Hauts-de-France"):
        registry.rename("NPC", "NPC", "Hauts-de-France", date(2017, 1, 1))


def test_a_rename_refuses_a_code_in_use_and_an_empty_name() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    with pytest.raises(MemberRefused, match="déjà celui d.une autre région active"):
        registry.rename("NPC", "BRE", "Bretagne du Nord", REFORM)
    with pytest.raises(MemberRefused, match="doit avoir un nom"):
        registry.rename("NPC", "HDF", "  ", REFORM)


def test_a_split_ends_the_region_and_opens_each_successor() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.split("CLI", (("CVL", "Centre-Val de Loire"), ("LIM", "Limousin")), REFORM)
    assert not registry.is_open("CLI", REFORM) and registry.is_open("CVL", REFORM) and registry.is_open("LIM", REFORM)
    assert registry.ending_after("CLI", date(2015, 1, 1)) == Ending(REFORM, SPLIT, ("CVL", "LIM"))


@pytest.mark.parametrize(
    ("successors", "message"),
    [
        ((("CVL", "Centre-Val de Loire"),), "au moins deux nouvelles régions"),
        ((("CVL", "Centre"), ("CVL", "Val de Loire")), "au moins deux nouvelles régions"),
        ((("CVL", "Centre-Val de Loire"), ("BRE", "Bretagne")), "déjà celui d.une autre région active"),
        ((("CVL", "Centre-Val de Loire"), ("LIM", " ")), "doit avoir un nom"),
    ],
)
def test_a_split_refuses_bad_successors(successors: tuple[tuple[str, str], ...], message: str) -> None:
    with pytest.raises(MemberRefused, match=message):
        RegionRegistry(regions=REGIONS_2015).split("CLI", successors, REFORM)


def test_a_region_that_no_longer_exists_is_refused_naming_its_successor_and_the_date() -> None:
    registry = npc_renamed_hdf()
    registry.require_active("NPC", date(2015, 6, 1))
    with pytest.raises(
        RegionClosed, match=r"la région NPC a été renommée HDF le 01/01/2016 : elle n'existe plus le 01/06/2017"
    ):
        registry.require_active("NPC", date(2017, 6, 1))
    with pytest.raises(RegionClosed, match="la région NPC a été renommée HDF le 01/01/2016"):
        registry.require_active("NPC")
    with pytest.raises(UnknownRegion, match="n'est pas une région active"):
        registry.require_active("ZZZ", date(2017, 6, 1))


def test_a_member_placed_late_in_a_renamed_region_follows_it_to_its_successor() -> None:
    registry = npc_renamed_hdf()
    member = member_in("NPC", date(2015, 3, 1))
    follow_successions(registry, member, date(2015, 3, 1))
    assert member.region == "HDF"
    moved = member.collect_events()[-1]
    assert isinstance(moved, Member.MovedToRegion) and moved.effective_on == REFORM


def test_a_member_placed_late_in_a_region_renamed_then_merged_follows_both() -> None:
    registry = npc_renamed_hdf()
    registry.merge(("HDF", "IDF"), "NOR", "Nord", MERGER_DAY)
    member = member_in("NPC", date(2015, 3, 1))
    follow_successions(registry, member, date(2015, 3, 1))
    assert member.region == "NOR"
    assert [e.effective_on for e in member.collect_events() if isinstance(e, Member.MovedToRegion)] == [
        REFORM,
        MERGER_DAY,
    ]


def cli_split_in_2016() -> RegionRegistry:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.split("CLI", (("CVL", "Centre-Val de Loire"), ("LIM", "Limousin")), REFORM)
    return registry


def test_a_member_placed_late_in_a_split_region_is_refused_naming_the_successors() -> None:
    member = member_in("CLI", date(2015, 3, 1))
    with pytest.raises(MemberRefused, match="la région CLI a été scindée en CVL et LIM le 01/01/2016") as refused:
        follow_successions(cli_split_in_2016(), member, date(2015, 3, 1))
    assert refused.value.details["field"] == "after_split"
    with pytest.raises(MemberRefused, match="doit être affecté à l'une d'elles"):
        follow_successions(cli_split_in_2016(), member_in("CLI", date(2015, 3, 1)), date(2015, 3, 1), "BRE")


def test_a_member_placed_late_in_a_split_region_follows_the_successor_named() -> None:
    member = member_in("CLI", date(2015, 3, 1))
    follow_successions(cli_split_in_2016(), member, date(2015, 3, 1), after_split="LIM")
    assert member.region == "LIM"
    moved = member.collect_events()[-1]
    assert isinstance(moved, Member.MovedToRegion) and moved.effective_on == REFORM


def test_a_successor_named_where_no_split_follows_is_refused() -> None:
    member = member_in("BRE", date(2015, 3, 1))
    with pytest.raises(MemberRefused, match="after_split"):
        follow_successions(cli_split_in_2016(), member, date(2015, 3, 1), after_split="LIM")
