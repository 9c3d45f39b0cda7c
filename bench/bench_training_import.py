"""The 2012 call imported into a demo platform (run by hand; prints what the coordinator quotes).

    .venv/bin/python bench/bench_training_import.py [--write-examples]

On a scratch database `coorace_bench_training_import` (at `DATABASE_URL`, default the local
PostgreSQL): the demo network is registered (membership's demo seed: 530 members with their 2015
dates), then `coorace training import-call` runs as users run it on the example files
(`services/training/importing/exemple-2012*.xlsx`): the file with refused rows (exit 1, nothing
written, each row reported), the clean file as a dry run, for real, and again (nothing written);
the call's dashboard and envelope are then read back over HTTP as national staff.

`--write-examples` first writes the example files again from `importing/example_2012.py`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.scratch import bench_settings, scratch_database  # noqa: E402
from services.bootstrap import build_platform  # noqa: E402
from services.membership.demo.seed import seed_membership_demo  # noqa: E402
from services.training.domain.call import Call  # noqa: E402
from services.training.importing.example_2012 import EXAMPLE, EXAMPLE_WITH_REFUSALS, write_examples  # noqa: E402
from shared.app_factory import create_app  # noqa: E402
from shared.auth import TokenService  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402
from shared.platform import Platform  # noqa: E402

BENCH_DB = "coorace_bench_training_import"
COORACE = Path(sys.executable).with_name("coorace")


def import_call(database: DatabaseAddress, path: Path, *options: str) -> None:
    arguments = ["training", "import-call", str(path), *options]
    print(f"\n$ coorace training import-call {path.name} {' '.join(options)}".rstrip())
    started = time.perf_counter()
    done = subprocess.run(
        [str(COORACE), *arguments],
        env={**os.environ, "DATABASE_URL": database.url(), "COORACE_LOG_LEVEL": "error"},
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stdout.rstrip() + (("\n" + done.stderr.rstrip()) if done.returncode not in (0, 1) else ""))
    print(f"(exit {done.returncode}, {time.perf_counter() - started:.1f} s)")


async def main() -> None:
    if "--write-examples" in sys.argv:
        write_examples()
    database = scratch_database(BENCH_DB)
    platform = build_platform(settings=bench_settings(), database=database)
    await platform.start(run_projections=True)
    try:
        started = time.perf_counter()
        await asyncio.to_thread(seed_membership_demo, platform, lambda *_: None)
        print(f"demo network registered in {time.perf_counter() - started:.1f} s")
        for path, options in ((EXAMPLE_WITH_REFUSALS, ()), (EXAMPLE, ("--dry-run",)), (EXAMPLE, ()), (EXAMPLE, ())):
            await asyncio.to_thread(import_call, database, path, *options)
        await read_back(platform)
    finally:
        await platform.stop()


async def read_back(platform: Platform) -> None:
    app = create_app(platform, run_projections=False)
    token = TokenService(platform.settings).issue(role="national_staff", subject="bench")
    headers = {"Authorization": f"Bearer {token}"}
    call = Call.create_id(2012)
    head = platform.application("training").recorder.max_notification_id()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        base = f"/api/training/calls/{call}"
        dashboard = await client.get(f"{base}/dashboard?wait_for={head}", headers=headers)
        if dashboard.status_code != 200:
            print(f"\nread back: the call is not on the platform ({dashboard.status_code})")
            return
        figures = dashboard.json()["call"]
        before = (await client.get(f"{base}/envelope?as_of=2012-05-09", headers=headers)).json()
        after = (await client.get(f"{base}/envelope?as_of=2012-05-10", headers=headers)).json()
        record = (await client.get(base, headers=headers)).json()
    print("\nread back over HTTP (national staff):")
    print(
        f"  dashboard: {figures['applications_answered']} applications, {figures['requested']} € requested, "
        f"{figures['applications_retained']} retained for {figures['awarded']} €, "
        f"{figures['applications_rejected']} rejected ({figures['applications_ineligible']} ineligible), "
        f"{figures['settled']} € paid at settlement"
    )
    print(f"  envelope as of 2012-05-09: {before['envelope_total']} €; as of 2012-05-10: {after['envelope_total']} €")
    print(
        f"  call: opened {record['opens_on']}, closed {record['closed_on']}, "
        f"results published {record['results_published_on']}, status {record['status']}"
    )


if __name__ == "__main__":
    asyncio.run(main())
