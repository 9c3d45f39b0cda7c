"""`coorace serve` as an operator starts it: a real process, a real port."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import httpx
import pytest

from shared.database import DatabaseAddress

SECRET = "serve-test-secret-" + "s" * 40


def coorace(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "COORACE_DATA_DIR": str(tmp_path),
        "COORACE_JWT_SECRET": SECRET,
        "COORACE_LOG_FORMAT": "json",
        "COORACE_LOG_LEVEL": "info",
    }


def test_an_unreachable_database_is_one_line_and_a_failure(tmp_path: Path) -> None:
    env = base_env(tmp_path, f"postgresql://coorace:secret@127.0.0.1:{free_port()}/coorace")
    process = coorace("serve", "--port", str(free_port()), env=env)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    (line,) = err.splitlines()
    assert line.startswith("Error: cannot reach the database coorace@127.0.0.1:")
    assert "secret" not in line


def _forward_lines(stream: TextIO, into: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)


@pytest.fixture
def served(database: DatabaseAddress, tmp_path: Path) -> Iterator[tuple[int, list[str]]]:
    """A `coorace serve` on the test's database: its port, and its standard error lines up to the
    moment it said where it listens (checked to be listening at that moment)."""
    port = free_port()
    process = coorace("serve", "--port", str(port), env=base_env(tmp_path, database.url()))
    lines: list[str] = []
    try:
        assert process.stderr is not None
        # Read by a thread: a server that never announces itself (or stops writing) must fail the
        # test at the deadline, not leave it waiting on `readline` for ever.
        received: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_forward_lines, args=(process.stderr, received), daemon=True).start()
        deadline = time.monotonic() + 90
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = received.get(timeout=left)
            except queue.Empty:
                break
            lines.append(line.rstrip("\n"))
            if "COORACE portal on" in line:
                # Said only once the port is open: a connection at this very moment succeeds.
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
                break
        assert any("COORACE portal on" in line for line in lines), "\n".join(lines)
        yield port, lines
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_announces_its_url_once_listening_and_it_leads_to_the_portal_s_sign_in(
    served: tuple[int, list[str]],
) -> None:
    port, lines = served
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    announcement = records[-1]
    assert announcement["url"] == f"http://127.0.0.1:{port}/" and announcement["level"] == "info"
    # uvicorn's own lines, in the same format (before: plain text from uvicorn's handlers).
    assert any(r.get("logger") == "uvicorn.error" and "Application startup complete" in r["event"] for r in records)

    # The printed URL is the portal: a visitor not signed in lands on the sign-in page (one process
    # start serves both checks: a start costs seconds).
    answer = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False, timeout=10)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?suite=%2F"
    sign_in = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=True, timeout=30)
    assert sign_in.status_code == 200 and '<html lang="fr">' in sign_in.text and 'name="password"' in sign_in.text
