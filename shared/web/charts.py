"""Charts drawn on the server as SVG, from the same rows the page's table shows: a chart and its
table cannot disagree, and a page needs no JavaScript to draw them.

    figure = BarChart(title="Adhérents par forme", unit="adhérents",
                      bars=[Bar("AI", 12), Bar("ACI", 30)])
    {% from "charts.html" import bar_chart %}{{ bar_chart(figure) }}   → the SVG, then the table

`Gauge` is one stacked bar (an envelope: committed, available) with its own table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from shared.web.filters import french_number

# The portal's palette (portal.css), colour-blind safe in order (Okabe–Ito), then repeated.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
PLOT_WIDTH = 360
VALUE_WIDTH = 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What the table and the bar's end show, when not the plain French number (« 12 % », « 3 400 € »).
    shown: str | None = None
    colour: str | None = None

    @property
    def text(self) -> str:
        return self.shown if self.shown is not None else french_number(self.value)


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str  # the table's value column (« adhérents », « € »)
    bars: Sequence[Bar]
    # The largest value the axis shows (default: the largest bar); 4 for le Cap's levels, 100 for %.
    maximum: float | None = None
    caption: str = ""
    slug: str = field(default="")  # the chart's id on the page (default: from the title)

    @property
    def identifier(self) -> str:
        base = self.slug or self.title
        return "graphique-" + "".join(c if c.isalnum() else "-" for c in base.lower()).strip("-")


@dataclass(frozen=True)
class Gauge:
    """One bar split in parts that add up to `total` (what is left unfilled is shown as such)."""

    title: str
    total: float
    parts: Sequence[Bar]
    total_shown: str | None = None
    rest_label: str = "reste"


def _svg_open(identifier: str, title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{identifier}-titre" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="bar-chart">'
        f'<title id="{identifier}-titre">{escape(title)}</title>'
    )


def bar_chart_svg(chart: BarChart) -> Markup:
    """Horizontal bars, one per row, labelled on the left with the value at the bar's end."""
    top = max([chart.maximum or 0.0, *(b.value for b in chart.bars)]) or 1.0
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    height = max(1, len(chart.bars)) * (BAR_HEIGHT + GAP) + GAP
    parts = [_svg_open(chart.identifier, chart.title, width, height)]
    for index, bar in enumerate(chart.bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(0.0, bar.value) / top * PLOT_WIDTH
        colour = bar.colour or PALETTE[0]
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" font-size="13">'
            f"{escape(bar.text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def gauge_svg(gauge: Gauge, identifier: str = "jauge") -> Markup:
    """One stacked bar: each part in its colour, in order, then what is left of the total."""
    width, height = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, BAR_HEIGHT * 2 + GAP * 2
    total = gauge.total if gauge.total > 0 else 1.0
    parts = [_svg_open(identifier, gauge.title, width, height)]
    x = 0.0
    scale = (width - 2) / total
    for index, part in enumerate(gauge.parts):
        length = max(0.0, min(part.value, total - x / scale)) * scale
        colour = part.colour or PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{1 + x:.1f}" y="{GAP}" width="{length:.1f}" height="{BAR_HEIGHT * 2}" fill="{colour}">'
            f"<title>{escape(part.label)} : {escape(part.text)}</title></rect>"
        )
        x += length
    parts.append(
        f'<rect x="1" y="{GAP}" width="{width - 2}" height="{BAR_HEIGHT * 2}" fill="none" stroke="#505a5f"/></svg>'
    )
    return Markup("".join(parts))
