"""The decisions of a call as national staff file them: CSV (semicolon-separated, UTF-8 with BOM, as
French spreadsheets expect) and XLSX (openpyxl, a maintained library for the format).

Titles, names and reasons are written by applicants and staff: a text that a spreadsheet would take
for a formula (`=HYPERLINK(...)`, `+`, `-`, `@`…) is written as text, never as a formula — in the CSV
with a leading apostrophe (the usual neutralisation), in the XLSX as a string cell."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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
                _DECISION.get(decision.get("kind", ""), ""),
                _amount(decision.get("amount")),
                decision.get("reason", ""),
                decision.get("decided_by", ""),
                decision.get("on", ""),
                _REVIEW.get(review.get("outcome", ""), ""),
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
        writer.writerow([_csv_value(v) for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(lines: list[list[Any]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("".join(c for c in title if c not in "[]:*?/\\")[:31] or "Décisions")
    sheet.append(list(HEADERS))
    for line in lines:
        # Amounts as numbers (two decimals are exact in a double for any fund's figures).
        sheet.append([_xlsx_value(sheet, v) for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
        return cell
    return value
