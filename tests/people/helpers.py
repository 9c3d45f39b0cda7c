"""Driving the directory through the real app: invitations, the outbox's links, forms with CSRF."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import asyncpg

from tests.helpers.api import Api

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
LINK = re.compile(r"http://[^/\s]+(/(?:invitation|reinitialisation)/[A-Za-z0-9_\-]+)")


async def post_form(api: Api, page: str, action: str, fields: dict[str, str], **options: Any) -> Any:
    """GET the form's page (for the CSRF cookie and token), then POST the form as a browser would."""
    form = await api.client.get(page, headers=options.get("headers"))
    match = CSRF.search(form.text)
    assert match, f"no CSRF token on {page} ({form.status_code})"
    return await api.client.post(
        action, data={**fields, "_csrf_token": match.group(1)}, follow_redirects=False, **options
    )


async def invite(api: Api, email: str, role: str = "national_staff", **placement: str) -> UUID:
    answer = await api.client.post(
        "/api/people", json={"name": "Personne " + email, "email": email, "role": role, **placement}, headers=api.staff
    )
    assert answer.status_code == 201, answer.text
    await wait_for(api, answer.json()["notification_id"])
    return UUID(answer.json()["id"])


async def wait_for(api: Api, notification_id: int) -> None:
    """Until the directory shows the change (the app runs in its own event loop: ask it over HTTP)."""
    answer = await api.client.get("/api/people", params={"wait_for": notification_id, "limit": 1}, headers=api.staff)
    assert answer.status_code == 200, answer.text


async def sql(api: Api, query: str, *args: Any) -> Any:
    """One query on the test's database, on a connection of the test's own event loop."""
    conn = await asyncpg.connect(api.client.app.state.platform.database.url())
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def last_link(api: Api, email: str, kind: str) -> str:
    """The path of the one-time link in the last message of that kind queued for `email`."""
    rows = await sql(
        api, "SELECT body FROM platform.outbox WHERE recipient = $1 AND kind = $2 ORDER BY id DESC LIMIT 1", email, kind
    )
    assert rows, f"no {kind} message for {email}"
    body = rows[0]["body"]
    match = LINK.search(body)
    assert match, body
    return match.group(1)


async def activated(api: Api, email: str, password: str, role: str = "national_staff", **placement: str) -> UUID:
    """Someone invited who accepted (chose `password`), then signed out: cookies cleared."""
    person_id = await invite(api, email, role, **placement)
    link = await last_link(api, email, "invitation")
    accepted = await post_form(api, link, link, {"password": password, "confirmation": password})
    assert accepted.status_code == 303, accepted.text
    api.client.cookies.clear()
    return person_id
