"""The steps of a member's journey that the test takes outside the browser, each in one place.

- `given_member`: a member in the register with le Cap's referential (what national staff set up
  before anyone signs in).
- `add_participant` and `request_review` go through le Cap's API as the member admin (a bearer
  token whose subject is the admin's person id, as `coorace token --person` gives): the portal's
  participant and reviewer forms are becoming choices among the directory's people; once they
  settle, the integrator may switch these two functions to the forms, and no test changes.
- `delegate_proposes`: the delegate's review has no portal screen yet (another issue's): the
  delegate comments, proposes levels and completes the review through the API, as themself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from services.membership.domain.member import Contact
from shared.platform import Platform
from tests.browser.people import Account
from tests.browser.session import Portal
from tests.helpers.assessment_api import DOCUMENT, caught_up, make_siret

API = "/api/assessment/assessments"


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    region: str


async def given_member(writer: Platform, name: str, region: str = "NPC") -> Member:
    membership = writer.application("membership")
    membership.establish_regions()
    member_id = membership.register_member(
        name=name,
        siret=make_siret(),
        forms=("AI",),
        region=region,
        joined_on=date(2012, 1, 1),
        contact=Contact(name="Accueil", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    ).id
    writer.application("assessment").load_referential(DOCUMENT)
    await caught_up(writer.database.url())
    return Member(member_id, name, region)


async def _post_as(portal: Portal, person: Account, assessment_id: str, path: str, body: dict[str, Any]) -> Any:
    """POST to the assessment's `path` as `person`, then wait until le Cap's read models show it
    (the next page reads them, as the pages' own redirects wait)."""
    token = portal.tokens.issue(role=person.role, tenant=person.tenant, region=person.region, subject=person.subject)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=f"{portal.url}{API}/{assessment_id}", timeout=30.0) as client:
        answer = await client.post(path, json=body, headers=headers)
        assert answer.is_success, (path, answer.status_code, answer.text)
        found = answer.json()
        waited = await client.get("", params={"wait_for": found["notification_id"]}, headers=headers)
        assert waited.status_code == 200, waited.text
    return found


async def add_participant(
    portal: Portal, admin: Account, assessment_id: str, person: Account, sub_themes: list[str]
) -> None:
    await _post_as(
        portal,
        admin,
        assessment_id,
        "/participants",
        {"participant_id": person.subject, "name": person.name, "kind": "staff", "sub_themes": sub_themes},
    )


async def request_review(portal: Portal, admin: Account, assessment_id: str, delegate: Account) -> str:
    created = await _post_as(
        portal,
        admin,
        assessment_id,
        "/review-requests",
        {"kind": "third_party", "reviewer_id": delegate.subject, "reviewer_role": "regional_delegate"},
    )
    return str(created["request_id"])


async def delegate_proposes(
    portal: Portal, delegate: Account, assessment_id: str, request_id: str, proposals: dict[str, int]
) -> None:
    """The delegate proposes `proposals` (indicator → level), each with a reason, then completes."""
    path = f"/review-requests/{request_id}"
    for indicator, level in proposals.items():
        await _post_as(
            portal,
            delegate,
            assessment_id,
            f"{path}/comments",
            {
                "indicator": indicator,
                "comment": f"Vu sur place pour {indicator}",
                "proposed_level": level,
                "reason": "Les pièces montrées le justifient",
            },
        )
    await _post_as(portal, delegate, assessment_id, f"{path}/completion", {"summary": "Relecture faite avec l'équipe."})
