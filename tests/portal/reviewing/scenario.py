"""The reviewer's pages' starting point: a member's assessment submitted (every indicator answered
by its team) and a review asked of the region's delegate, made through the application as the demo
seed makes it; the delegate is a person of the directory."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    admin,
    cap_app,
    given_member,
    given_referential,
    given_started,
    given_submitted,
    principal,
    read,
)
from tests.helpers.people import given_person, in_directory


@dataclass(frozen=True)
class Review:
    tenant: str
    assessment_id: str
    request_id: str
    delegate_id: str
    delegate: dict[str, str]  # the delegate's bearer token
    boss: dict[str, str]  # the member's admin

    @property
    def address(self) -> str:
        return f"/relectures/{self.assessment_id}/{self.request_id}"


def level_of(code: str) -> int:
    """The team's answers: 2 everywhere but theme 3 (3)."""
    return 3 if code.startswith("3.") else 2


async def given_review(api: Api, *, member: str = "AI Le Relais", region: str = "NPC") -> Review:
    given_referential(api)
    tenant = given_member(api, name=member, region=region)
    delegate_id = given_person(api, "regional_delegate", region=region, name="Yann Kerouac")
    await in_directory(api)
    boss = admin(api, tenant)
    aid = (await given_started(api, tenant))["id"]
    given_submitted(api, tenant, aid, level=level_of)
    requested = cap_app(api).request_review(
        UUID(aid),
        by=principal(tenant),
        kind="third_party",
        reviewer_id=delegate_id,
        directory=api.client.app.state.platform.application("people"),
    )
    await read(api, f"/assessments/{aid}", boss, wait_for=requested.notification_id)
    request_id = f"r{requested.version}"
    delegate = api.token("regional_delegate", region=region, subject=delegate_id)
    return Review(tenant, aid, request_id, delegate_id, delegate, boss)


async def version_of(api: Api, review: Review) -> int:
    return int((await read(api, f"/assessments/{review.assessment_id}", review.boss))["version"])
