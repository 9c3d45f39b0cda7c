"""The radar chart's geometry and its accessible SVG (no database)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from services.assessment.documents.positioning_chart import Row, chart
from services.assessment.documents.radar import MAXIMUM, SIZE, STYLES, Series, point, polygon, radar_svg

SVG = "{http://www.w3.org/2000/svg}"
CENTRE, RADIUS = 100.0, 80.0


def test_the_first_axis_points_up_and_the_others_follow_clockwise_at_equal_angles() -> None:
    assert point(0, 4, MAXIMUM, centre=CENTRE, radius=RADIUS) == pytest.approx((100, 20))
    assert point(1, 4, MAXIMUM, centre=CENTRE, radius=RADIUS) == pytest.approx((180, 100))  # right: clockwise
    assert point(2, 4, MAXIMUM, centre=CENTRE, radius=RADIUS) == pytest.approx((100, 180))
    assert point(3, 4, MAXIMUM, centre=CENTRE, radius=RADIUS) == pytest.approx((20, 100))
    x, y = point(1, 3, MAXIMUM, centre=CENTRE, radius=RADIUS)
    assert math.degrees(math.atan2(y - CENTRE, x - CENTRE)) == pytest.approx(-90 + 120)


@pytest.mark.parametrize("value", [0.0, 1.0, 2.5, 3.75, 4.0])
def test_a_value_sits_at_its_share_of_the_radius(value: float) -> None:
    for index in range(5):
        x, y = point(index, 5, value, centre=CENTRE, radius=RADIUS)
        assert math.hypot(x - CENTRE, y - CENTRE) == pytest.approx(value / MAXIMUM * RADIUS)


def test_values_outside_the_scale_are_kept_on_it_and_an_unanswered_one_sits_at_the_centre() -> None:
    assert point(0, 4, 9, centre=CENTRE, radius=RADIUS) == point(0, 4, MAXIMUM, centre=CENTRE, radius=RADIUS)
    assert point(0, 4, -1, centre=CENTRE, radius=RADIUS) == pytest.approx((CENTRE, CENTRE))
    assert polygon([None, 4, 4, 4], centre=CENTRE, radius=RADIUS)[0] == pytest.approx((CENTRE, CENTRE))


def test_the_svg_is_an_image_with_a_title_a_description_and_one_polygon_per_series_each_with_its_pattern() -> None:
    svg = radar_svg(
        chart_id="r",
        title="Positionnement & objectifs",
        description="Quatre thèmes",
        axes=["1", "2", "3", "4"],
        series=[Series(name="Moi", values=[1, 2, 3, 4]), Series(name="Objectifs", values=[3, 3, 3, 3])],
        vertex_labels=["a", "b", "c", "d"],
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "r-titre r-desc"
    assert root.find(f"{SVG}title").text == "Positionnement & objectifs"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Quatre thèmes"  # type: ignore[union-attr]
    polygons = root.findall(f"{SVG}polygon")
    series = [p for p in polygons if p.get("stroke-width") == "2.5"]
    assert [p.get("stroke-dasharray") for p in series] == [STYLES[0].dasharray, STYLES[1].dasharray]
    mine = [tuple(map(float, xy.split(","))) for xy in series[0].get("points", "").split()]
    centre, radius = SIZE / 2, SIZE / 2 - 60
    assert [round(math.hypot(x - centre, y - centre) / radius * MAXIMUM, 1) for x, y in mine] == [1, 2, 3, 4]
    legend = [t.text for t in root.findall(f"{SVG}text")]
    assert "Moi" in legend and "Objectifs" in legend


def test_a_series_must_have_one_value_per_axis_and_a_radar_three_axes() -> None:
    with pytest.raises(ValueError, match="3 values for 4 axes"):
        radar_svg(
            chart_id="r", title="t", description="d", axes=list("abcd"), series=[Series(name="x", values=[1, 2, 3])]
        )
    with pytest.raises(ValueError, match="three axes"):
        radar_svg(chart_id="r", title="t", description="d", axes=["a", "b"], series=[])


def _rows(region: float | None) -> list[Row]:
    return [
        Row(code=c, title=f"Thème {c}", score=s, objective=3.0, region_average=region, network_average=None)
        for c, s in (("1", 2.25), ("2", 3.0), ("3", None), ("4", 1.5))
    ]


def test_the_peers_averages_are_drawn_only_when_every_axis_has_one() -> None:
    without = chart(chart_id="c", title="t", rows=_rows(None), region="NPC")
    assert without.count('stroke-width="2.5"') == 2 * 2  # two polygons and their two legend lines
    assert "Moyenne de la région" not in without
    with_region = chart(chart_id="c", title="t", rows=_rows(2.0), region="NPC")
    assert "Moyenne de la région NPC" in with_region
    assert with_region.count('stroke-width="2.5"') == 3 * 2


def test_the_vertices_carry_the_same_figures_as_the_description() -> None:
    svg = chart(chart_id="c", title="t", rows=_rows(None), region=None)
    assert re.findall(r"<circle[^>]*><title>([^<]*)</title>", svg) == [
        "1 Thème 1 : 2,25",
        "2 Thème 2 : 3,00",
        "3 Thème 3 : —",
        "4 Thème 4 : 1,50",
    ]
    assert "1 Thème 1 : 2,25 sur objectif 3,00" in svg
