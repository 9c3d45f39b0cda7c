"""Reading a past call's file (CSV or XLSX, see `layout`) into a `PastCall`, every cell checked:
a cell that is missing or not what its column holds becomes a `Refusal` naming the sheet, the row,
the column and what is wrong, in French. The same file read as CSV or as XLSX gives the same
`PastCall` (rows carry their sheet and their row number in the file)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from services.training.domain.call import CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.values import CriterionScore, Training, TrainingActual
from services.training.importing.layout import KIND_COLUMN, SHEET_BY_NAME, SHEETS

HELP_SHEET = "aide"  # the template's documentation sheet, not read


@dataclass(frozen=True)
class Refusal:
    """A row of the file that cannot be imported, and why (in French)."""

    sheet: str
    row: int
    field: str
    message: str

    def line(self) -> str:
        row = f", ligne {self.row}" if self.row else ""  # 0: the file or the sheet as a whole
        column = f", colonne {self.field}" if self.field else ""
        return f"{self.sheet}{row}{column} : {self.message}"


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int  # the row's number in the file (the header is row 1)
    cells: dict[str, str]


@dataclass(frozen=True)
class TopUp:
    row: Row
    amount: Decimal
    reason: str
    on: date
    by: str


@dataclass(frozen=True)
class PastApplication:
    row: Row
    ref: str
    lead: str
    partners: tuple[str, ...]
    title: str
    summary: str
    requested: Decimal
    drafted_on: date
    submitted_on: date
    by: str
    trainings: tuple[Training, ...]


@dataclass(frozen=True)
class ScoreSheet:
    """One reviewer's scores on one application (one row per criterion in the file)."""

    row: Row  # its first row
    ref: str
    reviewer: str
    on: date
    scores: tuple[CriterionScore, ...]


@dataclass(frozen=True)
class DecisionAct:
    row: Row
    ref: str
    act: str  # attribution, rejet, approbation, renvoi
    amount: Decimal | None
    reason: str
    by: str
    on: date


@dataclass(frozen=True)
class Actuals:
    row: Row  # its first row
    ref: str
    on: date
    actuals: tuple[TrainingActual, ...]


@dataclass(frozen=True)
class Settlement:
    row: Row
    ref: str
    on: date
    by: str


@dataclass(frozen=True)
class CallRecord:
    row: Row
    year: int
    label: str
    terms: CallTerms
    closed_on: date
    published_on: date | None
    by: str


@dataclass
class PastCall:
    call: CallRecord | None = None
    top_ups: list[TopUp] = field(default_factory=list)
    applications: list[PastApplication] = field(default_factory=list)
    scores: list[ScoreSheet] = field(default_factory=list)
    acts: list[DecisionAct] = field(default_factory=list)
    actuals: list[Actuals] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


ACTS = ("attribution", "rejet", "approbation", "renvoi")
YES, NO = {"oui", "o", "yes", "vrai", "1", "x"}, {"non", "n", "no", "faux", "0"}


