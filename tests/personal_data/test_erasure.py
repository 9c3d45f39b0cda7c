"""Erasing a member's contact person: from then on every answer, as-of answer, history, export and
read model shows "[effacé]" for them — and only for them — while the log stays intact and a rebuild
of every read model finds no difference (issue 12's "Done when")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from shared.database import DatabaseAddress
from shared.personal import ERASED
from shared.platform import Platform, init_connection
from tests.helpers.api import Api
from tests.helpers.cli import cli, cli_environment
from tests.helpers.erasure import ERASED_CONTACT, NEXT_CONTACT, member_with_two_contacts
from tests.helpers.membership_api import given_registered_member


async def record(api: Api, member: dict[str, Any], **params: str) -> dict[str, Any]:
    response = await api.client.get(
        f"/api/membership/members/{member['id']}",
        params={"wait_for": member["notification_id"], **params},
        headers=api.staff,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def history_contacts(api: Api, member: dict[str, Any]) -> list[dict[str, Any]]:
    response = await api.client.get(
        f"/api/membership/members/{member['id']}/history",
        params={"wait_for": member["notification_id"]},
        headers=api.staff,
    )
    assert response.status_code == 200, response.text
    return [entry["details"]["contact"] for entry in response.json() if "contact" in entry["details"]]


def shown(contact: dict[str, Any]) -> dict[str, Any]:
    return {field: contact[field] for field in ("name", "email", "phone")}


async def until_erased(api: Api, member: dict[str, Any], **params: str) -> dict[str, Any]:
    """The member's record once the register's erasure follower has run (it follows the people log)."""
    for _ in range(100):
        answer = await record(api, member, **params)
        if answer["contact"]["name"] == ERASED:
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"the contact was never erased: {answer['contact']}")


async def rows_mentioning(pool: asyncpg.Pool, text: str) -> list[str]:
    """Every read-model row and stored event, in any service, whose text holds `text`."""
    found = []
    async with pool.acquire() as conn:
        tables = await conn.fetch(
            "SELECT table_schema, table_name, EXISTS (SELECT FROM information_schema.columns c "
            "  WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name "
            "  AND c.column_name = 'state' AND c.data_type = 'bytea') AS is_log "
            "FROM information_schema.tables t "
            "WHERE table_schema IN ('membership', 'people', 'assessment', 'training', 'platform') "
            "AND table_type = 'BASE TABLE'"
        )
        for table in tables:
            name = f"{table['table_schema']}.{table['table_name']}"
            column = "convert_from(state, 'UTF8')" if table["is_log"] else "t::text"
            hits = await conn.fetchval(f"SELECT count(*) FROM {name} t WHERE {column} LIKE $1", f"%{text}%")
            if hits:
                found.append(f"{name}: {hits}")
    return found


@pytest.fixture
def cli_env(database: DatabaseAddress, tmp_path: Path) -> dict[str, str]:
    return cli_environment(database, tmp_path)


async def test_an_erased_contact_reads_erased_everywhere_and_the_other_contact_does_not(
    api: Api, database: DatabaseAddress, cli_env: dict[str, str]
) -> None:
    member = await member_with_two_contacts(api)
    platform: Platform = api.client.app.state.platform
    # The app runs in the test client's event loop: the test reads the database on a pool of its own.
    pool = await asyncpg.create_pool(database.url(), min_size=1, max_size=8, init=init_connection)
    assert shown((await record(api, member, as_of="2011-06-30"))["contact"]) == ERASED_CONTACT
    assert [shown(c) for c in await history_contacts(api, member)] == [ERASED_CONTACT, NEXT_CONTACT]
    # Sealed in the log from the start: the name and the address are in no event, only in read models.
    assert all("membership.membership_events" not in hit for hit in await rows_mentioning(pool, "Claire Martin"))
    assert await rows_mentioning(pool, "Claire Martin")

    held = await api.client.get(
        "/api/people/personal-data", params={"email": "Contact@Relais-Lens.fr"}, headers=api.staff
    )
    assert held.status_code == 200, held.text
    assert [(h["service"], h["event"], h["name"]) for h in held.json()["held"]] == [
        ("membership", "Member.Registered", "Claire Martin")
    ]

    erased = await api.client.post(
        "/api/people/erasures",
        json={"email": "contact@relais-lens.fr", "reason": "demande de la personne du 30/11/2026"},
        headers=api.staff,
    )
    assert erased.status_code == 201, erased.text

    # Every answer: live, as of a date when she was the contact, far ahead, as known before the change.
    before = await until_erased(api, member, as_of="2011-06-30")
    assert shown(before["contact"]) == {"name": ERASED, "email": ERASED, "phone": None}
    assert shown((await record(api, member))["contact"]) == NEXT_CONTACT
    assert shown((await record(api, member, as_of="2099-12-31"))["contact"]) == NEXT_CONTACT
    assert [shown(c) for c in await history_contacts(api, member)] == [
        {"name": ERASED, "email": ERASED, "phone": None},
        NEXT_CONTACT,
    ]
    # The right of access now finds nothing; the other contact's data is still held.
    after = await api.client.get(
        "/api/people/personal-data", params={"email": ERASED_CONTACT["email"]}, headers=api.staff
    )
    assert after.json()["subject"] is None and after.json()["held"] == []
    other = await api.client.get(
        "/api/people/personal-data", params={"email": NEXT_CONTACT["email"]}, headers=api.staff
    )
    assert [h["name"] for h in other.json()["held"]] == ["Paul Lefebvre"]
    # No read model, no event anywhere holds her name or address any more.
    assert await rows_mentioning(pool, "Claire Martin") == []
    assert await rows_mentioning(pool, "contact@relais-lens.fr") == []
    assert await rows_mentioning(pool, "Paul Lefebvre")

    # A replay of the member from its events reads her erased too.
    app = platform.application("membership")
    replayed = app.repository.get(UUID(member["id"]), version=1)
    assert (replayed.contact.name, replayed.contact.email) == (ERASED, ERASED)

    # And the operators' two checks pass: every hash chain verifies (the chain covers the ciphertext,
    # which the erasure did not touch), and every read model rebuilt from the log equals the live one.
    await pool.close()
    verified = await cli(cli_env, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.output.count("intacte") >= 4, verified.output
    rebuilt = await cli(cli_env, "projections", "rebuild", "--verify")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "differ" not in rebuilt.output and "member_history" in rebuilt.output, rebuilt.output


async def test_erasing_needs_national_staff_a_reason_and_someone_to_erase(api: Api) -> None:
    await given_registered_member(api)
    member_admin = api.token("member_admin", tenant="00000000-0000-4000-8000-000000000001")
    body = {"email": "contact@relais-lens.fr", "reason": "demande"}
    refused = await api.client.post("/api/people/erasures", json=body, headers=member_admin)
    assert refused.status_code == 403
    no_one = await api.client.post("/api/people/erasures", json={"reason": "demande"}, headers=api.staff)
    assert no_one.status_code == 422 and "« email »" in no_one.json()["detail"]
    unknown = await api.client.post(
        "/api/people/erasures", json={"email": "personne@nulle-part.fr", "reason": "demande"}, headers=api.staff
    )
    assert unknown.status_code == 422 and "aucune donnée" in unknown.json()["detail"]
    blank = await api.client.post("/api/people/erasures", json={**body, "reason": "  "}, headers=api.staff)
    assert blank.status_code == 422 and "« reason »" in blank.json()["detail"]
    # Nothing of it erased: the contact still opens.
    held = await api.client.get("/api/people/personal-data", params={"email": body["email"]}, headers=api.staff)
    assert [h["name"] for h in held.json()["held"]] == ["Claire Martin"]
