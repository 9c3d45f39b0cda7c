"""Where the database is: `DATABASE_URL`, or the embedded PostgreSQL server in the data folder."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import asyncpg

from shared.embedded import join_embedded_server
from shared.migrations import READER_ROLE

EMBEDDED_DATABASE = "coorace"

# libpq connection parameters that both drivers honour: asyncpg reads them from the URL, and the
# event store's psycopg pool hands them to libpq. Any other query parameter is refused rather than
# silently dropped (a dropped `sslmode=require` would connect without TLS).
LIBPQ_PARAMETERS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslpassword",
        "sslcrl",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "target_session_attrs",
        "application_name",
        "passfile",
        "krbsrvname",
        "gsslib",
    }
)
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


class DatabaseUrlError(ValueError):
    """`DATABASE_URL` (or another database setting) cannot be used as written."""


class DatabaseUnreachable(ConnectionError):
    """No session could be opened with the database (down, refused, wrong password, no TLS...)."""


@dataclass(frozen=True)
class DatabaseAddress:
    """One PostgreSQL database, in the forms each driver wants."""

    host: str  # a host name, or a socket directory for the embedded server
    port: int
    user: str
    password: str
    dbname: str
    # libpq parameters from the URL's query (sslmode, sslrootcert, ...), in the URL's order.
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_url(cls, url: str) -> DatabaseAddress:
        """Parse a libpq URL: user, password and database percent-decoded, libpq parameters kept."""
        parsed = urlsplit(url)
        if parsed.scheme not in ("postgresql", "postgres"):
            raise DatabaseUrlError(f"DATABASE_URL must start with postgresql://, got {parsed.scheme!r}")
        query = dict(parse_qsl(parsed.query, keep_blank_values=True))
        unknown = sorted(set(query) - LIBPQ_PARAMETERS - {"host", "port"})
        if unknown:
            raise DatabaseUrlError(
                f"DATABASE_URL: unsupported parameter(s) {', '.join(unknown)}; "
                f"supported: host, port, {', '.join(sorted(LIBPQ_PARAMETERS))}"
            )
        if "sslmode" in query and query["sslmode"] not in SSL_MODES:
            raise DatabaseUrlError(f"DATABASE_URL: sslmode={query['sslmode']!r} is not one of {', '.join(SSL_MODES)}")
        try:
            port = parsed.port or int(query.get("port", "5432"))
        except ValueError:
            raise DatabaseUrlError("DATABASE_URL: the port is not a number from 1 to 65535") from None
        return cls(
            host=query.get("host") or unquote(parsed.hostname or "") or "127.0.0.1",
            port=port,
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password or ""),
            dbname=unquote(parsed.path.lstrip("/")) or "postgres",
            options=tuple((k, v) for k, v in query.items() if k in LIBPQ_PARAMETERS),
        )

    def url(self, dbname: str | None = None) -> str:
        """The URL for asyncpg and psycopg, every part percent-encoded."""
        auth = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        name = quote(dbname or self.dbname, safe="")
        query = dict(self.options)
        if self.host.startswith("/"):
            netloc = f"{auth}@"
            query = {"host": self.host, "port": str(self.port), **query}
        else:
            host = f"[{self.host}]" if ":" in self.host else self.host
            netloc = f"{auth}@{host}:{self.port}"
        return f"postgresql://{netloc}/{name}" + (f"?{urlencode(query)}" if query else "")

    def describe(self) -> str:
        """Where, for messages: never the password."""
        where = self.host if self.host.startswith("/") else f"{self.host}:{self.port}"
        return f"{self.user}@{where}/{self.dbname}"

    def with_dbname(self, dbname: str) -> DatabaseAddress:
        return dataclasses.replace(self, dbname=dbname)

    def as_reader(self, password: str | None) -> DatabaseAddress:
        """The same database, logged in as the unprivileged reader role."""
        return dataclasses.replace(self, user=READER_ROLE, password=password or "")

    def eventsourcing_env(self, schema: str) -> dict[str, str]:
        """The library's PostgreSQL persistence settings for one service's schema."""
        return {
            # The library's factory, passing the URL's libpq parameters on to psycopg.
            "PERSISTENCE_MODULE": "shared.pgfactory:PostgresFactoryWithOptions",
            "APPLICATION_RECORDER_TOPIC": "shared.eventstore:CommandRecorder",
            "TRANSCODER_TOPIC": "shared.transcoder:MsgspecTranscoder",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": schema,
            "POSTGRES_LIBPQ_OPTIONS": urlencode(self.options),
        }


def start_embedded_server(data_dir: Path) -> DatabaseAddress:
    """Start (or join) the embedded PostgreSQL in `data_dir/pgdata` and make sure our database exists.

    Every process that opens the same folder shares one running server, which stops when the
    last of them ends (`shared.embedded`)."""
    server = join_embedded_server(data_dir)
    address = DatabaseAddress.from_url(server.get_uri())
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE};")
    return address.with_dbname(EMBEDDED_DATABASE)


def resolve_database(database_url: str | None, data_dir: Path) -> DatabaseAddress:
    if database_url:
        return DatabaseAddress.from_url(database_url)
    return start_embedded_server(data_dir)


async def check_reachable(address: DatabaseAddress, timeout: float = 5.0) -> None:
    """Open and close one session, so that a process can refuse to start with one clear line."""
    try:
        conn = await asyncpg.connect(address.url(), timeout=timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        reason = str(error) or type(error).__name__
        raise DatabaseUnreachable(f"cannot reach the database {address.describe()}: {reason}") from error
    await conn.close()
