"""Where the database is: `DATABASE_URL`, or the embedded PostgreSQL server in the data folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlparse

from shared.embedded import join_embedded_server

EMBEDDED_DATABASE = "coorace"


@dataclass(frozen=True)
class DatabaseAddress:
    """One PostgreSQL database, in the forms each driver wants."""

    host: str  # a host name, or a socket directory for the embedded server
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def from_url(cls, url: str) -> DatabaseAddress:
        parsed = urlparse(url)
        if parsed.scheme not in ("postgresql", "postgres"):
            raise ValueError(f"DATABASE_URL must start with postgresql://, got {parsed.scheme!r}")
        query = parse_qs(parsed.query)
        host = query.get("host", [parsed.hostname or "127.0.0.1"])[0]
        return cls(
            host=host,
            port=parsed.port or int(query.get("port", ["5432"])[0]),
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password or ""),
            dbname=(parsed.path or "/postgres").lstrip("/") or "postgres",
        )

    def url(self, dbname: str | None = None) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        name = dbname or self.dbname
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{name}?{urlencode({'host': self.host, 'port': self.port})}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{name}"

    def with_dbname(self, dbname: str) -> DatabaseAddress:
        return DatabaseAddress(self.host, self.port, self.user, self.password, dbname)

    def eventsourcing_env(self, schema: str) -> dict[str, str]:
        """The library's PostgreSQL persistence settings for one service's schema."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "shared.eventstore:CommandRecorder",
            "TRANSCODER_TOPIC": "shared.transcoder:MsgspecTranscoder",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": schema,
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
