"""Which errors mean "the database cannot be reached" (answered 503) and which do not (a bug: 500)."""

from __future__ import annotations

import asyncpg
import psycopg
import pytest
from eventsourcing import persistence
from psycopg_pool import PoolTimeout

from shared.outages import DatabaseConnectFailed, is_database_outage


def raised_from(error: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise error from inner
    except BaseException as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        DatabaseConnectFailed("PostgreSQL cannot be reached: FileNotFoundError"),
        persistence.OperationalError("server closed the connection unexpectedly"),
        persistence.InterfaceError("the connection is closed"),
        PoolTimeout("couldn't get a connection after 1.00 sec"),
        TimeoutError(),
        raised_from(RuntimeError("while applying a batch"), asyncpg.exceptions.ConnectionDoesNotExistError("closed")),
    ],
    ids=repr,
)
def test_connection_class_errors_are_outages(error: BaseException) -> None:
    assert is_database_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad input"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.UndefinedTableError("relation does not exist"),
        psycopg.errors.SyntaxError("syntax error"),
        persistence.IntegrityError("duplicate key"),
        persistence.ProgrammingError("bad statement"),
        FileNotFoundError("referential.json"),
    ],
    ids=repr,
)
def test_other_errors_are_not_outages(error: BaseException) -> None:
    assert not is_database_outage(error)
