"""The team page: a member admin invites a colleague, changes a role, deactivates; staff see everyone."""

from __future__ import annotations

from uuid import uuid4

from tests.helpers.api import Api
from tests.people.helpers import invite, last_link, post_form

MEMBER = str(uuid4())
OTHER = str(uuid4())


async def test_a_member_admin_invites_a_colleague_of_their_own_member(api: Api) -> None:
    admin = api.token("member_admin", tenant=MEMBER, subject="admin-1")
    missing = await post_form(api, "/equipe/inviter", "/equipe/inviter", {"name": "", "email": ""}, headers=admin)
    assert missing.status_code == 400
    assert "Indiquez le nom de la personne." in missing.text and 'href="#name"' in missing.text
    refused = await post_form(
        api,
        "/equipe/inviter",
        "/equipe/inviter",
        {"name": "Léa", "email": "lea@exemple.fr", "role": "national_staff"},
        headers=admin,
    )
    assert refused.status_code == 422 and "ne peut pas donner le rôle" in refused.text
    done = await post_form(
        api,
        "/equipe/inviter",
        "/equipe/inviter",
        # A member field smuggled into the form is ignored: the admin's own member is used.
        {"name": "Léa Dupont", "email": "lea@exemple.fr", "role": "member_contributor", "tenant": OTHER},
        headers=admin,
    )
    assert done.status_code == 303 and done.headers["location"] == "/equipe?info=invite"
    team = await api.client.get("/equipe?info=invite", headers=admin)
    assert "Léa Dupont" in team.text and "L&#39;invitation est envoyée" in team.text
    assert (await last_link(api, "lea@exemple.fr", "invitation")).startswith("/invitation/")
    entry = (await api.client.get("/api/people", headers=admin)).json()["items"][0]
    assert entry["tenant_id"] == MEMBER


async def test_a_member_admin_never_sees_another_member_people(api: Api) -> None:
    elsewhere = await invite(api, "autre@exemple.fr", "member_contributor", tenant=OTHER)
    admin = api.token("member_admin", tenant=MEMBER)
    team = await api.client.get("/equipe", headers=admin)
    assert team.status_code == 200 and "autre@exemple.fr" not in team.text
    assert (await api.client.get(f"/equipe/{elsewhere}", headers=admin)).status_code == 404
    form = await api.client.get("/equipe", headers=admin)
    assert form.status_code == 200
    contributor = api.token("member_contributor", tenant=MEMBER)
    assert (await api.client.get("/equipe", headers=contributor)).status_code == 403


async def test_a_member_admin_changes_a_role_and_deactivates_then_reactivates(api: Api) -> None:
    colleague = await invite(api, "lea@exemple.fr", "member_contributor", tenant=MEMBER)
    admin = api.token("member_admin", tenant=MEMBER, subject="admin-1")
    page = f"/equipe/{colleague}"
    changed = await post_form(api, page, f"{page}/role", {"role": "peer_reviewer"}, headers=admin)
    assert changed.status_code == 303, changed.text
    no_reason = await post_form(api, page, f"{page}/desactiver", {"reason": ""}, headers=admin)
    assert no_reason.status_code == 400 and "Indiquez pourquoi" in no_reason.text
    off = await post_form(api, page, f"{page}/desactiver", {"reason": "a quitté l'entreprise"}, headers=admin)
    assert off.status_code == 303
    shown = await api.client.get(page, headers=admin)
    assert "pair relecteur" in shown.text and "désactivée" in shown.text and "Réactiver le compte" in shown.text
    on = await post_form(api, page, f"{page}/reactiver", {}, headers=admin)
    assert on.status_code == 303


async def test_national_staff_see_everyone_and_filter(api: Api) -> None:
    await invite(api, "a@exemple.fr", "member_admin", tenant=MEMBER)
    await invite(api, "d@exemple.fr", "regional_delegate", region="BRE")
    everyone = await api.client.get("/equipe", headers=api.staff)
    assert "a@exemple.fr" in everyone.text and "d@exemple.fr" in everyone.text
    delegates = await api.client.get("/equipe?role=regional_delegate", headers=api.staff)
    assert "d@exemple.fr" in delegates.text and "a@exemple.fr" not in delegates.text
    invited = await post_form(
        api,
        "/equipe/inviter",
        "/equipe/inviter",
        {"name": "Tom", "email": "tom@exemple.fr", "role": "trainer", "region": "NOR"},
        headers=api.staff,
    )
    assert invited.status_code == 303


async def test_an_invitation_is_sent_again_with_a_new_link_that_replaces_the_old(api: Api) -> None:
    colleague = await invite(api, "lea@exemple.fr", "member_contributor", tenant=MEMBER)
    first = await last_link(api, "lea@exemple.fr", "invitation")
    admin = api.token("member_admin", tenant=MEMBER, subject="admin-1")
    page = f"/equipe/{colleague}"
    assert (
        "Renvoyer l&#39;invitation" in (await api.client.get(page, headers=admin)).text
        or "Renvoyer l'invitation" in (await api.client.get(page, headers=admin)).text
    )
    again = await post_form(api, page, f"{page}/reinviter", {}, headers=admin)
    assert again.status_code == 303 and again.headers["location"] == "/equipe?info=reinvite"
    second = await last_link(api, "lea@exemple.fr", "invitation")
    assert second != first
    assert (await api.client.get(first)).status_code == 410
    assert (await api.client.get(second)).status_code == 200
    elsewhere = api.token("member_admin", tenant=OTHER)
    assert (await post_form(api, "/equipe", f"{page}/reinviter", {}, headers=elsewhere)).status_code == 404
