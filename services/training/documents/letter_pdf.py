"""The decision letter of a Fonds Mutualisés Solidaires application, as a PDF (fpdf2, DejaVu Sans
from `shared.pdf_fonts`): the federation's heading, the lead enterprise's name and town, the date in
Paris, the call, the decision (the amount awarded, or the rejection and its reason), the conditions
of an award (actuals to report, settlement pro rata of what is delivered) and a reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from shared.pdf_fonts import FONT, use_dejavu
from shared.web.filters import euros, french_date

FEDERATION = (
    "COORACE",
    "Fédération des entreprises d'insertion par l'activité économique",
    "Fonds Mutualisés Solidaires",
)


@dataclass(frozen=True)
class DecisionLetter:
    application_id: str
    title: str
    member_name: str
    member_city: str
    partners: tuple[str, ...]
    call_title: str
    call_year: int
    kind: str  # "award" or "reject"
    amount: Decimal | None
    requested: Decimal
    reason: str
    decided_on: date
    approved_on: date | None  # None: the decision still awaits its review (staff's copy)
    made_on: date
    max_cofunding_rate: Decimal
    max_per_trainee: Decimal

    @property
    def reference(self) -> str:
        """« FMS-2015-8B9C0D1E »: the call's year and the application's id, short enough to quote."""
        return f"FMS-{self.call_year}-{self.application_id.replace('-', '')[:8].upper()}"


def file_name(letter: DecisionLetter) -> str:
    return f"lettre-de-decision-{letter.reference}.pdf"


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"COORACE — Fonds Mutualisés Solidaires — page {self.page_no()}/{{nb}}", align="C")


def letter_pdf(letter: DecisionLetter) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_title(f"Décision — {letter.title}")
    pdf.set_author("COORACE")
    pdf.set_lang("fr")
    use_dejavu(pdf)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: float = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    line(FEDERATION[0], 16, "B", 8)
    for words in FEDERATION[1:]:
        line(words, 9)
    pdf.ln(8)
    pdf.set_x(pdf.l_margin + width / 2)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(width / 2, 5.5, letter.member_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if letter.member_city:
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width / 2, 5.5, letter.member_city, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(6)
    line(f"Le {french_date(letter.made_on)}")
    line(f"Référence : {letter.reference}")
    pdf.ln(4)
    line(
        f"Objet : appel à projets « {letter.call_title} » {letter.call_year} — décision sur votre candidature", 11, "B"
    )
    pdf.ln(3)
    line("Madame, Monsieur,")
    pdf.ln(2)
    partners = f", avec {', '.join(letter.partners)}," if letter.partners else ""
    line(
        f"Vous avez déposé{partners} la candidature « {letter.title} » à l'appel à projets du Fonds Mutualisés "
        f"Solidaires, en demandant un cofinancement de {euros(letter.requested)}."
    )
    pdf.ln(2)
    decided = f"décision prise le {french_date(letter.decided_on)}" + (
        f" et approuvée le {french_date(letter.approved_on)}"
        if letter.approved_on
        else " ; projet de lettre : la décision n'est pas encore approuvée"
    )
    if letter.kind == "award":
        line("Décision : une aide vous est accordée.", 11, "B")
        line(f"Montant accordé : {euros(letter.amount)} ({decided}).")
        if letter.reason:
            line(f"Motif : {letter.reason}")
        pdf.ln(3)
        line("Conditions", 11, "B")
        for condition in (
            "Vous déclarez les réalisations de chaque formation prévue : stagiaires formés, heures réalisées, "
            "coûts réels.",
            "Le solde est versé au prorata des heures-stagiaires réalisées par rapport à celles prévues (au plus "
            "le montant accordé).",
            f"Il reste dans les critères de l'appel appliqués aux coûts et stagiaires réels : au plus "
            f"{_percent(letter.max_cofunding_rate)} du coût des formations et {euros(letter.max_per_trainee)} par "
            "stagiaire.",
            "Ce qui n'est pas versé revient à l'enveloppe de l'appel.",
        ):
            line(f"• {condition}")
    else:
        line("Décision : votre candidature n'est pas retenue.", 11, "B")
        line(f"Motif : {letter.reason} ({decided}).")
    pdf.ln(6)
    line("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.")
    pdf.ln(4)
    line("L'équipe nationale du COORACE", 10, "B")
    return bytes(pdf.output())


def _percent(rate: Decimal) -> str:
    value = (rate * 100).normalize()
    return f"{value:f}".replace(".", ",") + " %"
