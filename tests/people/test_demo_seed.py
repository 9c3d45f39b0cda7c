"""The demo accounts: one per role, active, signed in with the printed password, at le Cap's demo member."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from services.people.cli import demo_accounts_text
from services.people.demo.seed import ACCOUNTS, DEMO_PASSWORD
from shared.auth import Role
from tests.helpers.api import Api
from tests.people.conftest import sign_in
from tests.people.helpers import sql

FIRST, SECOND, ELSEWHERE = str(uuid4()), str(uuid4()), str(uuid4())


async def test_the_demo_seeds_one_active_account_per_role_at_le_cap_demo_member(api: Api) -> None:
    # le Cap's member directory, as the register's seed leaves it: two ACI members in BRE, one EI in NOR.
    for member_id, name, region, form in (
        (SECOND, "Zèbre Insertion", "BRE", "ACI"),
        (FIRST, "Atelier du Lien", "BRE", "ACI"),
        (ELSEWHERE, "Autre Chantier", "NOR", "EI"),
    ):
        await sql(
            api,
            "INSERT INTO assessment.member_directory (member_id, tenant_id, region, name, forms, primary_form, "
            "status, version) VALUES ($1, $1, $2, $3, $4, $5, 'active', 1)",
            member_id,
            region,
            name,
            [form],
            form,
        )
    platform = api.client.app.state.platform
    seed = platform.services["people"].seed_demo
    await asyncio.to_thread(seed, platform, lambda *_: None)
    await asyncio.to_thread(seed, platform, lambda *_: None)  # idempotent

    rows = await sql(api, "SELECT email, role, tenant_id, region, status FROM people.directory ORDER BY email")
    assert len(rows) == len(ACCOUNTS) == 9
    assert {r["role"] for r in rows} == {r.value for r in Role}
    assert {r["status"] for r in rows} == {"active"}
    by_role = {r["role"]: r for r in rows}
    assert by_role["member_admin"]["tenant_id"] == FIRST  # the first by name in the largest region and form
    assert by_role["regional_delegate"]["region"] == "BRE"
    assert sum(r["role"] == "national_staff" for r in rows) == 2

    assert (await sign_in(api, "admin@demo.coorace.fr", DEMO_PASSWORD, suite="/equipe")).status_code == 303
    team = await api.client.get("/equipe")
    assert team.status_code == 200
    assert "contributeur@demo.coorace.fr" in team.text and "delegue@demo.coorace.fr" not in team.text


async def test_serve_demo_prints_the_accounts_with_the_url(platform) -> None:  # noqa: ANN001
    await asyncio.to_thread(platform.services["people"].seed_demo, platform, lambda *_: None)
    text = await demo_accounts_text(platform, "http://127.0.0.1:8000/")
    assert f"password for all: {DEMO_PASSWORD}" in text and "http://127.0.0.1:8000/connexion" in text
    assert "national@demo.coorace.fr" in text and "auditrice@demo.coorace.fr" in text
    # Without le Cap's members (no register seeded) there is no member's or region's account.
    assert "admin@demo.coorace.fr" not in text and "delegue@demo.coorace.fr" not in text
