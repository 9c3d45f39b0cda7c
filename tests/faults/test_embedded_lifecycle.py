"""The embedded PostgreSQL stops when the last `coorace` process using it ends, or on `coorace db stop`.

Real processes on a data folder of the test's own (no DATABASE_URL): the server is found from its
`postmaster.pid`, as an operator would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.helpers.postgres_faults import free_port

ROOT = Path(__file__).resolve().parents[2]


def postgres_pid(data_dir: Path) -> int | None:
    """The embedded server's pid if it runs."""
    try:
        pid = int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    return pid if psutil.pid_exists(pid) else None


def wait_until(condition, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: pytest sessions of other checkouts on the machine delete old
    # `pytest-of-<user>/pytest-N` folders when they start, servers' data included.
    folder = Path(tempfile.mkdtemp(prefix="coorace-lifecycle-"))
    yield folder
    if (pid := postgres_pid(folder)) is not None:  # never leave one behind, even on failure
        psutil.Process(pid).kill()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "COORACE_DATA_DIR": str(data_dir), "COORACE_JWT_SECRET": "e" * 48, "COORACE_LOG_LEVEL": "warning"}


def logs(env: dict[str, str]) -> str:
    """What the served processes printed, for a failure's message."""
    texts = [p.read_text(errors="replace") for p in Path(env["COORACE_DATA_DIR"]).glob("serve-*.log")]
    return "\n".join(text[:4000] + "\n…\n" + text[-1500:] for text in texts)


def coorace(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = open(Path(env["COORACE_DATA_DIR"]) / f"serve-{port}.log", "wb")  # noqa: SIM115 (the process owns it)
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(url + "/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    assert wait_until(lambda: ready() or process.poll() is not None, 120) and process.poll() is None, (
        "coorace serve did not become ready: " + logs(env)
    )
    return process, url


def test_a_command_leaves_no_embedded_server_behind(env: dict[str, str], data_dir: Path) -> None:
    result = coorace(env, "projections", "status")
    assert result.returncode == 0, result.stderr
    assert (data_dir / "pgdata" / "PG_VERSION").exists()  # it did use an embedded server
    assert postgres_pid(data_dir) is None
    # ... and stopping it printed no traceback on the way out (pgserver's own exit hook).
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_the_server_runs_while_any_process_uses_it_and_stops_with_the_last(env: dict[str, str], data_dir: Path) -> None:
    first, _ = serve(env)
    second, second_url = serve(env)
    server = postgres_pid(data_dir)
    assert server is not None

    first.send_signal(signal.SIGTERM)
    first.wait(60)
    assert postgres_pid(data_dir) == server, logs(env)
    assert httpx.get(second_url + "/ready", timeout=30).status_code == 200, logs(env)

    second.send_signal(signal.SIGTERM)
    second.wait(60)
    assert wait_until(lambda: postgres_pid(data_dir) is None, 30), logs(env)
    assert "Exception ignored" not in logs(env), logs(env)


def test_a_killed_process_does_not_keep_the_server_running_for_ever(env: dict[str, str], data_dir: Path) -> None:
    killed, _ = serve(env)
    killed.kill()  # SIGKILL: no exit hook runs
    killed.wait(60)
    assert postgres_pid(data_dir) is not None

    result = coorace(env, "projections", "status")  # the next command to end notices
    assert result.returncode == 0, result.stderr
    assert postgres_pid(data_dir) is None


def test_db_stop_stops_the_server_and_says_so(env: dict[str, str], data_dir: Path) -> None:
    process, _ = serve(env)
    server = postgres_pid(data_dir)
    try:
        result = coorace(env, "db", "stop")
        assert result.returncode == 0, result.stderr
        assert f"embedded PostgreSQL stopped (pid {server}" in result.stdout
        assert str(process.pid) in result.stderr  # the process still using it is named
        assert postgres_pid(data_dir) is None
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)

    again = coorace(env, "db", "stop")
    assert again.returncode == 0
    assert "no embedded PostgreSQL is running" in again.stdout
