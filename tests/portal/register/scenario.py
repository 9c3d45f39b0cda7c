"""Scenario helpers of the register's page tests: a member registered through the API, its record
read back through the API, and the register's forms driven as a browser would."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.membership_api import given_registered_member, registration
from tests.helpers.siret import fresh_siret
from tests.portal.cap_answering.pages import page, post, redirected_to, shown, submit
from tests.portal.register.browserlike import form_values

__all__ = ["page", "post", "redirected_to", "shown", "submit", "registration"]


def beside(html: str, field: str) -> str:
    """The message shown beside `field` (its `…-erreur` paragraph)."""
    start = html.index(f'id="{field}-erreur"')
    return html[start : html.index("</p>", start)]


async def given_regions_read(api: Api) -> None:
    """The region list established, and read back by the read models."""
    established = api.client.app.state.platform.application("membership").establish_regions()
    if established is not None:
        answer = await api.client.get(
            "/api/membership/regions", params={"wait_for": established.notification_id}, headers=api.staff
        )
        assert answer.status_code == 200, answer.text


async def given_member(api: Api, **overrides: Any) -> str:
    """A member registered through the API (a fresh SIRET unless given); its id."""
    created = await given_registered_member(api, **{"siret": fresh_siret(), **overrides})
    await record(api, created["id"], wait_for=created["notification_id"])
    return str(created["id"])


async def record(api: Api, member_id: str, wait_for: int | None = None) -> dict[str, Any]:
    params = {"wait_for": wait_for} if wait_for else {}
    answer = await api.client.get(f"/api/membership/members/{member_id}", params=params, headers=api.staff)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def total_members(api: Api) -> int:
    answer = await api.client.get("/api/membership/members", params={"limit": 1}, headers=api.staff)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["total"])


async def send_form(
    api: Api, member_id: str, slug: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    """GET the member's form page, then POST it as a browser would: its prefilled values, with
    `data` typed over them."""
    path = f"/registre/{member_id}/{slug}"
    return await fill_in(api, path, path, data, headers)


async def fill_in(
    api: Api, form_page: str, action: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    answer = await api.client.get(form_page, headers=headers or api.staff)
    assert answer.status_code == 200, (answer.status_code, answer.text[:500])
    fields = {**form_values(answer.text, action), **data}
    return await api.client.post(action, headers=headers or api.staff, data=fields, follow_redirects=False)


def delegate(api: Api, region: str = "NPC") -> dict[str, str]:
    return api.token("regional_delegate", region=region, subject="delegue-1")


def member_admin(api: Api, tenant: str) -> dict[str, str]:
    return api.token("member_admin", tenant=tenant, subject="admin-1")
