"""The event store's PostgreSQL factory, with the libpq parameters of `DATABASE_URL`.

The library builds its psycopg pool from host, port, user, password and database name only, so
`?sslmode=require` or `sslrootcert=...` would be dropped. This factory hands them to that pool
(the pool is built closed, and reads its connection arguments at each connect).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment

LIBPQ_OPTIONS = "POSTGRES_LIBPQ_OPTIONS"


class PostgresFactoryWithOptions(PostgresFactory):
    def __init__(self, env: Environment | dict[str, str] | None) -> None:
        super().__init__(env)
        options = dict(parse_qsl(self.env.get(LIBPQ_OPTIONS) or ""))
        connection_arguments = self.datastore.pool.kwargs
        if not isinstance(connection_arguments, dict):  # the library builds its pool with a dict
            raise TypeError(f"the event store's pool has no connection arguments to add {LIBPQ_OPTIONS} to")
        connection_arguments.update(options)
