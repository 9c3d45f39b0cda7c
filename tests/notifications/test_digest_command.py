"""`coorace notifications digest [--on DATE]`, as a cron job runs it: the day's digests sent and
queued in the outbox, once whoever runs it again."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from services.cli import main
from shared.database import DatabaseAddress
from shared.platform import Platform
from tests.notifications.helpers import outbox
from tests.notifications.test_digest import TODAY, given_late_and_on_time_members


def run(database: DatabaseAddress, data_dir: Path, *args: str) -> tuple[int, str]:
    env = {"DATABASE_URL": database.url(), "COORACE_DATA_DIR": str(data_dir), "COORACE_LOG_LEVEL": "warning"}
    result = CliRunner().invoke(main, ["notifications", "digest", *args], env=env)
    return result.exit_code, result.output


async def test_the_command_sends_the_days_digests_once_and_queues_them(
    platform: Platform, database: DatabaseAddress, tmp_path: Path
) -> None:
    await given_late_and_on_time_members(platform)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()

    first = await asyncio.to_thread(run, database, tmp_path, "--on", tomorrow)
    again = await asyncio.to_thread(run, database, tmp_path, "--on", tomorrow)

    assert first == (0, "2 digest(s) sent\n") and again == (0, "0 digest(s) sent\n")
    mails = await outbox(platform, "plan_digest")  # queued by the command itself
    assert len(mails) == 2 and all("3 actions en retard" in m["body"] for m in mails)


async def test_a_date_that_is_no_date_is_refused(database: DatabaseAddress, tmp_path: Path) -> None:
    code, output = await asyncio.to_thread(run, database, tmp_path, "--on", "demain")

    assert code == 2 and "YYYY-MM-DD" in output
