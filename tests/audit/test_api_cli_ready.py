"""The chain as people see it: the auditor's route, /ready and /metrics after the periodic check,
and the `coorace audit` commands."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from services.bootstrap import build_platform
from shared.audit_chain import platform_logs
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.events import command_context
from shared.platform import Platform
from tests.helpers.api import Api
from tests.helpers.assessment_api import cap_app, caught_up, given_member, platform_of
from tests.helpers.audit import chain_again
from tests.helpers.cli import cli, cli_environment
from tests.helpers.membership_application import membership, register

CHAIN = "/api/membership/audit/chain"


async def tamper(url: str, member_id: str) -> int:
    """Rewrite the city in the member's first stored event, as a database owner could; its notification id."""
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "UPDATE membership.membership_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'Lens', 'Arras'), 'UTF8') WHERE originator_id = $1::uuid AND originator_version = 1 "
            "RETURNING notification_id",
            member_id,
        )
    finally:
        await conn.close()


async def until(check: Any, api: Api, seconds: float = 30.0) -> Any:
    for _ in range(int(seconds / 0.1)):
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"not reached in time; /ready says {(await api.client.get('/ready')).json()}")


async def test_staff_verify_any_chain_members_may_not_auditors_only_their_granted_member(api: Api) -> None:
    granted, other = given_member(api), given_member(api, name="AI Autre")
    await caught_up(platform_of(api).database.url())
    now = datetime.now(UTC)
    with command_context(actor_id="staff-1", actor_role="national_staff", tenant_id=None):
        cap_app(api).grant_access(
            auditor_id="auditrice",
            tenant_id=granted,
            assessment_id=None,
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=7),
            reason="contrôle de l'historique",
        )
    await caught_up(platform_of(api).database.url())

    whole = await api.client.get(CHAIN, headers=api.staff)
    assert whole.status_code == 200, whole.text
    assert whole.json()["intact"] is True and whole.json()["events_checked"] >= 4
    assert whole.json()["first_bad"] is None and whole.json()["tenant"] is None

    member = await api.client.get(CHAIN, headers=api.token("member_admin", tenant=granted))
    assert member.status_code == 403 and "rôles" in member.json()["detail"]

    auditor = api.token("auditor", subject="auditrice")
    assert (await api.client.get(CHAIN, headers=auditor)).status_code == 403  # must name the member
    refused = await api.client.get(CHAIN, headers=auditor, params={"tenant": other})
    assert refused.status_code == 403 and "le champ « tenant »" in refused.json()["detail"]
    mine = await api.client.get(CHAIN, headers=auditor, params={"tenant": granted})
    assert mine.status_code == 200 and mine.json()["intact"] is True and mine.json()["tenant"] == granted
    assert mine.json()["events_checked"] == 1  # the member's registration: the rest is other chains

    # The backfill of a log from before the chain finds the grant's member as the writer did.
    conn = await asyncpg.connect(platform_of(api).database.url())
    try:
        chained = next(c for c in platform_logs(platform_of(api)) if c.service == "assessment")
        written, backfilled = await chain_again(conn, chained, type(cap_app(api)))
    finally:
        await conn.close()
    assert backfilled == written and granted in {tenant for _, tenant, _ in written}

    bad = await tamper(platform_of(api).database.url(), granted)
    broken = (await api.client.get(CHAIN, headers=auditor, params={"tenant": granted})).json()
    assert broken["intact"] is False
    assert broken["first_bad"]["notification_id"] == bad and broken["first_bad"]["reason"] == "contenu modifié"
    assert broken["first_bad"]["originator_id"] == granted
    # Every service has the route.
    for service in ("assessment", "training", "people"):
        assert (await api.client.get(f"/api/{service}/audit/chain", headers=api.staff)).json()["intact"] is True


