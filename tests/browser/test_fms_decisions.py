"""National staff decide on an FMS application in a real browser: staff A assigns a fund reviewer
from the directory, decides an award seeing the envelope before and after, and cannot approve their
own decision; staff B approves it from the four-eyes queue; the decision file and the letter follow.

The call, the application and its first score are made with the application layer (the member's
and the reviewer's screens are another part's), as the users who would send each command."""

from __future__ import annotations

import asyncio
import io
from typing import Any
from uuid import UUID

import httpx
from playwright.async_api import BrowserContext, Page, expect
from pypdf import PdfReader

from shared.platform import Platform
from tests.browser.people import Account, given_account
from tests.browser.screenshots import Screenshots
from tests.browser.session import Portal, sign_in_as
from tests.helpers.training_application import (
    TODAY,
    TOP_SCORES,
    acting,
    given_members,
    open_call,
    submitted,
    training_app,
)


async def register_copied(writer: Platform) -> None:
    """Until the served app's copy of the register (training) has every member registered so far."""
    head = writer.application("membership").recorder.max_notification_id()
    datastore = training_app(writer).command_recorder.datastore
    for _ in range(1000):
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                "SELECT position FROM training.projection_generations "
                "WHERE projection = 'register_copy' AND status = 'live'"
            )
            row = curs.fetchone()
        if row is not None and row["position"] >= head:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the training service's copy of the register did not catch up")


async def read_models_caught_up(portal: Portal, application_id: UUID, notification_id: int) -> None:
    token = portal.tokens.issue(role="national_staff", subject="browser-tests")
    async with httpx.AsyncClient(base_url=portal.url, timeout=30.0) as client:
        answer = await client.get(
            f"/api/training/applications/{application_id}/decision-file",
            params={"wait_for": notification_id},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text


async def given_scored_application(writer: Platform, portal: Portal, scorer: Account) -> UUID:
    lead, partner = given_members(writer, 2)
    await register_copied(writer)
    call_id = open_call(writer)
    application_id = submitted(writer, call_id, lead, partners=(partner,), requested="4000.00")
    app = training_app(writer)
    directory: Any = writer.application("people")
    with acting("browser-tests", "national_staff"):
        app.assign_reviewer(application_id, reviewer_id=scorer.subject, reviewer_enterprise=None, directory=directory)
    with acting(scorer.subject, "fund_reviewer"):
        scored = app.score(
            application_id,
            by=scorer.subject,
            reviewer_enterprise=None,
            no_conflict_declared=True,
            scores=TOP_SCORES,
            on=TODAY,
        )
    await read_models_caught_up(portal, application_id, scored.notification_id)
    return application_id


async def signed_in(context: BrowserContext, person: Account, suite: str) -> Page:
    page = await context.new_page()
    await sign_in_as(page, person, suite)
    return page


async def test_staff_decide_an_award_and_a_second_staff_member_approves_it(
    page: Page,
    contexts: Any,
    portal: Portal,
    writer: Platform,
    staff: Account,
    screenshots: Screenshots,
) -> None:
    scorer = await given_account(writer, portal, "hugo.noteur@exemple.fr", "Hugo Noteur", "fund_reviewer")
    second = await given_account(writer, portal, "claire.evaluatrice@exemple.fr", "Claire Évaluatrice", "fund_reviewer")
    colleague = await given_account(writer, portal, "paul.girard@coorace.fr", "Paul Girard", "national_staff")
    application_id = await given_scored_application(writer, portal, scorer)
    instruction = f"/fms/instruction/{application_id}"

    # Staff A: the application, its checks and scores; a second reviewer chosen in the directory.
    await sign_in_as(page, staff, instruction)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Former les salariés en parcours")
    await expect(page.locator("#evaluateurs-notes")).to_contain_text("Hugo Noteur")
    await page.get_by_label("Affecter un évaluateur ou une évaluatrice du fonds").select_option(second.subject)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Affecter").click()
    await expect(page.get_by_role("status")).to_contain_text("est affecté·e")
    await expect(page.locator("#evaluateurs-notes")).to_contain_text("Claire Évaluatrice")
    await screenshots.take(page, "70-instruction", whole=False)

    # The envelope before and after the amount typed, then the decision.
    await page.get_by_label("Montant à simuler, en euros").fill("3 000")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Voir l'enveloppe après ce montant").click()
    envelope = page.locator("#enveloppe")
    await expect(envelope.locator('[data-figure="avant"]')).to_have_text("100\u202f000,00\u00a0€")
    await expect(envelope.locator('[data-figure="apres"]')).to_have_text("97\u202f000,00\u00a0€")
    await expect(page.get_by_label("Montant de l'aide, en euros (pour une aide)")).to_have_value("3 000")
    await page.get_by_label("Raison (obligatoire pour un rejet)").fill("Projet solide, coûts maîtrisés")
    await page.locator("#decision").evaluate("heading => heading.scrollIntoView()")
    await screenshots.take(page, "71-decision", whole=False)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Enregistrer la décision").click()
    await expect(page.get_by_role("status")).to_contain_text("attend la relecture")
    await expect(page.locator("#decision ~ dl").first).to_contain_text("Aide de 3\u202f000,00\u00a0€")

    # A cannot approve their own decision: the domain's refusal, on the page.
    await page.goto(f"/fms/decisions/{application_id}")
    await expect(page.get_by_role("note")).to_contain_text("Vous avez pris cette décision")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Enregistrer la relecture").click()
    await expect(page.get_by_role("alert")).to_contain_text("un autre membre de l'équipe nationale doit la relire")

    # Staff B: the four-eyes queue, the decision file, approval.
    other = await signed_in(await contexts(), colleague, "/fms/decisions")
    queue = other.locator("#file-quatre-yeux")
    await expect(queue).to_contain_text("Former les salariés en parcours")
    await expect(queue).to_contain_text("Anne Lefèvre")
    await screenshots.take(other, "72-file-quatre-yeux")
    async with other.expect_navigation():
        await queue.get_by_role("link", name="Former les salariés en parcours").click()
    await expect(other.get_by_role("heading", level=1)).to_contain_text("Relire la décision")
    await other.get_by_label("Commentaire (obligatoire pour un renvoi)").fill("D'accord avec le montant")
    async with other.expect_navigation():
        await other.get_by_role("button", name="Enregistrer la relecture").click()
    await expect(other.get_by_role("status")).to_contain_text("La décision est approuvée")
    await expect(other.get_by_text("Aucune décision n'attend de relecture.")).to_be_visible()

    # The decision file as a page, and the letter.
    await page.goto(f"{instruction}/dossier")
    await expect(page.locator("#historique")).to_contain_text("Décision approuvée (relecture)")
    await screenshots.take(page, "73-dossier")
    await page.goto(instruction)
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Lettre de décision (PDF)").click()
    download = await download_info.value
    content = open(await download.path(), "rb").read()  # noqa: ASYNC230, SIM115 (a small local file)
    words = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "une aide vous est accordée" in words
    assert "approuvée le" in words
