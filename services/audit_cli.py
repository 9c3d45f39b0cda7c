"""`coorace audit …`: verify the event logs' hash chains, anchor their heads (see `shared.audit_chain`)."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import click

from shared.audit_chain import AnchorFileUnreadable, anchor_heads, describe, platform_logs, verify_platform


@click.group()
def main() -> None:
    """The tamper-evident hash chain of every service's event log."""


def _service_choice() -> click.Choice:
    from services.bootstrap import ALL_SERVICES

    return click.Choice(sorted(ALL_SERVICES))


@main.command("verify")
@click.option("--tenant", default=None, help="one member's chain (its member id); '' for the network's")
@click.option("--service", type=_service_choice(), default=None, help="one service's log (default: all)")
def audit_verify(tenant: str | None, service: str | None) -> None:
    """Recompute the chains and name the first event that does not match (exit status 1 if any)."""
    from services.bootstrap import build_platform

    async def run() -> bool:
        platform = build_platform([service] if service else None)
        await platform.start()
        try:
            reports = await verify_platform(platform, service=service, tenant=tenant)
        except AnchorFileUnreadable as error:
            raise click.ClickException(str(error)) from error
        finally:
            await platform.stop()
        for report in reports:
            click.echo(describe(report))
        if platform.settings.audit_anchor_file is None:
            click.echo(
                "Aucun fichier d'ancres configuré (COORACE_AUDIT_ANCHOR_FILE) : une réécriture "
                "complète d'une chaîne ne serait pas décelée."
            )
        return all(r.intact for r in reports)

    if not asyncio.run(run()):
        sys.exit(1)


@main.command("anchor")
def audit_anchor() -> None:
    """Write today's head of every chain to the anchor file, after a verification that passes."""
    from services.bootstrap import build_platform

    async def run() -> bool:
        platform = build_platform()
        path = platform.settings.audit_anchor_file
        if path is None:
            raise click.ClickException("COORACE_AUDIT_ANCHOR_FILE n'est pas défini : nulle part où écrire les ancres")
        await platform.start()
        try:
            try:
                reports = await verify_platform(platform)
            except AnchorFileUnreadable as error:
                raise click.ClickException(str(error)) from error
            if not all(r.intact for r in reports):
                for report in reports:
                    click.echo(describe(report))
                click.echo("Une chaîne est rompue : aucune ancre écrite (elle attesterait la chaîne modifiée).")
                return False
            today = datetime.now(UTC).date()
            async with platform._pool().acquire() as conn:
                for chained in platform_logs(platform):
                    anchors = await anchor_heads(conn, chained, path, today)
                    click.echo(f"{chained.service} : {len(anchors)} têtes de chaîne ancrées dans {path}")
        finally:
            await platform.stop()
        return True

    if not asyncio.run(run()):
        sys.exit(1)
