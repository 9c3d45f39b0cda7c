"""What a database outage looks like to each driver, and the bounds that make it show fast.

Every driver reports a lost or refused connection in its own way (asyncpg: its connection-class
errors, an `OSError` or a timeout while connecting; psycopg and the `eventsourcing` library: an
`OperationalError` or `InterfaceError`). `is_database_outage` recognises all of them, so that one
place (`shared.errors`) answers each with the same 503 and `Retry-After`.

The timeouts below are why an outage answers within 2 s instead of hanging: a request waits at
most `CONNECT_TIMEOUT_SECONDS` for a new connection and `POOL_TIMEOUT_SECONDS` for a pooled one.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import psycopg
from asyncpg import exceptions as pg
from eventsourcing import persistence

# How long to wait for PostgreSQL to accept a new connection. A server that is down refuses at
# once (no socket file, connection refused); this bounds the other cases (a host that does not
# answer, a server still starting).
CONNECT_TIMEOUT_SECONDS = 1.0
# How long a request may wait for a connection from a pool before it is told to come back later.
POOL_TIMEOUT_SECONDS = 1.0
# What `Retry-After` says when the database cannot be reached.
RETRY_AFTER_SECONDS = 2


class DatabaseConnectFailed(Exception):
    """asyncpg could not open a connection (refused, no socket, timed out, server starting)."""


_OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    DatabaseConnectFailed,
    pg.PostgresConnectionError,  # SQLSTATE class 08, and "connection was closed in the middle of operation"
    pg.OperatorInterventionError,  # 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now
    pg.TooManyConnectionsError,
    persistence.OperationalError,  # the library's wrapping of psycopg's errors, pool timeouts included
    persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    TimeoutError,  # a pool that could not lend a connection in time, a query cut by its timeout
)


def is_database_outage(error: BaseException) -> bool:
    """Whether the error, or one it was raised from, says the database cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _OUTAGE_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


async def connect_with_timeout(dsn: str | None = None, **kwargs: Any) -> asyncpg.Connection:
    """asyncpg's `connect` for the pools: bounded, and any way it fails to reach the server is one
    `DatabaseConnectFailed` (a missing socket file is otherwise a bare `FileNotFoundError`)."""
    kwargs.setdefault("timeout", CONNECT_TIMEOUT_SECONDS)
    try:
        return await asyncpg.connect(dsn, **kwargs)
    except (TimeoutError, OSError, pg.CannotConnectNowError, pg.PostgresConnectionError) as error:
        raise DatabaseConnectFailed(f"PostgreSQL cannot be reached: {error!r}") from error
