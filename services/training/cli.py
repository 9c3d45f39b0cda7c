"""`coorace training import-call FILE [--dry-run]`: a past Fonds Mutualisés Solidaires call from a
spreadsheet (CSV or XLSX; `coorace training template FILE` writes an empty one), through the
service's own commands, written whole or not at all (see `services.training.importing`).

Exit code 0 when the call is imported (or was already), 1 when rows are refused (nothing written)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import click

from services.training.application import TrainingApplication
from services.training.importing import ImportReport, import_past_call, read_past_call
from services.training.importing.layout import write_template
from shared.platform import Platform, init_connection
from shared.projection import catch_up


@click.group()
def main() -> None:
    """Fonds Mutualisés Solidaires: past calls."""


@main.command("import-call")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, without writing.")
def import_call(path: Path, dry_run: bool) -> None:
    """Import a past call from a CSV or XLSX file (layout: `coorace training template`)."""
    from services.bootstrap import build_platform

    past = read_past_call(path)

    async def run() -> ImportReport:
        platform = build_platform(["training"])
        await platform.start()
        try:
            await catch_up_register_copy(platform)
            app = platform.application("training")
            assert isinstance(app, TrainingApplication)
            return await asyncio.to_thread(import_past_call, app, past, dry_run=dry_run)
        finally:
            await platform.stop()

    report = asyncio.run(run())
    for line in report_lines(report, dry_run=dry_run):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@main.command("template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def template(path: Path) -> None:
    """Write an empty file of the import's layout (.xlsx, or .csv)."""
    write_template(path)
    click.echo(f"modèle écrit : {path}")


def report_lines(report: ImportReport, *, dry_run: bool) -> list[str]:
    lines = []
    if report.already_recorded:
        lines.append(f"appel {report.call_id} déjà enregistré : rien n'est écrit")
    if report.figures is not None and not report.already_recorded:
        lines.append("l'appel tel que rejoué" + (" (sans les lignes refusées) :" if report.refusals else " :"))
        lines += [f"  {line}" for line in report.figures.lines()]
    if report.refusals:
        lines.append(f"{len(report.refusals)} ligne(s) refusée(s) : rien n'est écrit")
        lines += [f"  {r.line()}" for r in report.refusals]
    elif dry_run and not report.already_recorded:
        lines.append("essai à blanc : aucune ligne refusée, rien n'est écrit")
    elif report.written:
        lines.append(f"appel {report.call_id} importé : {report.written} événements écrits en une transaction")
    return lines


async def catch_up_register_copy(platform: Platform) -> None:
    """Eligibility reads the service's copy of the register: bring it up to date first."""
    store, projection = platform.projection("training", "register_copy")
    conn = await asyncpg.connect(platform.database.url())
    try:
        await init_connection(conn)
        live = await store.live(conn, projection)
        if live is None:
            raise click.ClickException("la copie du registre du service training n'est pas en place : migrez d'abord")
        await catch_up(conn, store, projection, live["generation"])
    finally:
        await conn.close()
