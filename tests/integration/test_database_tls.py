"""`?sslmode=` in `DATABASE_URL` reaches both drivers: the asyncpg pools and the event store's
psycopg pool. Against a server without TLS, `sslmode=require` fails with a clear message.

The server is a loopback listener that answers a client's TLS request as a PostgreSQL server
without TLS does (the single byte `N`), and remembers what each client asked first.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator

import asyncpg
import psycopg
import pytest

from shared.database import DatabaseAddress
from shared.pgfactory import PostgresFactoryWithOptions

SSL_REQUEST_CODE = 80877103


class ServerWithoutTls(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.first_requests: list[int] = []
        super().__init__(("127.0.0.1", 0), AnswerWithoutTls)
        self.port = self.server_address[1]

    def __enter__(self) -> ServerWithoutTls:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class AnswerWithoutTls(socketserver.BaseRequestHandler):
    server: ServerWithoutTls

    def handle(self) -> None:
        self.request.settimeout(5)
        try:
            _length, code = struct.unpack("!ii", self.request.recv(8, socket.MSG_WAITALL))
            self.server.first_requests.append(code)
            if code == SSL_REQUEST_CODE:
                self.request.sendall(b"N")  # no TLS here
                self.request.recv(1)  # the client hangs up (or would go on in clear text)
        except (OSError, struct.error):
            pass


@pytest.fixture
def server_without_tls() -> Iterator[ServerWithoutTls]:
    with ServerWithoutTls() as server:
        yield server


def address_of(server: ServerWithoutTls, sslmode: str) -> DatabaseAddress:
    return DatabaseAddress.from_url(f"postgresql://coorace:secret@127.0.0.1:{server.port}/coorace?sslmode={sslmode}")


async def test_asyncpg_requires_tls_when_the_url_says_so(server_without_tls: ServerWithoutTls) -> None:
    with pytest.raises(ConnectionError, match="rejected SSL upgrade"):
        await asyncpg.connect(address_of(server_without_tls, "require").url(), timeout=5)
    assert server_without_tls.first_requests == [SSL_REQUEST_CODE]


def test_the_event_store_requires_tls_when_the_url_says_so(server_without_tls: ServerWithoutTls) -> None:
    env = address_of(server_without_tls, "require").eventsourcing_env("membership")
    factory = PostgresFactoryWithOptions({**env, "POSTGRES_CONNECT_TIMEOUT": "5"})
    try:
        with pytest.raises(psycopg.OperationalError, match="server does not support SSL, but SSL was required"):
            psycopg.connect(**factory.datastore.pool.kwargs, connect_timeout=5)
    finally:
        factory.close()
    assert server_without_tls.first_requests == [SSL_REQUEST_CODE]


def test_the_event_store_without_sslmode_never_asks_for_tls(server_without_tls: ServerWithoutTls) -> None:
    env = address_of(server_without_tls, "disable").eventsourcing_env("membership")
    factory = PostgresFactoryWithOptions(env)
    try:
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(**factory.datastore.pool.kwargs, connect_timeout=5)
    finally:
        factory.close()
    assert SSL_REQUEST_CODE not in server_without_tls.first_requests
