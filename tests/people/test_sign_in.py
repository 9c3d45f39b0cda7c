"""Signing in through the real app: passwords, sessions and their cookie, expiry, sign-out, limits."""

from __future__ import annotations

import pytest

from shared.web.session import COOKIE, session_cookie, token_hash
from tests.helpers.api import Api
from tests.people.conftest import PASSWORD, Clock, sign_in
from tests.people.helpers import activated, post_form, sql, wait_for


async def session_hashes(api: Api) -> set[bytes]:
    return {bytes(row["token_hash"]) for row in await sql(api, "SELECT token_hash FROM people.sessions")}


async def signed_in_page(api: Api, path: str = "/") -> int:
    return (await api.client.get(path, follow_redirects=False)).status_code


async def test_a_person_signs_in_with_a_session_cookie_and_out_again(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    answer = await sign_in(api, "Anne@Exemple.fr", PASSWORD, suite="/equipe")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/equipe"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path"} <= flags and "secure" not in flags  # served over http in the tests
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()
    page = await api.client.get("/equipe")
    assert page.status_code == 200 and "Se déconnecter" in page.text
    # The token is kept as its hash only.
    token = api.client.cookies[COOKIE]
    assert token_hash(token) in await session_hashes(api)
    assert token.encode() not in await session_hashes(api)

    out = await post_form(api, "/equipe", "/deconnexion", {})
    assert out.status_code == 303 and out.headers["location"] == "/connexion?info=deconnecte"
    assert token_hash(token) not in await session_hashes(api)
    api.client.cookies.set(COOKIE, token)  # the old cookie, kept by someone: it opens nothing now
    assert await signed_in_page(api) == 303


def test_the_cookie_is_secure_when_the_platform_is_served_over_https() -> None:
    assert session_cookie("t", secure=True).secure is True
    assert session_cookie("t", secure=False).httponly is True


async def test_a_wrong_password_or_an_unknown_address_gets_the_same_answer(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    wrong = await sign_in(api, "anne@exemple.fr", "pas le bon mot de passe")
    unknown = await sign_in(api, "personne@exemple.fr", PASSWORD)
    for answer in (wrong, unknown):
        assert answer.status_code == 400
        assert "L&#39;adresse électronique ou le mot de passe est incorrect." in answer.text
        assert COOKIE not in answer.headers.get("set-cookie", "")


async def test_more_than_five_failures_for_an_address_wait_fifteen_minutes_across_processes(
    api: Api, clock: Clock
) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    for _ in range(5):
        assert (await sign_in(api, "anne@exemple.fr", "mauvais mot de passe")).status_code == 400
    blocked = await sign_in(api, "anne@exemple.fr", PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text and "Vous pourrez réessayer à partir du" in blocked.text
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    # Counted in the database: what another process would see.
    assert len(await sql(api, "SELECT * FROM people.sign_in_failures WHERE email = 'anne@exemple.fr'")) == 5
    clock.advance(minutes=15, seconds=1)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303


async def test_twenty_failures_from_one_client_block_it_whatever_the_address(api: Api, clock: Clock) -> None:
    for n in range(20):
        assert (await sign_in(api, f"inconnu{n}@exemple.fr", "mauvais mot de passe")).status_code == 400
    assert (await sign_in(api, "autre@exemple.fr", "mauvais mot de passe")).status_code == 429


async def test_a_session_ends_after_two_idle_hours(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    clock.advance(hours=1, minutes=59)
    assert await signed_in_page(api) == 200
    clock.advance(hours=1, minutes=59)  # seen 1 h 59 ago: still on
    assert await signed_in_page(api) == 200
    clock.advance(hours=2, seconds=1)
    answer = await api.client.get("/equipe", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion?suite=%2Fequipe"


async def test_a_session_ends_twelve_hours_after_sign_in_however_busy(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    for _ in range(11):
        clock.advance(hours=1)
        assert await signed_in_page(api) == 200
    clock.advance(hours=1)
    assert await signed_in_page(api) == 303


async def test_a_form_without_its_csrf_token_is_refused(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    await api.client.get("/connexion")  # the CSRF cookie is there; the form field is not
    answer = await api.client.post(
        "/connexion", data={"email": "anne@exemple.fr", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert COOKIE not in api.client.cookies


@pytest.mark.parametrize(
    "suite",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "http:/evil",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
async def test_sign_in_sends_back_only_to_a_local_path(api: Api, clock: Clock, suite: str) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    answer = await sign_in(api, "anne@exemple.fr", PASSWORD, suite=suite)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


async def test_deactivation_ends_the_session_and_a_role_change_applies_at_the_next_request(
    api: Api, clock: Clock
) -> None:
    person_id = await activated(
        api, "anne@exemple.fr", PASSWORD, "member_admin", tenant="0" * 8 + "-0000-4000-8000-" + "0" * 12
    )
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    assert await signed_in_page(api, "/equipe") == 200
    changed = await api.client.post(
        f"/api/people/{person_id}/role", json={"role": "member_contributor"}, headers=api.staff
    )
    assert changed.status_code == 422  # staff must name the member for a member role: the API has no page's help
    changed = await api.client.post(
        f"/api/people/{person_id}/role",
        json={"role": "member_contributor", "tenant": "0" * 8 + "-0000-4000-8000-" + "0" * 12},
        headers=api.staff,
    )
    assert changed.status_code == 200, changed.text
    await wait_for(api, changed.json()["notification_id"])
    assert await signed_in_page(api, "/equipe") == 403  # a contributor has no team page
    off = await api.client.post(f"/api/people/{person_id}/deactivate", json={"reason": "départ"}, headers=api.staff)
    assert off.status_code == 200
    assert await signed_in_page(api) == 303
    assert await session_hashes(api) == set()  # the invitation's session too
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 400
