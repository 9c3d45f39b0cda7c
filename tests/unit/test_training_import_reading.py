"""Reading a past call's file: CSV and XLSX give the same past call; every cell that is missing or
not what its column holds is refused naming the sheet, the row and the column; enterprises named
by SIRET become member ids; the shipped template is the layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from services.training.importing import read_past_call
from services.training.importing.example_2012 import EXAMPLE, EXAMPLE_WITH_REFUSALS, records
from services.training.importing.layout import SHEETS, csv_columns, write_records
from services.training.importing.reading import PastCall
from services.training.importing.sirets import resolve_sirets
from tests.helpers.training_import import act, application, past_call, training

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "training" / "importing"


def read_both(tmp_path: Path, records: dict[str, list[dict[str, object]]]) -> tuple[PastCall, PastCall]:
    write_records(tmp_path / "appel.csv", records)
    write_records(tmp_path / "appel.xlsx", records)
    return read_past_call(tmp_path / "appel.csv"), read_past_call(tmp_path / "appel.xlsx")


def comparable(past: PastCall) -> tuple[object, ...]:
    """The past call without the rows' provenance (a CSV's line numbers differ from a sheet's rows)."""
    assert past.call is not None
    return (
        past.call.terms,
        past.call.year,
        past.call.label,
        past.call.closed_on,
        past.call.published_on,
        [(t.amount, t.reason, t.on, t.by) for t in past.top_ups],
        [
            (a.ref, a.lead, a.partners, a.requested, a.drafted_on, a.submitted_on, a.trainings)
            for a in past.applications
        ],
        [(s.ref, s.reviewer, s.on, s.scores) for s in past.scores],
        [(d.ref, d.act, d.amount, d.reason, d.by, d.on) for d in past.acts],
        [(r.ref, r.on, r.actuals) for r in past.actuals],
        [(s.ref, s.on, s.by) for s in past.settlements],
    )


def test_csv_and_xlsx_of_the_same_call_read_the_same(tmp_path: Path) -> None:
    from_csv, from_xlsx = read_both(tmp_path, past_call("m-1", "m-2", "m-3"))

    assert from_csv.refusals == [] and from_xlsx.refusals == []
    assert comparable(from_csv) == comparable(from_xlsx)
    assert from_csv.call is not None and from_csv.call.terms.closes_on == date(2012, 3, 31)  # written 31/03/2012
    assert [t.cost for t in from_csv.applications[0].trainings] == [Decimal("7000.00"), Decimal("6000.00")]
    assert [d.act for d in from_csv.acts if d.ref == "C01"] == ["attribution", "renvoi", "attribution", "approbation"]


def test_a_csv_exported_with_semicolons_is_read(tmp_path: Path) -> None:
    write_records(tmp_path / "a.csv", past_call("m-1", "m-2", "m-3"))
    text = (tmp_path / "a.csv").read_text(encoding="utf-8")
    (tmp_path / "b.csv").write_text(text.replace(",", ";"), encoding="utf-8")  # no comma inside the values

    assert comparable(read_past_call(tmp_path / "b.csv")) == comparable(read_past_call(tmp_path / "a.csv"))


def test_each_bad_cell_is_refused_naming_its_sheet_row_and_column(tmp_path: Path) -> None:
    records = past_call("m-1", "m-2", "m-3")
    records["appel"][0]["enveloppe"] = "-100"
    records["critere"][1]["poids"] = "lourd"
    records["candidature"][1]["deposee_le"] = "31/02/2012"
    records["candidature"].append(application("C01", "m-4", requested="10"))  # a reference used twice
    records["formation"][0]["prioritaire"] = "peut-être"
    records["decision"].append(act("C09", "attribution", "marie", "2012-04-20"))  # unknown, and no amount
    records["decision"].append(act("C02", "veto", "marie", "2012-04-20"))

    _, past = read_both(tmp_path, records)

    refused = {(r.sheet, r.row, r.field): r.message for r in past.refusals}
    assert "montant" in refused[("appel", 2, "enveloppe")]
    assert "entier" in refused[("critere", 3, "poids")]
    assert "n'est pas une date" in refused[("candidature", 3, "deposee_le")]
    assert "ligne 2" in refused[("candidature", 4, "ref")]
    assert "oui ou non" in refused[("formation", 2, "prioritaire")]
    assert "C09" in refused[("decision", 8, "ref")] and "manquante" in refused[("decision", 8, "montant")]
    assert "veto" in refused[("decision", 9, "acte")]
    assert past.call is None  # its row is refused: nothing of it is taken