async def test_the_periodic_check_shows_in_ready_and_metrics_and_anchors_the_heads(
    api: Api, settings: Settings, database: DatabaseAddress
) -> None:
    member = given_member(api)

    anchor_file = settings.audit_anchor_file
    assert anchor_file is not None

    async def intact() -> Any:
        # Anchored after every service's check: the file shows up last.
        body = (await api.client.get("/ready")).json()
        return body if body["audit_chain"]["membership"]["status"] == "intacte" and anchor_file.exists() else None

    body = await until(intact, api)
    assert set(body["audit_chain"]) == {"membership", "assessment", "training", "people"}
    # A process that runs no projections (a service's own process) reports the same, from the database.
    other = build_platform(["membership"], settings=settings, database=database)
    await other.start()
    try:
        assert (await other.audit_chain_status())["membership"]["status"] == "intacte"
    finally:
        await other.stop()
    metrics = (await api.client.get("/metrics")).text
    assert 'coorace_audit_chain_intact{service="membership"} 1.0' in metrics
    assert 'coorace_audit_chain_events_checked{service="membership"}' in metrics
    assert 'coorace_audit_chain_checked_at_seconds{service="membership"}' in metrics
    # The first intact check of the day (at start, before the member) anchored every chain's head.
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert ("membership", "") in {(a["service"], a["tenant"]) for a in lines}  # the regions
    assert all(a["day"] == datetime.now(UTC).date().isoformat() and len(a["hash"]) == 64 for a in lines)

    bad = await tamper(platform_of(api).database.url(), member)

    async def broken() -> Any:
        response = await api.client.get("/ready")
        chain = response.json()["audit_chain"]["membership"]
        return (response, chain) if chain["status"] == "rompue" else None

    response, chain = await until(broken, api)
    assert response.status_code == 200  # serving goes on: the alert is the metric
    assert chain["first_bad"]["notification_id"] == bad
    assert chain["first_bad"]["reason"] in (
        "contenu modifié",
        "ancre du " + datetime.now(UTC).strftime("%d/%m/%Y") + " ne correspond plus",
    )
    assert 'coorace_audit_chain_intact{service="membership"} 0.0' in (await api.client.get("/metrics")).text


@pytest.fixture
def cli_env(database: DatabaseAddress, tmp_path: Path) -> dict[str, str]:
    return cli_environment(database, tmp_path, COORACE_AUDIT_ANCHOR_FILE=str(tmp_path / "cli-anchors.jsonl"))


async def test_the_verify_command_names_the_first_bad_event_in_french_and_exits_1(
    platform: Platform, cli_env: dict[str, str]
) -> None:
    app = membership(platform)
    first, edited = register(app), register(app)

    anchored = await cli(cli_env, "audit", "anchor")
    assert anchored.exit_code == 0, anchored.output
    assert "membership : " in anchored.output and "têtes de chaîne ancrées" in anchored.output
    intact = await cli(cli_env, "audit", "verify")
    assert intact.exit_code == 0, intact.output
    assert "membership (toutes les chaînes) : intacte" in intact.output

    async with platform._pool().acquire() as conn:
        bad = await conn.fetchval(
            "UPDATE membership.membership_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'Rennes', 'Brest'), 'UTF8') WHERE originator_id = $1::uuid RETURNING notification_id",
            UUID(edited.id),
        )
    broken = await cli(cli_env, "audit", "verify", "--service", "membership")
    assert broken.exit_code == 1, broken.output
    assert f"ROMPUE au premier événement {bad} (agrégat {edited.id}, version 1" in broken.output
    assert "contenu modifié" in broken.output
    other = await cli(cli_env, "audit", "verify", "--service", "membership", "--tenant", first.id)
    assert other.exit_code == 0 and f"la chaîne de l'adhérent {first.id}" in other.output
    refused = await cli(cli_env, "audit", "anchor")
    assert refused.exit_code == 1 and "aucune ancre écrite" in refused.output
    with Path(cli_env["COORACE_AUDIT_ANCHOR_FILE"]).open("a") as anchors:
        anchors.write("pas une ancre\n")
    unreadable = await cli(cli_env, "audit", "verify", "--tenant", first.id)
    assert unreadable.exit_code == 1 and "ligne" in unreadable.output and "est illisible" in unreadable.output
