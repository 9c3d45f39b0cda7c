"""The directory's JSON API: scoped lists, invitations and their refusals, the OpenAPI document."""

from __future__ import annotations

from uuid import uuid4

from tests.helpers.api import Api
from tests.people.helpers import invite, last_link, wait_for

MEMBER = str(uuid4())
OTHER = str(uuid4())


async def test_each_scope_lists_its_own_people(api: Api) -> None:
    await invite(api, "a1@exemple.fr", "member_admin", tenant=MEMBER)
    await invite(api, "a2@exemple.fr", "member_contributor", tenant=MEMBER)
    await invite(api, "b1@exemple.fr", "member_admin", tenant=OTHER)
    await invite(api, "d1@exemple.fr", "regional_delegate", region="BRE")
    await invite(api, "d2@exemple.fr", "trainer", region="NOR")
    await invite(api, "n1@exemple.fr", "auditor")

    async def emails(headers: dict[str, str]) -> list[str]:
        answer = await api.client.get("/api/people", headers=headers)
        assert answer.status_code == 200, answer.text
        return sorted(p["email"] for p in answer.json()["items"])

    assert await emails(api.token("member_admin", tenant=MEMBER)) == ["a1@exemple.fr", "a2@exemple.fr"]
    assert await emails(api.token("member_contributor", tenant=OTHER)) == ["b1@exemple.fr"]
    assert await emails(api.token("regional_delegate", region="BRE")) == ["d1@exemple.fr"]
    assert len(await emails(api.staff)) == 6
    # Another member's person is not found, as if no one.
    someone = (await api.client.get("/api/people", headers=api.staff, params={"name": "b1@"})).json()["items"][0]
    answer = await api.client.get(
        f"/api/people/{someone['person_id']}", headers=api.token("member_admin", tenant=MEMBER)
    )
    assert answer.status_code == 404
    mine = await api.client.get(f"/api/people/{someone['person_id']}", headers=api.token("member_admin", tenant=OTHER))
    assert mine.json()["role"] == "member_admin"
    assert mine.json()["status"] == "invited"


async def test_an_invitation_queues_a_french_email_with_a_one_time_link(api: Api) -> None:
    await invite(api, "Nouvelle@Exemple.fr", "fund_reviewer")
    link = await last_link(api, "nouvelle@exemple.fr", "invitation")
    assert link.startswith("/invitation/")
    page = await api.client.get(link)
    assert page.status_code == 200
    assert "Accepter l'invitation" in page.text


async def test_refusals_name_the_field(api: Api) -> None:
    admin = api.token("member_admin", tenant=MEMBER)
    answer = await api.client.post(
        "/api/people", json={"name": "X", "email": "x@exemple.fr", "role": "national_staff"}, headers=admin
    )
    assert answer.status_code == 422
    assert answer.json()["extra"]["field"] == "role"
    answer = await api.client.post(
        "/api/people",
        json={"name": "X", "email": "x@exemple.fr", "role": "member_contributor", "tenant": OTHER},
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["extra"]["field"] == "tenant"
    await invite(api, "x@exemple.fr", "auditor")
    again = await api.client.post(
        "/api/people", json={"name": "X", "email": "X@exemple.fr", "role": "auditor"}, headers=api.staff
    )
    assert again.status_code == 409
    assert again.json()["extra"]["field"] == "email"
    contributor = api.token("member_contributor", tenant=MEMBER)
    forbidden = await api.client.post(
        "/api/people", json={"name": "X", "email": "y@exemple.fr", "role": "member_contributor"}, headers=contributor
    )
    assert forbidden.status_code == 403


async def test_role_change_deactivation_and_reactivation(api: Api) -> None:
    person_id = await invite(api, "p@exemple.fr", "trainer", region="BRE")
    changed = await api.client.post(
        f"/api/people/{person_id}/role", json={"role": "regional_delegate", "region": "NOR"}, headers=api.staff
    )
    assert changed.status_code == 200, changed.text
    off = await api.client.post(f"/api/people/{person_id}/deactivate", json={"reason": "départ"}, headers=api.staff)
    assert off.status_code == 200
    await wait_for(api, off.json()["notification_id"])
    entry = (await api.client.get(f"/api/people/{person_id}", headers=api.staff)).json()
    assert (entry["role"], entry["region"], entry["status"]) == ("regional_delegate", "NOR", "deactivated")
    on = await api.client.post(f"/api/people/{person_id}/reactivate", headers=api.staff)
    assert on.status_code == 200
    await wait_for(api, on.json()["notification_id"])
    assert (await api.client.get(f"/api/people/{person_id}", headers=api.staff)).json()["status"] == "invited"


async def test_the_openapi_document_describes_the_people_api_with_its_guards(api: Api) -> None:
    document = (await api.client.get("/schema/openapi.json")).json()
    invite_operation = document["paths"]["/api/people"]["post"]
    assert invite_operation["summary"] == "Invite someone"
    assert "member_admin" in str(invite_operation) and "national_staff" in str(invite_operation)
    assert "/api/people/{person_id}/deactivate" in document["paths"]
