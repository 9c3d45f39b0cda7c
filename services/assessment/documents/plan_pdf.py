"""The progress plan as a PDF (fpdf2): title, the member, the date in French, the assessment's
version, the radar chart of the themes, then the actions by priority with the federation service
that can help, who carries each, by when, and where the team is with it.

The font is DejaVu Sans (`shared.pdf_fonts`): the PDF's core fonts know Latin-1 only, and a plan
in French needs « œ », « ’ » and « … » as well as accents.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.assessment.domain.plan import PlanAction
from shared.pdf_fonts import FONT, use_dejavu
from shared.web.filters import french_date

# fpdf2 draws SVG but warns on the accessible name and description, which a PDF image has no use for.
_TITLE_AND_DESC = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.DOTALL)

PRIORITIES = {"high": "Priorité haute", "medium": "Priorité moyenne", "low": "Priorité basse"}
STATES = {
    "proposed": "proposée",
    "adopted": "adoptée",
    "scheduled": "planifiée",
    "done": "réalisée",
    "dropped": "abandonnée",
}


@dataclass(frozen=True)
class PlanDocument:
    member_name: str
    assessment_id: str
    version: int
    referential_version: str
    made_on: date
    radar_svg: str
    actions: Sequence[PlanAction]


def file_name(member_name: str, made_on: date) -> str:
    """« plan-de-progres-AI-Le-Relais-2026-11-30.pdf »: the member's name kept readable, safe in a header."""
    safe = "".join(c if c.isalnum() else "-" for c in member_name).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"plan-de-progres-{safe or 'adherent'}-{made_on.isoformat()}.pdf"


def ascii_file_name(name: str) -> str:
    """The same name without accents, for clients that only read the plain `filename`."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"COORACE — le Cap — page {self.page_no()}/{{nb}}", align="C")


def plan_pdf(document: PlanDocument) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_title(f"Plan de progrès — {document.member_name}")
    pdf.set_author("COORACE")
    pdf.set_lang("fr")
    use_dejavu(pdf)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(width, 9, "Plan de progrès — le Cap", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(width, 7, document.member_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, "", 10)
    for line in (
        f"Édité le {french_date(document.made_on)}",
        f"Évaluation en version {document.version}, référentiel {document.referential_version}",
        f"Identifiant de l'évaluation : {document.assessment_id}",
    ):
        pdf.multi_cell(width, 5.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(width, 7, "Positionnement par thème", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    chart_width = 110
    chart = _TITLE_AND_DESC.sub("", document.radar_svg).encode()
    pdf.image(io.BytesIO(chart), x=pdf.l_margin + (width - chart_width) / 2, w=chart_width)
    pdf.ln(2)

    pdf.set_font(FONT, "B", 12)
    pdf.cell(width, 7, "Actions, par priorité", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if not document.actions:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width, 5.5, "Aucune action : chaque indicateur atteint son objectif.", align="L")
    current_priority = None
    for action in document.actions:
        if action.priority != current_priority:
            current_priority = action.priority
            pdf.ln(1)
            pdf.set_font(FONT, "B", 11)
            pdf.cell(
                width,
                6.5,
                PRIORITIES.get(action.priority, action.priority),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
                align="L",
            )
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(
            width, 5.5, f"{action.rank}. {action.suggested_action}", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )
        pdf.set_font(FONT, "", 9)
        details = [
            f"Indicateur {action.indicator} : {action.question}",
            f"Niveau {action.level}, objectif {action.objective}",
            f"Service de la fédération : {action.service_label}",
            f"Responsable : {action.owner or 'à désigner'} — échéance : "
            f"{french_date(action.due_on) if action.due_on else 'à fixer'}",
            f"État : {STATES.get(action.status, action.status)}"
            + (f", le {french_date(action.completed_on)}" if action.completed_on else "")
            + (f" ({action.dropped_reason})" if action.dropped_reason else ""),
        ]
        for line in details:
            pdf.set_x(pdf.l_margin + 5)
            pdf.multi_cell(width - 5, 4.8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.ln(1.5)
    return bytes(pdf.output())
