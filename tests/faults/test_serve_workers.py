"""`coorace serve --workers 2`: the first process forks a worker that serves the same port once
the first has started; both stop with the first; projections run in the first only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg

from shared.database import DatabaseAddress
from tests.faults.test_embedded_lifecycle import ROOT, free_port, wait_until


def children_of(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def runner_pids(database: DatabaseAddress) -> set[int]:
    with psycopg.connect(database.url()) as conn:
        schemas = [
            r[0]
            for r in conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'projection_runners'"
            )
        ]
        return {r[0] for s in schemas for r in conn.execute(f"SELECT pid FROM {s}.projection_runners")}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_workers_serve_one_port_and_stop_with_the_first(database: DatabaseAddress, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database.url(),
        "COORACE_DATA_DIR": str(tmp_path),
        "COORACE_JWT_SECRET": "w" * 48,
        "COORACE_LOG_LEVEL": "warning",
    }
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            try:
                return httpx.get(url + "/ready", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(lambda: ready() or process.poll() is not None, 120), log.read_text()
        workers = children_of(process.pid)
        assert len(workers) == 1, log.read_text()
        # Many connections, each handed by the kernel to one of the two: all answered.
        assert all(httpx.get(url + "/ready", timeout=5).status_code == 200 for _ in range(20))
        # The projection runners' heartbeats name the first process only.
        assert wait_until(lambda: runner_pids(database) == {process.pid}, 30), runner_pids(database)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert wait_until(lambda: not alive(workers[0]), 10), "the worker outlived the first process"
