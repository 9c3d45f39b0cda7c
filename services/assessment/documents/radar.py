"""A radar chart of positioning scores, as SVG drawn here (no chart library, no script).

The geometry is plain: N axes around a centre, the first pointing up and the others clockwise at
equal angles; a value v on a scale 0..`maximum` sits at distance v / maximum × radius. A series is
one closed polygon. Each series has its own line pattern (solid, dashes, dots, dash-dot) as well as
its colour, so the chart reads in greyscale and for people who do not see colours (RGAA 3.1); the
SVG carries `<title>`/`<desc>` and `role="img"`, and the page puts the same figures in a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

SIZE = 440  # the drawing's square side, in SVG user units
LEGEND_HEIGHT = 24  # per series, under the drawing
MAXIMUM = 4.0  # le Cap's levels go from 1 to 4
RINGS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Style:
    stroke: str
    dasharray: str | None  # None: a solid line
    fill: str | None = None  # only the member's own series is filled, lightly


# Distinct by pattern first, colour second (contrast ≥ 3:1 against white for every stroke).
STYLES = (
    Style(stroke="#1d4f91", dasharray=None, fill="#1d4f91"),
    Style(stroke="#b3261e", dasharray="8 5"),
    Style(stroke="#2e6b30", dasharray="2 4"),
    Style(stroke="#5a3d8a", dasharray="10 4 2 4"),
)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per axis; None: not answered (drawn at the centre)


def point(
    index: float, count: int, value: float, *, centre: float, radius: float, maximum: float = MAXIMUM
) -> tuple[float, float]:
    """Where `value` on axis `index` of `count` sits: axis 0 points up, the others follow clockwise
    (a fractional index: between two axes)."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = max(0.0, min(value, maximum)) / maximum * radius
    return centre + distance * math.cos(angle), centre + distance * math.sin(angle)


def polygon(
    values: Sequence[float | None], *, centre: float, radius: float, maximum: float = MAXIMUM
) -> list[tuple[float, float]]:
    count = len(values)
    return [point(i, count, v or 0.0, centre=centre, radius=radius, maximum=maximum) for i, v in enumerate(values)]


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _dash(style: Style) -> str:
    return f' stroke-dasharray="{style.dasharray}"' if style.dasharray else ""


def _anchor(x: float, centre: float) -> str:
    if abs(x - centre) < 1:
        return "middle"
    return "start" if x > centre else "end"


def radar_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    axes: Sequence[str],
    series: Sequence[Series],
    vertex_labels: Sequence[str] = (),
) -> str:
    """The chart as an SVG element, ready to inline in a page or hand to the PDF.

    `axes`: the short label of each axis (a code such as « 1 » or « 2.3 »); `series`: at most four
    (the member, the objectives, the region's and the network's averages); `vertex_labels`: a
    tooltip on each vertex of the first series (a pointer shows the figure there)."""
    if len(axes) < 3:
        raise ValueError("a radar chart needs at least three axes")
    if len(series) > len(STYLES):
        raise ValueError(f"at most {len(STYLES)} series")
    for s in series:
        if len(s.values) != len(axes):
            raise ValueError(f"series {s.name!r}: {len(s.values)} values for {len(axes)} axes")
    centre, radius = SIZE / 2, SIZE / 2 - 60
    height = SIZE + LEGEND_HEIGHT * len(series) + 8
    count = len(axes)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{height}" viewBox="0 0 {SIZE} {height}" '
        f'role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc" class="radar">',
        f'<title id="{chart_id}-titre">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    for ring in RINGS:
        out.append(
            f'<polygon points="{_points(polygon([float(ring)] * count, centre=centre, radius=radius))}" '
            'fill="none" stroke="#b8b8b8" stroke-width="1"/>'
        )
        x, y = point(0.5, count, ring, centre=centre, radius=radius)  # between the first two axes
        out.append(f'<text x="{x + 3:.1f}" y="{y - 3:.1f}" font-size="11" fill="#555555">{ring}</text>')
    for i, label in enumerate(axes):
        x, y = point(i, count, MAXIMUM, centre=centre, radius=radius)
        out.append(
            f'<line x1="{centre:.1f}" y1="{centre:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#b8b8b8" stroke-width="1"/>'
        )
        lx, ly = point(i, count, MAXIMUM + 0.6, centre=centre, radius=radius)
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="13" text-anchor="{_anchor(lx, centre)}" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
    for s, style in zip(series, STYLES, strict=False):
        fill = f'fill="{style.fill}" fill-opacity="0.15"' if style.fill else 'fill="none"'
        out.append(
            f'<polygon points="{_points(polygon(s.values, centre=centre, radius=radius))}" {fill} '
            f'stroke="{style.stroke}" stroke-width="2.5"{_dash(style)}/>'
        )
    if series and vertex_labels:
        first = polygon(series[0].values, centre=centre, radius=radius)
        for (x, y), label in zip(first, vertex_labels, strict=True):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{STYLES[0].stroke}">'
                f"<title>{escape(label)}</title></circle>"
            )
    for row, (s, style) in enumerate(zip(series, STYLES, strict=False)):
        y = SIZE + row * LEGEND_HEIGHT + 4
        out.append(
            f'<line x1="20" y1="{y:.1f}" x2="70" y2="{y:.1f}" '
            f'stroke="{style.stroke}" stroke-width="2.5"{_dash(style)}/>'
        )
        out.append(f'<text x="80" y="{y + 4:.1f}" font-size="13" fill="#1a1a1a">{escape(s.name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
