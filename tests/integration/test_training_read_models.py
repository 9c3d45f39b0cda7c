"""The training read models on a real PostgreSQL, read as the unprivileged reader role: row-level
security lets each applicant enterprise see its applications, a region its members', and nobody
outside the network scope the calls' envelopes or the dashboards of other regions."""

from __future__ import annotations

from uuid import UUID

from services.training.application import ContentRequest
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.training_application import (
    TODAY,
    catch_up_all,
    content,
    given_members,
    member,
    open_call,
    submitted,
    training_app,
)


async def visible(platform: Platform, scope: ReadScope, sql: str, *args: object) -> list[dict]:
    async with scoped_connection(platform.read_pool, scope) as conn:
        return [dict(r) for r in await conn.fetch(sql, *args)]


async def test_partners_see_the_application_and_other_tenants_do_not(platform: Platform) -> None:
    lead, partner, stranger = given_members(platform, 3, region="BRE")
    [elsewhere] = given_members(platform, 1, region="NPC")
    await catch_up_all(platform)
    call_id = open_call(platform)
    application_id = submitted(platform, call_id, lead, partners=(partner, elsewhere))
    await catch_up_all(platform)
    sql = "SELECT enterprise_id FROM training.applications WHERE application_id = $1 ORDER BY enterprise_id"
    assert [
        r["enterprise_id"] for r in await visible(platform, ReadScope.of_tenants([partner]), sql, str(application_id))
    ] == [partner]
    assert await visible(platform, ReadScope.of_tenants([stranger]), sql, str(application_id)) == []
    assert sorted(
        r["enterprise_id"] for r in await visible(platform, ReadScope.of_region("BRE"), sql, str(application_id))
    ) == sorted([lead, partner])
    assert [
        r["enterprise_id"] for r in await visible(platform, ReadScope.of_region("NPC"), sql, str(application_id))
    ] == [elsewhere]
    assert await visible(platform, ReadScope("none"), sql, str(application_id)) == []


async def test_calls_envelopes_and_call_figures_are_for_the_network_scope_only(platform: Platform) -> None:
    [lead] = given_members(platform, 1, region="BRE")
    await catch_up_all(platform)
    submitted(platform, open_call(platform), lead)
    await catch_up_all(platform)
    for table in ("calls", "envelope_ledger"):
        assert await visible(platform, ReadScope.of_tenants([lead]), f"SELECT * FROM training.{table}") == []
        assert await visible(platform, ReadScope.network(), f"SELECT * FROM training.{table}") != []
    dashboard = "SELECT breakdown, key FROM training.call_dashboard ORDER BY breakdown, key"
    assert [(r["breakdown"], r["key"]) for r in await visible(platform, ReadScope.of_region("BRE"), dashboard)] == [
        ("region", "BRE")
    ]
    assert len(await visible(platform, ReadScope.network(), dashboard)) == 3  # the call, BRE, form AI


async def test_a_partner_removed_by_an_amendment_no_longer_sees_the_application(platform: Platform) -> None:
    lead, partner = given_members(platform, 2)
    await catch_up_all(platform)
    application_id = submitted(platform, open_call(platform), lead, partners=(partner,))
    await catch_up_all(platform)
    alone: ContentRequest = content(lead)
    with member(lead):
        training_app(platform).amend_application(
            application_id, acting_for=lead, content=alone, reason="Le partenaire se retire", on=TODAY
        )
    await catch_up_all(platform)
    sql = "SELECT enterprise_id FROM training.applications WHERE application_id = $1"
    assert await visible(platform, ReadScope.of_tenants([partner]), sql, str(application_id)) == []
    rows = await visible(platform, ReadScope.network(), sql, str(application_id))
    assert [r["enterprise_id"] for r in rows] == [lead]


async def test_a_member_leaving_the_accord_groupe_is_seen_at_the_next_check(platform: Platform) -> None:
    from tests.helpers.membership_application import membership

    [lead] = given_members(platform, 1)
    await catch_up_all(platform)
    call_id = open_call(platform)
    with member(lead):
        application_id = UUID(
            training_app(platform).draft_application(call_id, lead_id=lead, content=content(lead), on=TODAY).id
        )
    membership(platform).leave_accord_groupe(UUID(lead), effective_on=TODAY)
    await catch_up_all(platform)
    with member(lead):
        training_app(platform).submit(application_id, acting_for=lead, on=TODAY)
    application = training_app(platform).funding_application(application_id)
    assert application.eligibility == "ineligible"
    event = [e for e in training_app(platform).events.get(application_id)][-1]
    assert type(event).__name__ == "EligibilityChecked"
    assert [f.accord_groupe_since for f in event.facts] == [None]  # what the check saw, recorded with it