# --- the file's rows ------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[Row], list[Refusal]]:
    """The file's non-empty rows, each with its sheet and row number, and the refusals of the file's
    shape (unknown sheet, missing column)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _csv_rows(path)
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_rows(path)
    except UnicodeDecodeError:
        return [], [Refusal(path.name, 0, "", "fichier CSV illisible : enregistrez-le en UTF-8")]
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError):
        return [], [Refusal(path.name, 0, "", "fichier XLSX illisible : enregistrez-le au format Excel (.xlsx)")]
    return [], [Refusal(path.name, 0, "", "format inconnu : le fichier doit être un .csv ou un .xlsx")]


def _csv_rows(path: Path) -> tuple[list[Row], list[Refusal]]:
    text = path.read_text(encoding="utf-8-sig")
    # French spreadsheets export with « ; » between cells, others with « , ».
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    if KIND_COLUMN not in header:
        return [], [Refusal(path.name, 1, KIND_COLUMN, f"la colonne « {KIND_COLUMN} » manque (elle nomme la fiche)")]
    rows, refusals = [], []
    present = set(header)
    missing_reported: set[str] = set()
    for number, values in enumerate(reader, start=2):
        cells = {h: v.strip() for h, v in zip(header, values, strict=False) if h}
        if not any(cells.values()):
            continue
        kind = cells.pop(KIND_COLUMN, "")
        sheet = SHEET_BY_NAME.get(kind)
        if sheet is None:
            refusals.append(Refusal("csv", number, KIND_COLUMN, f"fiche inconnue « {kind} » ({_kinds()})"))
            continue
        for name in sheet.names:
            if name not in present and name not in missing_reported:
                missing_reported.add(name)
                refusals.append(Refusal(kind, 1, name, "colonne absente de l'en-tête"))
        rows.append(Row(kind, number, cells))
    return rows, refusals


def _xlsx_rows(path: Path) -> tuple[list[Row], list[Refusal]]:
    book = load_workbook(path, read_only=True, data_only=True)
    rows, refusals = [], []
    try:
        for worksheet in book.worksheets:
            if worksheet.title == HELP_SHEET:
                continue
            sheet = SHEET_BY_NAME.get(worksheet.title)
            if sheet is None:
                refusals.append(Refusal(worksheet.title, 1, "", f"feuille inconnue ({_kinds()})"))
                continue
            lines = worksheet.iter_rows(values_only=True)
            header = [_cell(v) for v in next(lines, ())]
            missing = [n for n in sheet.names if n not in header]
            refusals += [Refusal(sheet.name, 1, n, "colonne absente de l'en-tête") for n in missing]
            for number, values in enumerate(lines, start=2):
                cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
                if any(cells.values()):
                    rows.append(Row(sheet.name, number, cells))
    finally:
        book.close()
    return rows, refusals


def _cell(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _kinds() -> str:
    return "attendu : " + ", ".join(s.name for s in SHEETS)


# --- the cells ------------------------------------------------------------------------------


class Cells:
    """A row's cells, read by type; each problem is noted once, with the column it is in."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.refusals: list[Refusal] = []

    def refuse(self, column: str, message: str) -> None:
        self.refusals.append(Refusal(self.row.sheet, self.row.number, column, message))

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.row.cells.get(column, "").strip()
        if required and not value:
            self.refuse(column, "valeur obligatoire manquante")
        return value

    def items(self, column: str) -> tuple[str, ...]:
        return tuple(i.strip() for i in self.text(column, required=False).split(";") if i.strip())

    def day(self, column: str, *, required: bool = True) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        for form in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, form).date()
            except ValueError:
                continue
        self.refuse(column, f"« {value} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")
        return None

    def amount(self, column: str, *, required: bool = True) -> Decimal | None:
        """Euros: two decimals at most, no sign, exponent or NaN (as the API takes them)."""
        value = self.text(column, required=required).replace(" ", "").replace("\u202f", "").replace(",", ".")
        if not value:
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or "e" in value.lower() or value.startswith(("-", "+")):
            self.refuse(column, f"« {value} » n'est pas un montant en euros (1250.50)")
            return None
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            self.refuse(column, f"« {value} » : deux décimales au plus")
            return None
        return amount

    def share(self, column: str) -> Decimal | None:
        value = self.text(column).replace(",", ".")
        if not value:
            return None
        try:
            share = Decimal(value)
        except InvalidOperation:
            share = None
        if share is None or not share.is_finite() or not 0 < share <= 1:
            self.refuse(column, f"« {value} » n'est pas un taux compris entre 0 (exclu) et 1 (0.50)")
            return None
        return share

    def count(self, column: str, *, low: int = 0, high: int = 1_000_000) -> int | None:
        value = self.text(column)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            self.refuse(column, f"« {value} » n'est pas un nombre entier de {low} à {high}")
            return None
        return int(value)

    def yes_no(self, column: str) -> bool | None:
        value = self.text(column).lower()
        if value in YES:
            return True
        if value in NO:
            return False
        if value:
            self.refuse(column, f"« {value} » : répondre oui ou non")
        return None

    def choice(self, column: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(column).lower()
        if value and value not in choices:
            self.refuse(column, f"« {value} » : attendu {', '.join(choices)}")
            return None
        return value or None


# --- the records ----------------------------------------------------------------------------


def read_past_call(path: Path) -> PastCall:
    """The file as a past call, with every row that cannot be read refused."""
    rows, refusals = read_rows(path)
    past = PastCall(refusals=list(refusals))
    if any(r.sheet == path.name for r in refusals):
        return past  # the file itself cannot be read: nothing more to say about its rows
    by_sheet: dict[str, list[Row]] = {s.name: [] for s in SHEETS}
    for row in rows:
        by_sheet[row.sheet].append(row)
    grid = _grid(by_sheet["critere"], past)
    _call(by_sheet["appel"], grid, past)
    _top_ups(by_sheet["abondement"], past)
    trainings = _trainings(by_sheet["formation"], past)
    _applications(by_sheet["candidature"], trainings, past)
    refs = {a.ref for a in past.applications} | _refused_refs(by_sheet["candidature"], past)
    _scores(by_sheet["note"], refs, past)
    _acts(by_sheet["decision"], refs, past)
    _actuals(by_sheet["realise"], refs, past)
    _settlements(by_sheet["solde"], refs, past)
    past.refusals.sort(key=lambda r: ([s.name for s in SHEETS] + [r.sheet]).index(r.sheet) * 10**7 + r.row)
    return past


def _keep(cells: Cells, past: PastCall) -> bool:
    past.refusals += cells.refusals
    return not cells.refusals


def _grid(rows: list[Row], past: PastCall) -> tuple[ScoringCriterion, ...]:
    grid = []
    for row in rows:
        c = Cells(row)
        code, label, weight = c.text("code"), c.text("intitule"), c.count("poids", low=1, high=100)
        if _keep(c, past) and weight is not None:
            grid.append(ScoringCriterion(code=code, label=label, weight=weight))
    return tuple(grid)


def _call(rows: list[Row], grid: tuple[ScoringCriterion, ...], past: PastCall) -> None:
    if len(rows) != 1:
        where = rows[1] if rows else None
        past.refusals.append(
            Refusal("appel", where.number if where else 0, "", "la fiche appel a une ligne et une seule")
        )
        if not rows:
            return
    c = Cells(rows[0])
    year = c.count("annee", low=2000, high=2100)
    label, title, by = c.text("libelle", required=False), c.text("titre"), c.text("agent")
    fund, envelope = c.amount("fonds_mutualise"), c.amount("enveloppe")
    opens_on, closes_on = c.day("ouverture"), c.day("cloture")
    accord, pathway = c.yes_no("accord_groupe_requis"), c.yes_no("parcours_insertion_requis")
    max_rate, priority_rate = c.share("taux_max"), c.share("taux_prioritaire")
    per_trainee = c.amount("plafond_stagiaire")
    priority = c.items("formations_prioritaires")
    closed_on, published_on = c.day("clos_le"), c.day("publie_le", required=False)
    if not _keep(c, past):
        return
    assert year and fund and envelope and opens_on and closes_on and closed_on  # read above, else refused
    assert accord is not None and pathway is not None and max_rate and priority_rate and per_trainee
    terms = CallTerms(
        title=title,
        fund_amount=fund,
        envelope=envelope,
        opens_on=opens_on,
        closes_on=closes_on,
        criteria=EligibilityCriteria(
            accord_groupe_required=accord,
            integration_pathway_required=pathway,
            max_cofunding_rate=max_rate,
            priority_cofunding_rate=priority_rate,
            max_per_trainee=per_trainee,
        ),
        grid=grid,
        priority_trainings=priority,
    )
    past.call = CallRecord(rows[0], year, label, terms, closed_on, published_on, by)


def _top_ups(rows: list[Row], past: PastCall) -> None:
    for row in rows:
        c = Cells(row)
        amount, reason, on, by = c.amount("montant"), c.text("motif"), c.day("le"), c.text("agent")
        if _keep(c, past) and amount is not None and on is not None:
            past.top_ups.append(TopUp(row, amount, reason, on, by))


def _trainings(rows: list[Row], past: PastCall) -> dict[str, list[tuple[Row, Training]]]:
    found: dict[str, list[tuple[Row, Training]]] = {}
    for row in rows:
        c = Cells(row)
        ref, enterprise, title = c.text("ref"), c.text("entreprise", required=False), c.text("intitule")
        priority, pathway = c.yes_no("prioritaire"), c.yes_no("parcours_insertion")
        hours, trainees, cost = c.count("heures", low=1, high=10_000), c.count("stagiaires", low=1), c.amount("cout")
        if _keep(c, past):
            assert priority is not None and pathway is not None and hours and trainees and cost is not None
            training = Training(title, priority, hours, trainees, cost, enterprise, pathway)
            found.setdefault(ref, []).append((row, training))
    return found


def _applications(rows: list[Row], trainings: dict[str, list[tuple[Row, Training]]], past: PastCall) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        c = Cells(row)
        ref = c.text("ref")
        if ref in seen:
            c.refuse("ref", f"la référence {ref} est déjà celle de la ligne {seen[ref].number}")
        lead, partners = c.text("porteur"), c.items("partenaires")
        title, summary = c.text("titre"), c.text("resume", required=False)
        requested = c.amount("demande")
        drafted_on, submitted_on, by = c.day("redigee_le"), c.day("deposee_le"), c.text("agent")
        own = tuple(t for _, t in trainings.get(ref, []))
        if ref and not own:
            c.refuse("ref", f"la candidature {ref} n'a aucune formation (fiche formation)")
        if ref and ref not in seen:
            seen[ref] = row
        if _keep(c, past):
            assert requested is not None and drafted_on and submitted_on
            past.applications.append(
                PastApplication(row, ref, lead, partners, title, summary, requested, drafted_on, submitted_on, by, own)
            )
    for ref, listed in trainings.items():
        if ref not in seen:
            past.refusals += [Refusal("formation", r.number, "ref", f"candidature {ref} inconnue") for r, _ in listed]


def _refused_refs(rows: list[Row], past: PastCall) -> set[str]:
    """The references of candidature rows refused: their other rows are not reported again."""
    return {r.cells.get("ref", "") for r in rows} - {a.ref for a in past.applications} - {""}


def _known(c: Cells, refs: set[str]) -> str:
    ref = c.text("ref")
    if ref and ref not in refs:
        c.refuse("ref", f"candidature {ref} inconnue (fiche candidature)")
    return ref


def _scores(rows: list[Row], refs: set[str], past: PastCall) -> None:
    sheets: dict[tuple[str, str], list[tuple[Row, date, CriterionScore]]] = {}
    for row in rows:
        c = Cells(row)
        ref, reviewer, criterion = _known(c, refs), c.text("evaluateur"), c.text("critere")
        score, comment, on = c.count("note", high=5), c.text("commentaire", required=False), c.day("le")
        if _keep(c, past):
            assert score is not None and on is not None
            sheets.setdefault((ref, reviewer), []).append((row, on, CriterionScore(criterion, score, comment)))
    for (ref, reviewer), lines in sheets.items():
        first, on, _ = lines[0]
        other_day = [r for r, d, _ in lines if d != on]
        if other_day:
            past.refusals += [
                Refusal("note", r.number, "le", f"les notes de {reviewer} sur {ref} sont datées du {on:%d/%m/%Y}")
                for r in other_day
            ]
            continue
        past.scores.append(ScoreSheet(first, ref, reviewer, on, tuple(s for _, _, s in lines)))


def _acts(rows: list[Row], refs: set[str], past: PastCall) -> None:
    for row in rows:
        c = Cells(row)
        ref, act = _known(c, refs), c.choice("acte", ACTS)
        amount = c.amount("montant", required=act == "attribution")
        if act != "attribution" and amount is not None:
            c.refuse("montant", f"un montant n'accompagne qu'une attribution, pas un(e) {act}")
        reason = c.text("motif", required=act in ("rejet", "renvoi"))
        by, on = c.text("par"), c.day("le")
        if _keep(c, past):
            assert act is not None and on is not None
            past.acts.append(DecisionAct(row, ref, act, amount, reason, by, on))


def _actuals(rows: list[Row], refs: set[str], past: PastCall) -> None:
    grouped: dict[str, list[tuple[Row, date, TrainingActual]]] = {}
    for row in rows:
        c = Cells(row)
        ref, number = _known(c, refs), c.count("formation", low=1, high=1000)
        trainees, hours, cost, on = c.count("stagiaires"), c.count("heures"), c.amount("cout"), c.day("le")
        if _keep(c, past):
            assert number and trainees is not None and hours is not None and cost is not None and on
            grouped.setdefault(ref, []).append((row, on, TrainingActual(number - 1, trainees, hours, cost)))
    for ref, lines in grouped.items():
        first, on, _ = lines[0]
        other_day = [r for r, d, _ in lines if d != on]
        if other_day:
            past.refusals += [
                Refusal("realise", r.number, "le", f"le réalisé de {ref} est déclaré le {on:%d/%m/%Y}")
                for r in other_day
            ]
            continue
        past.actuals.append(Actuals(first, ref, on, tuple(a for _, _, a in lines)))


def _settlements(rows: list[Row], refs: set[str], past: PastCall) -> None:
    for row in rows:
        c = Cells(row)
        ref, on, by = _known(c, refs), c.day("le"), c.text("agent")
        if _keep(c, past) and on is not None:
            past.settlements.append(Settlement(row, ref, on, by))


def rows_of(past: PastCall) -> Iterator[Row]:
    """Every row the past call was read from (for counting)."""
    if past.call:
        yield past.call.row
    for group in (past.top_ups, past.applications, past.scores, past.acts, past.actuals, past.settlements):
        for record in group:
            yield record.row
