"""One-time notices in the session row: kept by a POST, shown once by the next page, then gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Request, get, post
from litestar.response import Redirect, Template

from shared.auth import TokenService
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.web.notices import MAX_NOTICE_CHARACTERS, flash, take_notice
from shared.web.pages import pages_router
from shared.web.session import COOKIE
from tests.helpers.api import Api
from tests.people.conftest import PASSWORD, sign_in
from tests.people.helpers import activated, post_form, sql

PAGE = """{% extends "base.html" %}{% block content %}
<form method="post" action="/essai/action">{{ csrf_input | safe }}<input name="text"><button>Envoyer</button></form>
{% endblock %}"""


@get("/essai")
async def page_showing_notices(request: Request[Any, Any, Any]) -> Template:
    return Template(template_str=PAGE, context={"title": "Essai", "notice": await take_notice(request)})


@post("/essai/action")
async def action_with_notice(request: Request[Any, Any, Any]) -> Redirect:
    fields = await request.form()
    kept = await flash(request, fields.get("text", ""))
    return Redirect("/essai" if kept else "/essai?sans-session=1", status_code=303)


ESSAI_PAGES = pages_router("/", [page_showing_notices, action_with_notice])


@pytest.fixture
async def api(database: DatabaseAddress, settings: Settings) -> AsyncIterator[Api]:
    """The platform's app with a page that shows notices and a form that keeps one."""
    from litestar.testing import AsyncTestClient

    from services.bootstrap import build_platform
    from shared.app_factory import create_app

    platform = build_platform(settings=settings, database=database)
    app = create_app(platform, run_projections=True, extra_route_handlers=[ESSAI_PAGES])
    async with AsyncTestClient(app) as client:
        yield Api(client, TokenService(settings))


async def signed_in(api: Api) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    assert COOKIE in api.client.cookies


async def test_a_notice_is_shown_once_by_the_next_page(api: Api) -> None:
    await signed_in(api)
    done = await post_form(api, "/essai", "/essai/action", {"text": "L'autoévaluation est soumise."})
    assert done.status_code == 303 and done.headers["location"] == "/essai"
    shown = await api.client.get("/essai")
    assert '<div class="notice" role="status">L&#39;autoévaluation est soumise.</div>' in shown.text
    again = await api.client.get("/essai")
    assert again.status_code == 200 and 'class="notice"' not in again.text
    rows = await sql(api, "SELECT notice FROM people.sessions")
    assert rows and all(row["notice"] is None for row in rows)


async def test_the_latest_notice_wins_and_a_long_one_is_cut(api: Api) -> None:
    await signed_in(api)
    await post_form(api, "/essai", "/essai/action", {"text": "Première."})
    await post_form(api, "/essai", "/essai/action", {"text": "é" * (MAX_NOTICE_CHARACTERS + 50)})
    shown = await api.client.get("/essai")
    assert "Première." not in shown.text and "é" * MAX_NOTICE_CHARACTERS + "</div>" in shown.text


async def test_a_notice_is_the_session_s_own(api: Api) -> None:
    await signed_in(api)
    await post_form(api, "/essai", "/essai/action", {"text": "Pour Anne seulement."})
    anne = api.client.cookies[COOKIE]
    # Another browser (another session of the same person) does not get it...
    api.client.cookies.clear()
    await sign_in(api, "anne@exemple.fr", PASSWORD)
    assert "Pour Anne seulement." not in (await api.client.get("/essai")).text
    # ...the first one still does.
    api.client.cookies.set(COOKIE, anne)
    assert "Pour Anne seulement." in (await api.client.get("/essai")).text


async def test_without_a_session_nothing_is_kept(api: Api) -> None:
    staff = api.token("national_staff", subject="staff-1")
    done = await post_form(api, "/essai", "/essai/action", {"text": "Perdu."}, headers=staff)
    assert done.status_code == 303 and done.headers["location"] == "/essai?sans-session=1"
    assert "Perdu." not in (await api.client.get("/essai", headers=staff)).text
