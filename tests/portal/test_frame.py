"""The portal's frame, through the real app: pages in French HTML, the API in JSON, visitors sent to sign in."""

from __future__ import annotations

from tests.helpers.api import Api


async def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(api: Api) -> None:
    answer = await api.client.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?suite=%2F"


async def test_an_unknown_page_answers_a_french_html_page_and_an_unknown_api_path_json(api: Api) -> None:
    page = await api.client.get("/nulle-part")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    assert "<h1>Page introuvable</h1>" in page.text
    answer = await api.client.get("/api/nulle-part")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


async def test_a_signed_in_page_is_in_french_with_its_style_sheet_served_by_the_platform(api: Api) -> None:
    page = await api.client.get("/", headers=api.staff)
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert 'href="/static/portal.css"' in page.text
    assert "Se déconnecter" in page.text
    sheet = await api.client.get("/static/portal.css")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/css")


async def test_the_api_still_wants_its_bearer_token(api: Api) -> None:
    answer = await api.client.get("/api/membership/members")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/json")
