"""`coorace training import-call FILE`: a small past call (2012) imported from a spreadsheet through
the real platform, read back through the API with the file's dates; a file with refused rows
writes nothing and reports each row; a second run writes nothing; the command itself through
click's runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from services.cli import main
from services.training.domain.call import Call
from services.training.importing import import_past_call, read_past_call
from services.training.importing.layout import write_records
from services.training.importing.replay import rehearse, write
from shared.database import DatabaseAddress
from shared.platform import Platform
from tests.helpers.api import Api
from tests.helpers.training_api import given_members, platform_of, read
from tests.helpers.training_application import given_members as registered_members
from tests.helpers.training_application import training_app
from tests.helpers.training_import import act, application, past_call, scores, training

CALL_ID = str(Call.create_id(2012, "test"))


def notification(api: Api) -> dict[str, Any]:
    return {"notification_id": training_app(platform_of(api)).recorder.max_notification_id()}


async def test_a_past_call_imported_from_a_spreadsheet_reads_back_as_it_happened(api: Api, tmp_path: Path) -> None:
    lead, partner, other = await given_members(api, 3)
    path = tmp_path / "appel-2012.xlsx"
    write_records(path, past_call(lead, partner, other))

    report = import_past_call(training_app(platform_of(api)), read_past_call(path))

    assert report.refusals == [] and report.written > 0
    assert report.figures is not None and (report.figures.awarded, report.figures.rejected) == (1, 1)
    written = notification(api)
    call = (await read(api, f"/calls/{CALL_ID}", api.staff, written)).json()
    assert (call["opens_on"], call["closed_on"], call["results_published_on"]) == (
        "2012-01-16",
        "2012-04-01",
        "2012-05-10",
    )
    dashboard = (await read(api, f"/calls/{CALL_ID}/dashboard", api.staff, written)).json()["call"]
    assert (dashboard["applications_answered"], dashboard["applications_retained"]) == (2, 1)
    assert (dashboard["applications_rejected"], dashboard["awarded"]) == (1, "4000.00")
    before_top_up = (await read(api, f"/calls/{CALL_ID}/envelope?as_of=2012-04-21", api.staff)).json()
    assert before_top_up["envelope_total"] == "100000.00"
    envelope = (await read(api, f"/calls/{CALL_ID}/envelope", api.staff)).json()
    assert envelope["envelope_total"] == "150000.00"
    assert "2012-12-15" in [line["effective_on"] for line in envelope["lines"]]
    export = (await read(api, f"/calls/{CALL_ID}/decisions.csv", api.staff)).text
    assert "2012-04-24" in export and "2026" not in export.replace(CALL_ID, "")  # decided when it was


async def test_the_same_call_imported_from_csv_gives_the_same_import(api: Api, tmp_path: Path) -> None:
    lead, partner, other = await given_members(api, 3)
    records = past_call(lead, partner, other)
    write_records(tmp_path / "a.xlsx", records)
    write_records(tmp_path / "a.csv", records)
    from_xlsx, from_csv = read_past_call(tmp_path / "a.xlsx"), read_past_call(tmp_path / "a.csv")
    assert from_csv.refusals == [] and from_xlsx.refusals == []
    assert from_csv.call is not None and from_xlsx.call is not None
    assert from_csv.call.terms == from_xlsx.call.terms
    assert [a.trainings for a in from_csv.applications] == [a.trainings for a in from_xlsx.applications]
    assert [(a.ref, a.act, a.amount, a.on) for a in from_csv.acts] == [
        (a.ref, a.act, a.amount, a.on) for a in from_xlsx.acts
    ]

    report = import_past_call(training_app(platform_of(api)), from_csv)
    assert report.refusals == [] and report.figures is not None
    assert report.figures.awarded_amount == 4000


async def test_a_second_run_writes_nothing(api: Api, tmp_path: Path) -> None:
    lead, partner, other = await given_members(api, 3)
    path = tmp_path / "appel-2012.csv"
    write_records(path, past_call(lead, partner, other))
    app = training_app(platform_of(api))
    first = import_past_call(app, read_past_call(path))
    head = app.recorder.max_notification_id()

    again = import_past_call(app, read_past_call(path))

    assert first.written > 0 and again.already_recorded and again.written == 0 and again.refusals == []
    assert app.recorder.max_notification_id() == head


async def test_a_file_with_refused_rows_writes_nothing_and_reports_each_row(api: Api, tmp_path: Path) -> None:
    lead, partner, other = await given_members(api, 3)
    [outsider] = await given_members(api, 1, accord=False)
    records = past_call(lead, partner, other)
    records["candidature"].append(application("C03", outsider, requested="2000.00"))  # not in the Accord Groupe
    records["candidature"].append(application("C04", "inconnu-42", requested="2000.00"))
    records["formation"] += [training("C03", "", cost="6000.00"), training("C04", "", cost="6000.00")]
    records["note"] += scores("C03", "eval-1", 3, 3)
    records["decision"] += [
        act("C03", "attribution", "marie", "2012-04-20", montant="2000.00", motif="Retenu"),
        act("C03", "approbation", "marie", "2012-04-25"),  # the decider reviewing their own decision
        act("C04", "rejet", "marie", "2012-04-20", motif="Hors sujet"),
    ]
    records["decision"][5]["par"] = "marie"  # C02's rejection reviewed by who decided it
    records["abondement"].append({"montant": "1000.00", "motif": "Erreur", "le": "1999-01-01", "agent": "marie"})
    records["realise"][0]["le"] = "31/11/2012"
    path = tmp_path / "appel-2012.xlsx"
    write_records(path, records)
    app = training_app(platform_of(api))
    head = app.recorder.max_notification_id()

    report = import_past_call(app, read_past_call(path))

    assert report.written == 0 and app.find(Call, Call.create_id(2012, "test")) is None
    assert app.recorder.max_notification_id() == head
    refused = {(r.sheet, r.row, r.field): r.message for r in report.refusals}
    assert "n'est pas une date" in refused[("realise", 2, "le")]
    assert "01/01/1999" in refused[("abondement", 3, "le")]
    assert "inconnue du registre" in refused[("candidature", 5, "porteur")]
    assert "éligible" in refused[("note", 6, "")] and "éligible" in refused[("decision", 8, "")]
    assert "C04" in refused[("decision", 10, "ref")]  # the act on a refused application is reported too
    assert "autre" in refused[("decision", 7, "")]  # four eyes: the decider does not review their own decision
    assert {r.sheet for r in report.refusals} >= {"realise", "abondement", "candidature", "decision"}


def test_the_command_imports_once_and_exits_non_zero_on_refused_rows(
    platform: Platform, database: DatabaseAddress, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": database.url(), "COORACE_DATA_DIR": str(tmp_path), "COORACE_LOG_LEVEL": "warning"}
    unknown = tmp_path / "inconnus.csv"
    write_records(unknown, past_call("inconnu-1", "inconnu-2", "inconnu-3"))
    refused = CliRunner().invoke(main, ["training", "import-call", str(unknown)], env=env)
    assert refused.exit_code == 1, refused.output
    assert "rien n'est écrit" in refused.output and "candidature, ligne 6, colonne porteur" in refused.output

    path = tmp_path / "appel.xlsx"
    write_records(path, past_call(*registered_members(platform, 3)))  # the command catches up the register copy
    dry = CliRunner().invoke(main, ["training", "import-call", str(path), "--dry-run"], env=env)
    assert dry.exit_code == 0 and "essai à blanc" in dry.output, dry.output
    assert training_app(platform).find(Call, Call.create_id(2012, "test")) is None
    imported = CliRunner().invoke(main, ["training", "import-call", str(path)], env=env)
    assert imported.exit_code == 0 and "importé" in imported.output, imported.output
    assert "aides attribuées : 1" in imported.output
    again = CliRunner().invoke(main, ["training", "import-call", str(path)], env=env)
    assert again.exit_code == 0 and "déjà enregistré" in again.output, again.output

    template = tmp_path / "modele.xlsx"
    made = CliRunner().invoke(main, ["training", "template", str(template)], env=env)
    assert made.exit_code == 0 and template.exists()
    empty = CliRunner().invoke(main, ["training", "import-call", str(template)], env=env)
    assert empty.exit_code == 1 and "appel" in empty.output


async def test_a_call_recorded_between_the_rehearsal_and_the_write_writes_nothing_of_the_late_run(
    api: Api, tmp_path: Path
) -> None:
    lead, partner, other = await given_members(api, 3)
    path = tmp_path / "appel-2012.xlsx"
    write_records(path, past_call(lead, partner, other))
    app = training_app(platform_of(api))
    call_id = Call.create_id(2012, "test")
    first, first_report = rehearse(app, read_past_call(path), call_id)
    late, late_report = rehearse(app, read_past_call(path), call_id)  # two imports of the same file at once
    written = write(first, app, first_report)
    head = app.recorder.max_notification_id()

    lost = write(late, app, late_report)

    assert written.written > 0 and lost.written == 0 and lost.already_recorded
    assert app.recorder.max_notification_id() == head  # not one event of the late run
