"""One-time links: an invitation accepted once (then signed in), a password reset valid one hour."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.people.conftest import PASSWORD, Clock, sign_in
from tests.people.helpers import activated, invite, last_link, post_form, sql


async def test_an_invitation_is_accepted_once_and_signs_the_person_in(api: Api, clock: Clock) -> None:
    person_id = await invite(api, "lea@exemple.fr", "auditor")
    link = await last_link(api, "lea@exemple.fr", "invitation")
    short = await post_form(api, link, link, {"password": "court", "confirmation": "court"})
    assert short.status_code == 400
    assert "au moins 12 caractères" in short.text and 'aria-invalid="true"' in short.text
    accepted = await post_form(api, link, link, {"password": PASSWORD, "confirmation": PASSWORD})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/"
    home = await api.client.get("/")
    assert home.status_code == 200 and "Se déconnecter" in home.text
    entry = (await api.client.get(f"/api/people/{person_id}", headers=api.staff)).json()
    assert entry["status"] == "active"
    again = await api.client.get(link)
    assert again.status_code == 410 and "Ce lien n&#39;est plus valable" in again.text


async def test_an_invitation_link_expires_after_seven_days(api: Api, clock: Clock) -> None:
    await invite(api, "lea@exemple.fr", "auditor")
    link = await last_link(api, "lea@exemple.fr", "invitation")
    clock.advance(days=7, seconds=1)
    assert (await api.client.get(link)).status_code == 410


async def test_a_forgotten_password_gets_the_same_answer_for_any_address(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    answers = [
        await post_form(api, "/mot-de-passe-oublie", "/mot-de-passe-oublie", {"email": email})
        for email in ("anne@exemple.fr", "personne@exemple.fr")
    ]
    assert [(a.status_code, a.headers["location"]) for a in answers] == [(303, "/mot-de-passe-oublie?envoye=1")] * 2
    assert "un message vient de lui être envoyé" in (await api.client.get("/mot-de-passe-oublie?envoye=1")).text
    queued = await sql(api, "SELECT recipient FROM platform.outbox WHERE kind = 'password_reset'")
    assert [r["recipient"] for r in queued] == ["anne@exemple.fr"]


async def test_a_reset_link_sets_a_new_password_once_and_ends_open_sessions(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    await post_form(api, "/mot-de-passe-oublie", "/mot-de-passe-oublie", {"email": "anne@exemple.fr"})
    link = await last_link(api, "anne@exemple.fr", "password_reset")
    new = "un tout nouveau mot de passe"
    mismatch = await post_form(api, link, link, {"password": new, "confirmation": new + "!"})
    assert mismatch.status_code == 400 and "ne sont pas identiques" in mismatch.text
    done = await post_form(api, link, link, {"password": new, "confirmation": new})
    assert done.status_code == 303 and done.headers["location"] == "/connexion?info=mot-de-passe-change"
    assert (await api.client.get("/", follow_redirects=False)).status_code == 303  # the open session ended
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 400
    assert (await sign_in(api, "anne@exemple.fr", new)).status_code == 303
    assert (await api.client.get(link)).status_code == 410


async def test_a_reset_link_expires_after_an_hour(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    await post_form(api, "/mot-de-passe-oublie", "/mot-de-passe-oublie", {"email": "anne@exemple.fr"})
    link = await last_link(api, "anne@exemple.fr", "password_reset")
    clock.advance(minutes=59)
    assert (await api.client.get(link)).status_code == 200
    clock.advance(minutes=2)
    assert (await api.client.get(link)).status_code == 410
