"""The `coorace` command in tests: run in-process (click's runner) on the test's database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner, Result

from services.cli import main as coorace
from shared.database import DatabaseAddress


def cli_environment(database: DatabaseAddress, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The settings of a `coorace` command on the test's database, with a data folder of its own."""
    return {
        "DATABASE_URL": database.url(),
        "COORACE_DATA_DIR": str(tmp_path / "cli"),
        "COORACE_JWT_SECRET": "cli-test-secret-" + "y" * 40,
        "COORACE_LOG_LEVEL": "warning",
        **extra,
    }


async def cli(env: dict[str, str], *args: str) -> Result:
    # The command runs its own event loop: give it a thread of its own.
    return await asyncio.to_thread(CliRunner().invoke, coorace, list(args), env=env)
