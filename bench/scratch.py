"""What the benchmarks share: the PostgreSQL they run on (`DATABASE_URL`, default the local server)
and the scratch databases they make there, and the settings of a platform built for a benchmark."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg

from shared.config import Settings
from shared.database import DatabaseAddress

SERVER = DatabaseAddress.from_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))


def scratch_database(name: str) -> DatabaseAddress:
    """An empty database `name` on the benchmarks' server (what a past run left there is dropped)."""
    with psycopg.connect(SERVER.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return SERVER.with_dbname(name)


def bench_settings() -> Settings:
    """A platform's settings for a benchmark: its own data folder, errors only in the logs."""
    return Settings(
        database_url=None,
        data_dir=Path(tempfile.mkdtemp()),
        jwt_secret="bench-" + "x" * 40,
        jwks_url=None,
        jwt_issuer="coorace-embedded",
        jwt_audience="coorace-platform",
        log_format="json",
        log_level="error",
    )
