"""Region mergers take effect on their effective date, not when they are recorded."""

from __future__ import annotations

from datetime import date

import pytest

from services.membership.domain.errors import MemberRefused, UnknownRegion
from services.membership.domain.regions import REGIONS_2015, RegionRegistry

MERGER_DAY = date(2030, 1, 1)


def merged_in_2030() -> RegionRegistry:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("AUV", "RAL"), "ARA", "Auvergne-Rhône-Alpes", MERGER_DAY)
    return registry


def test_the_merged_regions_exist_until_the_merger_and_the_new_one_from_it() -> None:
    registry = merged_in_2030()
    assert registry.is_open("AUV", date(2029, 12, 31)) and not registry.is_open("AUV", MERGER_DAY)
    assert not registry.is_open("ARA", date(2029, 12, 31)) and registry.is_open("ARA", MERGER_DAY)
    registry.require_active("RAL", date(2026, 11, 30))
    with pytest.raises(UnknownRegion):
        registry.require_active("ARA", date(2026, 11, 30))


def test_a_region_placed_before_the_merger_is_told_which_merger_closes_it() -> None:
    registry = merged_in_2030()
    assert registry.merger_after("AUV", date(2026, 11, 30)) == (MERGER_DAY, "ARA")
    assert registry.merger_after("AUV", MERGER_DAY) is None
    assert registry.merger_after("BRE", date(2026, 11, 30)) is None


def test_a_region_already_to_be_merged_cannot_be_merged_again() -> None:
    registry = merged_in_2030()
    with pytest.raises(UnknownRegion):
        registry.merge(("AUV", "BRE"), "XX", "Ailleurs", date(2028, 1, 1))


def test_a_merger_may_keep_one_of_the_merged_codes() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("ACAL", "BOU"), "ACAL", "Grand Est et Bourgogne", date(2017, 1, 1))
    assert registry.is_open("ACAL", date(2016, 1, 1)) and registry.is_open("ACAL", date(2018, 1, 1))
    assert registry.merger_after("ACAL", date(2016, 1, 1)) == (date(2017, 1, 1), "ACAL")
    with pytest.raises(MemberRefused, match="déjà celui d.une autre région active"):
        registry.merge(("NPC", "PCH"), "ACAL", "x", date(2019, 1, 1))
