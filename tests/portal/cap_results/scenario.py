"""A member with a validated le Cap assessment, built the way the API's tests build it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    admin,
    cap_app,
    caught_up,
    given_member,
    given_referential,
    given_validated,
    platform_of,
)

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Validated:
    tenant: str
    assessment_id: str
    headers: dict[str, str]


def levels(code: str) -> int:
    """Some indicators below their objective, so the plan has actions of every priority."""
    return 1 + sum(int(part) for part in code.split(".")) % 3


async def given_validated_member(api: Api, name: str = "AI Le Relais", region: str = "NPC") -> Validated:
    given_referential(api)
    tenant = given_member(api, name, region=region)
    assessment = (
        cap_app(api)
        .start_assessment(tenant_id=tenant, region=region, forms=("AI",), scope="member", referential_version=None)
        .id
    )
    given_validated(api, tenant, str(assessment), level=levels)
    await caught_up(platform_of(api).database.url())
    return Validated(tenant=tenant, assessment_id=str(assessment), headers=admin(api, tenant))


def csrf_token(page: str) -> str:
    found = CSRF_INPUT.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def post_form(api: Api, path: str, page_path: str, headers: dict[str, str], fields: dict[str, str]) -> Any:
    """Send a form as a browser would: from the page that shows it, with its CSRF token."""
    page = await api.client.get(page_path, headers=headers)
    assert page.status_code == 200, page.text
    return await api.client.post(
        path, headers=headers, data={"_csrf_token": csrf_token(page.text), **fields}, follow_redirects=False
    )
