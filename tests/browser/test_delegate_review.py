"""A delegate reviews an assessment in a real Chromium (issue 11): the member's admin asks the
region's delegate for a review on the member's own page; the delegate signs in, finds it on
/relectures, reads a sub-theme's answers, comments one indicator, proposes another level on a second
one, checks the proposals and completes; the member's admin then sees the proposal to decide on. A
delegate of another region, signed in, gets the 404 page on the review's address and sees nothing.

Outside the browser (tests/browser/journey.py's `given_member`, and the application as the demo seed
does it): the member in the register, its assessment answered and submitted by its team."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from uuid import UUID

from playwright.async_api import BrowserContext, Page, expect

from shared.auth import Principal, Role
from shared.platform import Platform
from tests.browser.journey import given_member, request_review
from tests.browser.people import Account, given_account
from tests.browser.screenshots import PHONE_WIDTH, Screenshots
from tests.browser.session import Portal, Traffic, sign_in_as
from tests.helpers.assessment_api import CODES, caught_up

NOT_FOUND = "<h1>Page introuvable</h1>"


async def given_submitted(writer: Platform, member_id: str, admin: Account) -> str:
    """The member's assessment, answered by its admin (2 everywhere, 3 on theme 3) and submitted."""
    cap = writer.application("assessment")
    aid = UUID(
        cap.start_assessment(
            tenant_id=member_id, region="NPC", forms=("AI",), scope="member", referential_version=None
        ).id
    )
    by = Principal(subject=admin.subject, roles=frozenset({Role.MEMBER_ADMIN}), tenant=member_id)
    cap.invite_participant(
        aid, directory=None, by=by, participant_id=admin.subject, name=admin.name, kind="staff", sub_themes=()
    )
    for code in CODES:
        cap.answer(aid, by=by, indicator=code, participant_id=admin.subject, level=3 if code.startswith("3.") else 2)
    cap.submit(aid, by=by)
    await caught_up(writer.database.url())
    return str(aid)


async def test_a_delegate_reviews_and_the_member_sees_the_proposal_and_another_region_sees_nothing(
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    traffic: Traffic,
    screenshots: Screenshots,
) -> None:
    member = await given_member(writer, "AI Le Relais de Lens")
    admin = await given_account(
        writer, portal, "claire.martin@relais-lens.fr", "Claire Martin", "member_admin", tenant=member.id
    )
    delegate = await given_account(
        writer, portal, "delegue@demo.coorace.fr", "Yann Kerouac", "regional_delegate", region=member.region
    )
    outsider = await given_account(
        writer, portal, "delegue.ral@coorace.fr", "Inès Morel", "regional_delegate", region="RAL"
    )
    aid = await given_submitted(writer, member.id, admin)

    # The member's admin asks the region's delegate, on the member's own page.
    await sign_in_as(page, admin, suite=f"/cap/{aid}/relecture")
    request_id = await request_review(page, aid, delegate)
    review = f"/relectures/{aid}/{request_id}"

    # The delegate signs in and finds the review in their list.
    desk = await (await contexts()).new_page()
    await sign_in_as(desk, delegate, suite="/relectures")
    row = desk.get_by_role("row").filter(has_text=member.name)
    await expect(row).to_contain_text("en attente")
    await expect(row).to_contain_text("en relecture")
    await screenshots.take(desk, "20-relectures")
    async with desk.expect_navigation():
        await row.get_by_role("link").click()
    assert desk.url.endswith(review), desk.url
    await expect(desk.get_by_role("heading", level=1)).to_contain_text(member.name)

    # A sub-theme's answers: a comment on 1.1.1, a proposal of level 3 on 1.1.2.
    async with desk.expect_navigation():
        await desk.get_by_role("link", name="Relire et commenter").click()
    first = desk.locator("#indicateur-1-1-1")
    await expect(first.get_by_role("row").filter(has_text="Claire Martin")).to_be_visible()
    await first.get_by_label("Votre commentaire sur l'indicateur 1.1.1").fill("Comptes rendus du CA lus : conforme.")
    async with desk.expect_navigation():
        await first.get_by_role("button", name="Enregistrer le commentaire sur 1.1.1").click()
    await expect(desk.get_by_text("Votre commentaire sur l'indicateur 1.1.1 est enregistré.")).to_be_visible()
    await expect(desk.locator("#indicateur-1-1-1")).to_contain_text("« Comptes rendus du CA lus : conforme. »")
    second = desk.locator("#indicateur-1-1-2")
    await second.get_by_label("Votre commentaire sur l'indicateur 1.1.2").fill("Le projet est affiché et discuté.")
    await second.get_by_label("Proposer le niveau 3.").check()
    await second.get_by_label("La raison de votre proposition").fill("Vu en réunion d'équipe pendant la visite.")
    async with desk.expect_navigation():
        await second.get_by_role("button", name="Enregistrer le commentaire sur 1.1.2").click()
    await expect(
        desk.get_by_text("Votre proposition du niveau 3 sur l'indicateur 1.1.2 est enregistrée.")
    ).to_be_visible()
    await expect(desk.locator("#indicateur-1-1-2")).to_contain_text("en attente de la décision de l'équipe")
    await desk.evaluate("window.scrollTo(0, 0)")  # the page's first screen: the notice, then 1.1.1
    await screenshots.take(desk, "21-relecture-indicateurs", whole=False)

    # The confirmation lists the proposal; completing it.
    async with desk.expect_navigation():
        await desk.get_by_role("link", name="Terminer la relecture").first.click()
    proposals = desk.get_by_role("table", name="Vos propositions de niveau (1)")
    await expect(proposals).to_contain_text("Vu en réunion d'équipe pendant la visite.")
    await desk.get_by_label("Votre synthèse pour l'équipe").fill("Une équipe engagée ; une proposition sur 1.1.2.")
    async with desk.expect_navigation():
        await desk.get_by_role("button", name="Confirmer : terminer la relecture").click()
    await expect(
        desk.get_by_text("La relecture est terminée : l'équipe de l'adhérent voit vos propositions")
    ).to_be_visible()
    await expect(desk.get_by_text("La relecture est terminée : elle se lit")).to_be_visible()
    await screenshots.take(desk, "22-relecture-terminee")
    await desk.goto(f"{review}/1.1")
    assert await desk.get_by_role("button", name="Enregistrer le commentaire sur 1.1.1").count() == 0
    await desk.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    for address in ("/relectures", review, f"{review}/1.1", f"{review}/terminer"):
        await desk.goto(address)
        assert await desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), address

    # The member's admin sees the proposal, to decide on it.
    await page.goto(f"/cap/{aid}/relecture")
    proposal = page.locator("section.indicator").filter(has_text="1.1.2 —")
    await expect(proposal).to_contain_text("Vu en réunion d'équipe pendant la visite.")
    await expect(proposal).to_contain_text("à décider")

    # A delegate of another region: the 404 page on every address of the review, and an empty list.
    elsewhere = await (await contexts()).new_page()
    await sign_in_as(elsewhere, outsider, suite="/relectures")
    await expect(elsewhere.get_by_text("Aucune relecture ne vous est demandée.")).to_be_visible()
    for address in (review, f"{review}/1.1", f"{review}/terminer"):
        answer = await elsewhere.request.get(address)
        body = html.unescape(await answer.text())
        assert answer.status == 404 and NOT_FOUND in body, address
        for secret in (member.name, "Claire Martin", "Comptes rendus du CA"):
            assert secret not in body, f"{address} shows « {secret} » to another region's delegate"
    assert traffic.foreign() == []
