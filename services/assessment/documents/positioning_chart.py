"""The positioning as a chart and as a table, from one list of rows: the page's table, the SVG's
vertices and the PDF's chart cannot show different figures, since all three read the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.assessment.documents.radar import Series, radar_svg
from services.assessment.domain.positioning import Position
from services.assessment.read_models import Benchmark


@dataclass(frozen=True)
class Row:
    code: str
    title: str
    score: float | None
    objective: float | None
    region_average: float | None
    network_average: float | None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rows_of(positions: Sequence[Position], benchmarks: Sequence[Benchmark]) -> list[Row]:
    by_code = {b.code: b for b in benchmarks}
    out = []
    for p in positions:
        b = by_code.get(p.code)
        out.append(
            Row(
                code=p.code,
                title=p.title,
                score=_rounded(p.score),
                objective=_rounded(p.objective),
                region_average=_rounded(b.region_average) if b else None,
                network_average=_rounded(b.network_average) if b else None,
            )
        )
    return out


def decimal_fr(value: float | None) -> str:
    """« 2,75 », or « — » for no figure: the table and the chart's vertex labels write it alike."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def chart(*, chart_id: str, title: str, rows: Sequence[Row], region: str | None) -> str:
    """The radar of `rows`: the member's scores, the objectives and, when every axis has one, the
    region's and the network's averages (an average is only there for five members or more)."""
    series = [
        Series(name="Mon évaluation", values=[r.score for r in rows]),
        Series(name="Objectifs de la fédération", values=[r.objective for r in rows]),
    ]
    if rows and all(r.region_average is not None for r in rows):
        series.append(
            Series(name=f"Moyenne de la région {region or ''}".strip(), values=[r.region_average for r in rows])
        )
    if rows and all(r.network_average is not None for r in rows):
        series.append(Series(name="Moyenne du réseau", values=[r.network_average for r in rows]))
    figures = "; ".join(
        f"{r.code} {r.title} : {decimal_fr(r.score)} sur objectif {decimal_fr(r.objective)}" for r in rows
    )
    description = (
        f"Graphique radar, échelle de 0 à 4. Séries : {', '.join(s.name for s in series)}. {figures}. "
        "Les mêmes chiffres figurent dans le tableau qui suit le graphique."
    )
    return radar_svg(
        chart_id=chart_id,
        title=title,
        description=description,
        axes=[r.code for r in rows],
        series=series,
        vertex_labels=[f"{r.code} {r.title} : {decimal_fr(r.score)}" for r in rows],
    )
