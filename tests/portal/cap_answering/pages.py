"""Driving le Cap's answering pages as a browser would: GET a page, then POST its form with the CSRF
cookie (kept by the client) and the token of the page's hidden field."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.helpers.api import Api

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
HIDDEN_FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


async def page(api: Api, path: str, headers: dict[str, str], status: int = 200) -> str:
    answer = await api.client.get(path, headers=headers)
    assert answer.status_code == status, (answer.status_code, answer.text[:2000])
    assert answer.headers["content-type"].startswith("text/html")
    return shown(answer)


def shown(answer: Any) -> str:
    """A page's text as the reader sees it (Jinja escapes apostrophes and quotes)."""
    return html.unescape(str(answer.text))


def hidden_fields(html: str) -> dict[str, str]:
    """The page's hidden fields (the CSRF token, the version it shows), sent back as a browser does."""
    return {name: value for name, value in HIDDEN_FIELD.findall(html)}


async def submit(
    api: Api, form_page: str, action: str, headers: dict[str, str], data: dict[str, Any] | None = None
) -> Any:
    """GET `form_page` (for its CSRF token and hidden fields), then POST `data` to `action`; the
    answer, not followed."""
    answer = await api.client.get(form_page, headers=headers)
    return await post(api, answer.text, action, headers, data)


async def post(
    api: Api, form_html: str, action: str, headers: dict[str, str], data: dict[str, Any] | None = None
) -> Any:
    """POST `data` to `action` with the hidden fields of a page already read (maybe stale by now)."""
    csrf_of(form_html)
    fields = {**hidden_fields(form_html), **(data or {})}
    return await api.client.post(action, headers=headers, data=fields, follow_redirects=False)


def redirected_to(answer: Any) -> str:
    assert answer.status_code == 303, (answer.status_code, answer.text[:3000])
    return str(answer.headers["location"])
