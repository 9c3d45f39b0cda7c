"""The dashboards' figures as the pages draw them, from the read models' answers (no database):
the report's map buckets and their colours, certifications with those without one, and the
regions' names le Cap's tabs read from the region list's published events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.assessment.web.dashboards_regions import names_after
from services.membership.read_models import NetworkDashboard, Region
from services.membership.web import dashboards_figures as figures
from shared.contracts.membership import RegionRenamedV1, RegionsEstablishedV1, RegionsMergedV1

RECORDED = datetime(2016, 1, 1, tzinfo=UTC)


def region(code: str, name: str, overseas: bool = False) -> Region:
    return Region(code=code, name=name, status="active", merged_into=None, overseas=overseas)


def network(**counts: dict[str, int]) -> NetworkDashboard:
    return NetworkDashboard(
        members=40,
        active_members=36,
        by_form={"ACI": 6, "AI": 30},
        by_carried_form={"AI": 30, "ACI": 6, "ETTI": 4},
        by_status={"active": 36, "excluded": 1, "resigned": 3},
        certified={"CEDRE": 5, "CEDRE_ISO_9001": 2},
        certificates_at_risk=0,
        accord_groupe=9,
        members_per_region=counts.get("per_region", {}),
        regions_per_bucket=counts.get("per_bucket", {}),
    )


def test_each_region_falls_in_the_reports_bucket_by_its_active_members() -> None:
    counts = {"A": 0, "B": 1, "C": 14, "D": 15, "E": 30, "F": 60, "G": 61}
    rows = figures.region_rows(counts, [region(code, f"Région {code}") for code in counts])
    assert [(r.code, r.bucket) for r in rows] == [
        ("G", "plus de 60"),
        ("F", "30–60"),
        ("E", "30–60"),
        ("D", "15–30"),
        ("C", "1–15"),
        ("B", "1–15"),
        ("A", "aucun adhérent"),
    ]
    assert len({r.colour for r in rows}) == 5  # one colour per bucket
    chart = figures.members_per_region_chart(rows)
    assert [b.colour for b in chart.bars] == [r.colour for r in rows]


def test_a_region_name_too_long_for_the_chart_is_labelled_by_its_code_and_named_in_the_table() -> None:
    rows = figures.region_rows({"ACAL": 44}, [region("ACAL", "Alsace-Champagne-Ardenne-Lorraine")])
    assert rows[0].name == "Alsace-Champagne-Ardenne-Lorraine"
    assert figures.members_per_region_chart(rows).bars[0].label == "ACAL"


def test_certifications_count_the_active_members_without_one() -> None:
    chart = figures.certifications_chart(network())
    assert [(b.label, b.value) for b in chart.bars] == [
        ("CEDRE", 5),
        ("CEDRE et ISO 9001", 2),
        ("Sans certification", 29),
    ]


def test_forms_follow_the_reports_order_and_statuses_read_in_french() -> None:
    assert [b.label for b in figures.forms_chart(network()).bars] == ["AI", "ACI"]
    assert figures.statuses(network()) == [("adhérente", 36), ("démissionnaire", 3), ("exclue", 1)]
    gauge = figures.accord_groupe_gauge(network())
    assert gauge.total == 36 and [p.value for p in gauge.parts] == [9]


def test_the_buckets_chart_shows_no_empty_bucket_of_no_member() -> None:
    chart = figures.buckets_chart(network(per_bucket={"1 to 15": 3, "more than 60": 1}))
    assert [(b.label, b.value) for b in chart.bars] == [("plus de 60", 1), ("30–60", 0), ("15–30", 0), ("1–15", 3)]


def test_a_regions_name_is_its_latest_in_effect_and_a_rename_to_come_is_not_yet() -> None:
    established = RegionsEstablishedV1(version=1, recorded_at=RECORDED, regions=(("NPC", "Nord-Pas-de-Calais"),))
    names = names_after({}, established, date(2016, 6, 1))
    assert names == {"NPC": "Nord-Pas-de-Calais"}
    renamed = RegionRenamedV1(
        version=2,
        recorded_at=RECORDED,
        code="NPC",
        new_code="NPC",
        new_name="Hauts-de-France",
        effective_on=date(2017, 1, 1),
    )
    assert names_after(names, renamed, date(2016, 6, 1)) == names
    assert names_after(names, renamed, date(2017, 1, 1)) == {"NPC": "Hauts-de-France"}
    merged = RegionsMergedV1(
        version=3,
        recorded_at=RECORDED,
        merged=("NPC",),
        new_code="HDF",
        new_name="Hauts-de-France",
        effective_on=date(2016, 1, 1),
    )
    assert names_after(names, merged, date(2016, 6, 1))["HDF"] == "Hauts-de-France"
