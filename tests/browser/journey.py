"""The steps of a member's journey that the test takes outside the browser, each in one place.

- `given_member`: a member in the register with le Cap's referential (what national staff set up
  before anyone signs in).
- `add_participant` and `request_review` are the admin's own pages (a choice among the directory's
  people), kept here so that the scenario reads as a list of steps.
- `delegate_proposes`: the delegate's review has no portal screen yet (another issue's): the
  delegate comments, proposes levels and completes the review through the API, as themself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from playwright.async_api import Page, expect

from shared.personal import PersonalDetails
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
        contact=PersonalDetails(name="Accueil", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
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


async def add_participant(page: Page, assessment_id: str, person: Account, sub_themes: list[str]) -> None:
    """On the participants page, as the admin signed in on `page`: `person` chosen among the
    member's people, with the sub-themes entrusted to them (none checked: all)."""
    await page.goto(f"/cap/{assessment_id}/participants")
    form = page.locator(f'form[action="/cap/{assessment_id}/participants"]')
    await form.get_by_label("Personne", exact=True).select_option(person.subject)
    await form.get_by_label("salarié·e", exact=True).check()
    for sub_theme in sub_themes:
        await form.locator(f'input[name="sous_themes"][value="{sub_theme}"]').check()
    async with page.expect_navigation():
        await form.get_by_role("button", name="Inviter").click()
    assert page.url.endswith("/participants?fait=invite"), page.url
    await expect(page.get_by_text("Le ou la participant·e est invité·e.")).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text=person.subject)).to_contain_text(person.name)


async def request_review(page: Page, assessment_id: str, delegate: Account) -> str:
    """On the review page, as the admin signed in on `page`: a third party, the region's delegate
    chosen among the region's delegates and trainers. The request's id, read in the table."""
    await page.goto(f"/cap/{assessment_id}/relecture")
    form = page.locator(f'form[action="/cap/{assessment_id}/relecture"]')
    await form.get_by_label("Un tiers de la région").check()
    await form.get_by_label("Le tiers (relecture par un tiers)", exact=True).select_option(delegate.subject)
    async with page.expect_navigation():
        await form.get_by_role("button", name="Demander la relecture").click()
    assert page.url.endswith("/relecture?fait=relecture"), page.url
    await expect(page.get_by_text("La demande de relecture est envoyée.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=delegate.name)
    await expect(row).to_have_count(1)
    return (await row.get_by_role("cell").first.inner_text()).split(",")[0].strip()


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
