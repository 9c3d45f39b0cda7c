"""The `coorace` command, run as users run it (against the test's database)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import asyncpg
import jwt
import msgspec
import pytest
from click.testing import CliRunner

from services.cli import main
from shared.database import DatabaseAddress

SECRET = "cli-test-secret-" + "y" * 40


@pytest.fixture
def env(database: DatabaseAddress, tmp_path: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database.url(),
        "COORACE_DATA_DIR": str(tmp_path),
        "COORACE_JWT_SECRET": SECRET,
        "COORACE_LOG_LEVEL": "warning",
    }


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout


def test_token_prints_the_bare_signed_token(env: dict[str, str]) -> None:
    code, out = run(env, "token", "--role", "regional_delegate", "--region", "BRE", "--subject", "delegue-1")
    assert code == 0
    assert len(out.strip().splitlines()) == 1
    claims = jwt.decode(out.strip(), SECRET, algorithms=["HS256"], audience="coorace-platform")
    assert claims["roles"] == ["regional_delegate"] and claims["region"] == "BRE" and claims["sub"] == "delegue-1"


def test_token_is_refused_with_an_external_identity_provider(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["token", "--role", "national_staff"], env={**env, "COORACE_JWKS_URL": "https://idp.example/jwks"}
    )
    assert result.exit_code != 0
    assert "external identity provider" in result.output


def test_token_refuses_an_unknown_role(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["token", "--role", "mayor"], env=env)
    assert result.exit_code != 0


def test_demo_seed_reproduces_the_2015_network_and_is_idempotent(
    env: dict[str, str], database: DatabaseAddress
) -> None:
    assert run(env, "demo", "seed")[0] == 0
    assert run(env, "demo", "seed")[0] == 0
    dashboard, members = asyncio.run(_network(database))
    assert members == 530
    assert dashboard["active_members"] == 530
    by_form = dashboard["by_form"]
    assert (by_form["AI"], by_form["ACI"], by_form["OSP"], by_form["EI"], by_form["GES"], by_form["other"]) == (
        292,
        90,
        28,
        25,
        22,
        23,
    )
    assert by_form["ETTI"] + by_form["ETT-ESS"] == 50
    assert dashboard["certified"] == {"CEDRE": 85, "CEDRE_ISO_9001": 31}

    code, out = run(env, "projections", "status")
    assert code == 0 and "register" in out and "member_history" in out

    code, out = run(env, "projections", "rebuild", "--verify")
    assert code == 0, out
    assert "rebuilt generation equals the live one" in out

    asyncio.run(_tamper(database))
    code, out = run(env, "projections", "rebuild", "register", "--verify")
    assert code == 1
    assert "only in live read model" in out


async def _network(database: DatabaseAddress) -> tuple[dict, int]:
    from services.membership.queries import network_dashboard
    from shared.platform import init_connection
    from shared.tenancy import ReaderConnection, ReadScope, scoped_connection

    pool = await asyncpg.create_pool(
        database.url(),
        min_size=1,
        max_size=2,
        init=init_connection,
        server_settings={"role": "coorace_reader"},
        connection_class=ReaderConnection,
    )
    try:
        dashboard = await network_dashboard(pool, date.today(), None)
        async with scoped_connection(pool, ReadScope.network()) as conn:
            members = await conn.fetchval("SELECT count(DISTINCT member_id) FROM membership.member_states")
    finally:
        await pool.close()
    return msgspec.structs.asdict(dashboard), members


async def _tamper(database: DatabaseAddress) -> None:
    conn = await asyncpg.connect(database.url())
    try:
        await conn.execute(
            "UPDATE membership.member_states SET city = 'Atlantis' WHERE member_id = "
            "(SELECT min(member_id) FROM membership.member_states)"
        )
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "member_admin"], "--tenant"),
        (["--role", "regional_delegate"], "--region"),
        (["--role", "national_staff,trainer"], "--region"),
    ],
)
def test_token_refuses_a_token_the_api_would_refuse(env: dict[str, str], args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["token", *args], env=env)
    assert result.exit_code != 0
    assert "the API would refuse this token" in result.output and message in result.output
    assert "eyJ" not in result.output


@pytest.mark.parametrize("ttl", ["-5", "0"])
def test_token_refuses_a_lifetime_that_is_not_positive(env: dict[str, str], ttl: str) -> None:
    result = CliRunner().invoke(main, ["token", "--role", "national_staff", "--ttl", ttl], env=env)
    assert result.exit_code == 2
    assert "--ttl" in result.output and "eyJ" not in result.output


def test_a_jwt_secret_shorter_than_32_bytes_is_refused_at_start(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["token", "--role", "national_staff"], env={**env, "COORACE_JWT_SECRET": "x"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: COORACE_JWT_SECRET is 1 bytes long; it must be at least 32 random bytes "
        "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
    ]