def test_a_csv_row_of_an_unknown_kind_and_a_missing_column_are_refused(tmp_path: Path) -> None:
    header = [c for c in csv_columns() if c != "poids"]
    (tmp_path / "a.csv").write_text(",".join(header) + "\nbrouillon,2012\ncritere,,,,,,,,,,,,,,,,,x,y\n")

    past = read_past_call(tmp_path / "a.csv")

    refused = {(r.sheet, r.row, r.field): r.message for r in past.refusals}
    assert "brouillon" in refused[("csv", 2, "fiche")]
    assert "absente" in refused[("critere", 1, "poids")]
    assert "une ligne et une seule" in refused[("appel", 0, "")]


def test_enterprises_named_by_siret_become_member_ids(tmp_path: Path) -> None:
    records = past_call("732 829 320 00074", "m-2", "404 833 048 00022")
    records["formation"].append(training("C01", "73282932000074", cost="100.00"))
    _, past = read_both(tmp_path, records)

    resolve_sirets(past, lambda sirets: {"73282932000074": "m-1"} if "73282932000074" in set(sirets) else {})

    assert [a.lead for a in past.applications] == ["m-1"]  # C02's lead is unknown: its row is refused
    assert past.applications[0].trainings[-1].enterprise_id == "m-1"
    [refusal] = past.refusals
    assert (refusal.sheet, refusal.row, refusal.field) == ("candidature", 3, "porteur")
    assert "404 833 048 00022" in refusal.message  # as the file writes it


def test_the_shipped_templates_are_the_layout() -> None:
    book = load_workbook(TEMPLATES / "template.xlsx", read_only=True)
    headers = {ws.title: [c for c in next(ws.iter_rows(values_only=True))] for ws in book.worksheets}
    assert {s.name: list(s.names) for s in SHEETS}.items() <= headers.items()
    assert "aide" in headers
    assert (TEMPLATES / "template.csv").read_text(encoding="utf-8").strip() == ",".join(csv_columns())
    assert read_past_call(TEMPLATES / "template.xlsx").call is None  # empty: the call's row is missing


def test_the_2012_example_files_are_what_the_generator_makes(tmp_path: Path) -> None:
    clean, with_refusals = read_past_call(EXAMPLE), read_past_call(EXAMPLE_WITH_REFUSALS)
    write_records(tmp_path / "a.xlsx", records())

    assert comparable(clean) == comparable(read_past_call(tmp_path / "a.xlsx"))  # regenerated: the same file
    assert clean.refusals == [] and len(clean.applications) == 48
    assert sum(a.requested for a in clean.applications) == Decimal("701000.00")
    assert all(a.submitted_on <= date(2012, 3, 31) for a in clean.applications)
    [out_of_scale] = with_refusals.refusals  # the other refused rows are the platform's to refuse
    assert (out_of_scale.sheet, out_of_scale.field) == ("note", "note")


def test_an_unreadable_file_is_one_refusal_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "faux.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "latin1.csv").write_bytes("fiche,titre\nappel,Appel été\n".encode("latin-1"))
    (tmp_path / "appel.ods").write_bytes(b"")

    for name, expected in (("faux.xlsx", "XLSX illisible"), ("latin1.csv", "UTF-8"), ("appel.ods", "format")):
        [refusal] = read_past_call(tmp_path / name).refusals
        assert expected in refusal.message, name


def test_a_count_written_with_other_digits_is_refused(tmp_path: Path) -> None:
    records = past_call("m-1", "m-2", "m-3")
    records["formation"][0]["stagiaires"] = "1²"
    write_records(tmp_path / "a.csv", records)

    [refusal] = read_past_call(tmp_path / "a.csv").refusals

    assert (refusal.sheet, refusal.field) == ("formation", "stagiaires") and "entier" in refusal.message
