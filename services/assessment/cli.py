"""`coorace assessment load-referential [FILE]`: load a version of the Cap referential from its
versioned file (default: the first version, `referential/cap-2016.1.json`) through the same command
national staff use. Loading a version already published with the same content does nothing.
"""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

import click

from services.assessment.application import AssessmentApplication
from services.assessment.domain.referential import FIRST_VERSION_FILE, load_document
from shared.errors import DomainError
from shared.events import command_context


@click.group()
def main() -> None:
    """Le Cap: referential versions."""


@main.command("load-referential")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_referential(path: Path | None) -> None:
    """Draft and publish a referential version from a JSON file."""
    from services.bootstrap import build_platform

    document = load_document(path or FIRST_VERSION_FILE)

    async def run() -> str:
        platform = build_platform(["assessment"])
        await platform.start()
        try:
            app = platform.application("assessment")
            assert isinstance(app, AssessmentApplication)
            with command_context(
                actor_id=f"cli:{getpass.getuser()}",
                actor_role="national_staff",
                tenant_id=None,
                correlation_id="cli-load-referential",
            ):
                result = await asyncio.to_thread(app.load_referential, document)
        finally:
            await platform.stop()
        if result is None:
            return f"version {document['version']} is already published with this content: nothing to do"
        return f"version {document['version']} published (notification {result.notification_id})"

    try:
        click.echo(asyncio.run(run()))
    except DomainError as error:
        raise click.ClickException(error.message) from error


if __name__ == "__main__":
    main()
