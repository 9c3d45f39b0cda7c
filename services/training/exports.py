"""The decisions of a call as national staff file them: CSV (semicolon-separated, UTF-8 with BOM, as
French spreadsheets expect) and XLSX (openpyxl, a maintained library for the format)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

HEADERS = (
    "Candidature",
    "Intitulé",
    "Entreprise cheffe de file",
    "Région",
    "Entreprises candidates",
    "Statut",
    "Éligibilité",
    "Note /100",
    "Cofinancement demandé (€)",
    "Décision",
    "Montant décidé (€)",
    "Motif",
    "Décidé par",
    "Décidé le",
    "Relecture",
    "Relu par",
    "Aide accordée (€)",
    "Solde versé (€)",
    "Stagiaires prévus",
    "Heures prévues",
    "Stagiaires formés",
    "Heures réalisées",
)

_STATUS = {
    "submitted": "en instruction",
    "decided": "décision en relecture",
    "sent_back": "décision renvoyée",
    "awarded": "aide accordée",
    "rejected": "rejetée",
    "settled": "soldée",
}
_ELIGIBILITY = {"pending": "à vérifier", "eligible": "éligible", "ineligible": "non éligible"}
_DECISION = {"award": "aide", "reject": "rejet"}
_REVIEW = {"approved": "approuvée", "sent_back": "renvoyée"}


def decision_lines(rows: list[dict[str, Any]]) -> list[list[Any]]:
    lines = []
    for row in rows:
        decision, review = row["decision"] or {}, row["review"] or {}
        lines.append(
            [
                row["application_id"],
                row["title"],
                row["lead_name"],
                row["lead_region"],
                ", ".join(e["name"] for e in row["enterprises"]),
                _STATUS.get(row["status"], row["status"]),
                _ELIGIBILITY[row["eligibility"]],
                row["score"],
                row["requested"],
                _DECISION.get(decision.get("kind"), ""),
                _amount(decision.get("amount")),
                decision.get("reason", ""),
                decision.get("decided_by", ""),
                decision.get("on", ""),
                _REVIEW.get(review.get("outcome"), ""),
                review.get("reviewer_id", ""),
                row["awarded"],
                row["settled"],
                row["planned_trainees"],
                row["planned_hours"],
                row["delivered_trainees"],
                row["delivered_hours"],
            ]
        )
    return lines


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def as_csv(lines: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for line in lines:
        writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, Decimal) else v for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(lines: list[list[Any]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("".join(c for c in title if c not in "[]:*?/\\")[:31] or "Décisions")
    sheet.append(list(HEADERS))
    for line in lines:
        # Amounts as numbers (two decimals are exact in a double for any fund's figures).
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
