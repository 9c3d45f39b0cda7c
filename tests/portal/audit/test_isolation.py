"""Who may not read an assessment through the audit pages: an auditor without a grant, with a grant
on another member or outside its period, gets the 404 page (as for a missing one); a member, a
delegate, a fund reviewer get 403; staff's pages are staff's only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import BASE, admin, cap_app, caught_up, platform_of, principal
from tests.helpers.people import given_person, in_directory
from tests.portal.audit.scenario import given_audited, given_grant
from tests.portal.cap_results.scenario import csrf_token

PAGES = ("", "/etat", "/etat?version=2", "/ecarts", "/campagne-precedente")


async def statuses(api: Api, assessment_id: str, headers: dict[str, str]) -> set[int]:
    found = set()
    for path in PAGES:
        answer = await api.client.get(f"/audit/cap/{assessment_id}{path}", headers=headers)
        found.add(answer.status_code)
        if answer.status_code == 404:
            assert "Page introuvable" in answer.text
    return found


async def test_an_auditor_without_a_grant_finds_no_such_assessment(api: Api) -> None:
    audited = await given_audited(api)
    assert await statuses(api, audited.assessment_id, audited.auditor) == {404}
    home = await api.client.get("/audit", headers=audited.auditor)
    assert home.status_code == 200 and audited.assessment_id not in home.text
    missing = await api.client.get("/audit/cap/00000000-0000-4000-8000-000000000000/etat", headers=audited.auditor)
    assert missing.status_code == 404


async def test_an_auditor_with_a_grant_on_another_member_finds_no_such_assessment(api: Api) -> None:
    audited = await given_audited(api)
    other = await given_audited(api, "ACI Les Jardins", region="BNO")
    await given_grant(api, other)  # for the other member's own auditor
    colleague = api.token("auditor", subject=other.auditor_id)
    assert await statuses(api, audited.assessment_id, colleague) == {404}
    assert await statuses(api, other.assessment_id, colleague) == {200}
    await caught_up(platform_of(api).database.url())
    reads = (await api.client.get(f"{BASE}/audit-reads", headers=api.staff)).json()
    assert {r["tenant_id"] for r in reads} == {other.tenant}


async def test_a_grant_outside_its_period_opens_nothing(api: Api) -> None:
    audited = await given_audited(api)
    now = datetime.now(UTC)
    app = cap_app(api)
    app.grant_access(
        auditor_id=audited.auditor_id,
        tenant_id=audited.tenant,
        assessment_id=None,
        valid_from=now - timedelta(days=30),
        valid_until=now - timedelta(days=1),
        reason="mission passée",
    )
    app.grant_access(
        auditor_id=audited.auditor_id,
        tenant_id=audited.tenant,
        assessment_id=None,
        valid_from=now + timedelta(days=1),
        valid_until=now + timedelta(days=30),
        reason="mission à venir",
    )
    await caught_up(platform_of(api).database.url())
    assert await statuses(api, audited.assessment_id, audited.auditor) == {404}
    home = (await api.client.get("/audit", headers=audited.auditor)).text
    assert "expirée" in home and "à venir" in home and audited.assessment_id not in home


async def test_a_grant_on_one_assessment_does_not_open_the_members_others(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited, adherent="", evaluation=audited.assessment_id)
    app = cap_app(api)
    # The member's next campaign: the grant does not name it.
    app.validate(UUID(audited.assessment_id), by=principal(audited.tenant, audited.admin_id))
    reopened = app.reopen(
        UUID(audited.assessment_id),
        by=principal(audited.tenant, audited.admin_id),
        region="NPC",
        forms=("AI",),
        referential_version=None,
    )
    await caught_up(platform_of(api).database.url())
    assert await statuses(api, str(reopened.id), audited.auditor) == {404}
    assert await statuses(api, audited.assessment_id, audited.auditor) == {200}


async def test_other_roles_are_refused_the_audit_pages(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    for headers in (
        admin(api, audited.tenant),
        api.token("member_contributor", tenant=audited.tenant, subject="contributrice"),
        api.token("regional_delegate", region="NPC", subject="delegue-npc"),
        api.token("fund_reviewer", subject="evaluatrice"),
    ):
        assert await statuses(api, audited.assessment_id, headers) == {403}
        for path in ("/audit", "/audit/lectures", "/audit/acces"):
            assert (await api.client.get(path, headers=headers)).status_code == 403, path
    for path in ("/audit/lectures", "/audit/acces"):
        assert (await api.client.get(path, headers=audited.auditor)).status_code == 403, path
    anonymous = await api.client.get(f"/audit/cap/{audited.assessment_id}", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")


async def test_an_auditor_cannot_grant_or_revoke(api: Api) -> None:
    audited = await given_audited(api)
    other = given_person(api, "auditor", name="Autre auditrice")
    await in_directory(api)
    # With a valid CSRF token (the client's cookie and a staff page's field): the role is what refuses.
    token = csrf_token((await api.client.get("/audit/acces", headers=api.staff)).text)
    answer = await api.client.post(
        "/audit/acces",
        headers=audited.auditor,
        data={"_csrf_token": token, "auditeur": other, "adherent": audited.tenant, "fin": "2100-01-01", "motif": "x"},
    )
    assert answer.status_code == 403
    await caught_up(platform_of(api).database.url())
    assert (await api.client.get(f"{BASE}/access-grants", headers=api.staff)).json() == []
