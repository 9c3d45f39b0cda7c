"""The plan's PDF, read back with a PDF text extractor (no database)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from services.assessment.documents.plan_pdf import PlanDocument, ascii_file_name, file_name, plan_pdf
from services.assessment.documents.positioning_chart import Row, chart
from services.assessment.domain.plan import PlanAction


def action(rank: int, indicator: str, priority: str, **more: object) -> PlanAction:
    fields: dict[str, object] = {
        "rank": rank,
        "indicator": indicator,
        "theme": indicator[0],
        "sub_theme": indicator[:3],
        "question": f"Question {indicator} : l'œuvre ?",
        "level": 1,
        "objective": 3,
        "gap": 2,
        "weight": 2,
        "improve": False,
        "score": 8,
        "priority": priority,
        "suggested_action": f"Rédiger la procédure {indicator}",
        "service": "accompagnement",
        "service_label": "Accompagnement régional",
        "status": "proposed",
        **more,
    }
    return PlanAction(**fields)  # type: ignore[arg-type]


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_holds_the_member_the_date_the_version_the_chart_and_the_actions_by_priority() -> None:
    rows = [
        Row(code=c, title=f"Thème {c}", score=2.0, objective=3.0, region_average=None, network_average=None)
        for c in "1234"
    ]
    actions = [
        action(1, "1.1.1", "high", status="scheduled", owner="Élodie Fabre", due_on=date(2027, 3, 31)),
        action(2, "2.1.3", "medium", status="done", completed_on=date(2026, 10, 2)),
        action(3, "4.2.1", "low", status="dropped", dropped_reason="hors de portée cette année"),
    ]
    content = plan_pdf(
        PlanDocument(
            member_name="AI Le Relais — Pévèle",
            assessment_id="8b9c",
            version=57,
            referential_version="2016.1",
            made_on=date(2026, 12, 1),
            radar_svg=chart(chart_id="r", title="Thèmes", rows=rows, region=None),
            actions=actions,
        )
    )
    assert content.startswith(b"%PDF-")
    text = text_of(content)
    for expected in (
        "Plan de progrès",
        "AI Le Relais — Pévèle",
        "1er décembre 2026",
        "Évaluation en version 57, référentiel 2016.1",
        "Identifiant de l'évaluation : 8b9c",
        "Mon évaluation",  # the chart's legend: the radar is drawn in the PDF
        "Priorité haute",
        "Priorité moyenne",
        "Priorité basse",
        "1. Rédiger la procédure 1.1.1",
        "Question 1.1.1 : l'œuvre ?",
        "Service de la fédération : Accompagnement régional",
        "Responsable : Élodie Fabre — échéance : 31 mars 2027",
        "État : planifiée",
        "État : réalisée, le 2 octobre 2026",
        "État : abandonnée (hors de portée cette année)",
    ):
        assert expected in text, expected
    assert text.index("Priorité haute") < text.index("Priorité moyenne") < text.index("Priorité basse")


def test_a_plan_without_actions_says_so() -> None:
    rows = [Row(code=c, title=c, score=4.0, objective=3.0, region_average=None, network_average=None) for c in "123"]
    content = plan_pdf(
        PlanDocument(
            member_name="EI Sans Faute",
            assessment_id="x",
            version=3,
            referential_version="2016.1",
            made_on=date(2026, 1, 1),
            radar_svg=chart(chart_id="r", title="t", rows=rows, region=None),
            actions=[],
        )
    )
    assert "Aucune action" in text_of(content)


def test_the_file_name_is_french_and_has_an_ascii_twin() -> None:
    name = file_name("AI Le Relais — Pévèle / Nord", date(2026, 12, 1))
    assert name == "plan-de-progres-AI-Le-Relais-Pévèle-Nord-2026-12-01.pdf"
    assert ascii_file_name(name) == "plan-de-progres-AI-Le-Relais-Pevele-Nord-2026-12-01.pdf"
