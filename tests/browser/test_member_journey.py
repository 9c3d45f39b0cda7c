"""A member's whole le Cap journey in a real Chromium, as people use the portal (issue 10).

A member admin signs in, invites a colleague from /equipe; the colleague's invitation is read on
/courriels (national staff) and accepted (a password chosen, signed in at once). The admin starts
an assessment and adds the colleague; both answer, one disagreement is settled side by side; the
assessment is submitted, reviewed by the region's delegate, a proposal accepted, validated; the
radar chart and the plan appear and the plan's PDF downloads with its actions. An admin of another
member, signed in, gets the 404 page on every one of those addresses and sees none of it.

Steps outside the browser, each in one function of tests/browser/journey.py: the scenario's
starting point (a member in the register, the referential) and the delegate's review (le Cap's API
as the delegate: reviewers have no screen yet). Adding the participants (chosen among the member's
people, with their sub-themes) and asking the delegate's review (chosen among the region's
delegates) are the admin's pages, in journey.py too so that the scenario reads as steps.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Awaitable, Callable
from uuid import UUID

from playwright.async_api import BrowserContext, Page, expect
from pypdf import PdfReader

from shared.platform import Platform
from tests.browser.journey import Member, add_participant, delegate_proposes, given_member, request_review
from tests.browser.people import PASSWORD, Account, given_account
from tests.browser.screenshots import Screenshots
from tests.browser.session import Portal, Traffic, sign_in_as
from tests.helpers.assessment_api import REFERENTIAL

INVITATION = re.compile(r"(/invitation/[A-Za-z0-9_\-]+)")
NOT_FOUND = "<h1>Page introuvable</h1>"
COLLEAGUE_EMAIL = "lea.dupont@relais-lens.fr"
DISPUTED = "1.1.1"
PDF_FOOTER = re.compile(r" ?COORACE — le Cap — page \d+/\d+")


def level_of(code: str) -> int:
    """The admin's answers: several below their objective, so the plan has actions."""
    return 1 + sum(int(part) for part in code.split(".")) % 3


def indicators_of(sub_theme: str) -> list[str]:
    return [code for code in REFERENTIAL.indicators if code.startswith(f"{sub_theme}.")]


def words(text: str) -> str:
    return " ".join(text.split())


async def answer_sub_theme(page: Page, assessment_id: str, sub_theme: str, levels: dict[str, int]) -> None:
    await page.goto(f"/cap/{assessment_id}/sous-themes/{sub_theme}")
    for code in indicators_of(sub_theme):
        await page.locator(f'input[name="niveau-{code.replace(".", "-")}"][value="{levels[code]}"]').check()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert page.url.endswith("?fait=enregistre"), page.url
    await expect(page.get_by_text("Vos réponses sont enregistrées.")).to_be_visible()


async def press(page: Page, button: str, notice: str) -> None:
    """Send the page's form by its button; the next page shows the notice."""
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()
    await expect(page.get_by_text(notice)).to_be_visible()


async def test_a_member_journey_from_the_invitation_to_the_plan_pdf_and_no_one_else_sees_it(
    context: BrowserContext,
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    staff: Account,
    traffic: Traffic,
    screenshots: Screenshots,
) -> None:
    member = await given_member(writer, "AI Le Relais de Lens")
    other: Member = await given_member(writer, "Chantier Les Quatre Vents")
    admin = await given_account(
        writer, portal, "claire.martin@relais-lens.fr", "Claire Martin", "member_admin", tenant=member.id
    )
    delegate = await given_account(
        writer, portal, "yann.kerouac@coorace.fr", "Yann Kerouac", "regional_delegate", region=member.region
    )
    outsider = await given_account(
        writer, portal, "paul.girard@quatre-vents.fr", "Paul Girard", "member_admin", tenant=other.id
    )

    # The admin signs in through the form.
    await page.goto("/connexion")
    await screenshots.take(page, "connexion")
    await sign_in_as(page, admin)
    await expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    await expect(page.get_by_text(member.name).first).to_be_visible()
    await screenshots.take(page, "accueil")
    await screenshots.take(page, "accueil-telephone", phone=True)

    # … and invites a colleague from the team page.
    await page.goto("/equipe")
    await page.get_by_role("link", name="Inviter une personne").click()
    await page.get_by_label("Nom et prénom").fill("Léa Dupont")
    await page.get_by_label("Adresse électronique").fill(COLLEAGUE_EMAIL)
    await page.get_by_label("Rôle").select_option("member_contributor")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Envoyer l'invitation").click()
    assert page.url.endswith("/equipe?info=invite"), page.url
    await expect(page.get_by_role("cell", name=COLLEAGUE_EMAIL).or_(page.get_by_text(COLLEAGUE_EMAIL))).to_be_visible()
    await screenshots.take(page, "equipe")

    # National staff read the invitation e-mail in the outbox.
    desk = await (await contexts()).new_page()
    await sign_in_as(desk, staff, suite="/courriels")
    await screenshots.take(desk, "courriels")
    row = desk.get_by_role("row").filter(has_text=COLLEAGUE_EMAIL)
    await row.get_by_role("link").click()
    await expect(desk.get_by_role("heading", level=1)).to_be_visible()
    found = INVITATION.search(await desk.locator(".mail-body").inner_text())
    assert found, "the invitation e-mail holds no link"

    # The colleague opens the link, chooses a password and is signed in.
    colleague_page = await (await contexts()).new_page()
    await colleague_page.goto(found.group(1))
    await expect(colleague_page.get_by_text("Bonjour Léa Dupont")).to_be_visible()
    await colleague_page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    await colleague_page.get_by_label("Le même mot de passe, une seconde fois").fill(PASSWORD)
    async with colleague_page.expect_navigation():
        await colleague_page.get_by_role("button", name="Accepter et me connecter").click()
    assert colleague_page.url == f"{portal.url}/"
    await expect(colleague_page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    colleague_id = writer.application("people").person_with_email(COLLEAGUE_EMAIL)
    assert isinstance(colleague_id, UUID)
    colleague = Account(colleague_id, COLLEAGUE_EMAIL, "Léa Dupont", "member_contributor", tenant=member.id)

    # The admin starts an assessment, and the team is invited to it.
    await page.goto("/cap")
    await screenshots.take(page, "cap-liste")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Commencer une auto-évaluation").click()
    assessment_id = page.url.split("/cap/")[1].split("?")[0]
    cap = f"/cap/{assessment_id}"
    await add_participant(page, assessment_id, admin, [])
    await add_participant(page, assessment_id, colleague, ["1.1"])

    # Both answer; on one indicator they disagree.
    admin_levels = {code: level_of(code) for code in REFERENTIAL.indicators}
    colleague_levels = {**admin_levels, DISPUTED: 3 if admin_levels[DISPUTED] != 3 else 1}
    await answer_sub_theme(colleague_page, assessment_id, "1.1", colleague_levels)
    for sub_theme in REFERENTIAL.sub_theme_codes():
        await answer_sub_theme(page, assessment_id, sub_theme, admin_levels)
        if sub_theme == "1.1":
            await screenshots.take(page, "cap-sous-theme", whole=False)

    # The disagreement, side by side, settled by the admin.
    await page.goto(f"{cap}/desaccords")
    disputed = page.locator(f"#desaccord-{DISPUTED.replace('.', '-')}")
    await expect(disputed.get_by_text("Claire Martin")).to_be_visible()
    await expect(disputed.get_by_text("Léa Dupont")).to_be_visible()
    await screenshots.take(page, "cap-desaccords")
    settle = page.locator(f'form[action="{cap}/desaccords/{DISPUTED}"]')
    await settle.locator('input[name="niveau"][value="2"]').check()
    await settle.get_by_label("Comment l'équipe a décidé (facultatif)").fill("Décidé ensemble en réunion d'équipe.")
    await press(page, f"Arbitrer l'indicateur {DISPUTED}", "La réponse de l'équipe est arbitrée.")

    # Submitted, then reviewed by the region's delegate.
    await page.goto(f"{cap}/soumission")
    await press(page, "Soumettre l'auto-évaluation", "L'auto-évaluation est soumise.")
    request_id = await request_review(page, assessment_id, delegate)
    await delegate_proposes(portal, delegate, assessment_id, request_id, {"2.1.1": 4, "3.1.1": 4})
    await page.goto(f"{cap}/relecture")
    accepted = page.locator("section.indicator").filter(has_text="2.1.1 —")
    async with page.expect_navigation():
        await accepted.get_by_role("button", name=re.compile(r"^Accepter la proposition ")).click()
    await expect(page.get_by_text("La proposition est acceptée")).to_be_visible()
    refused = page.locator("section.indicator").filter(has_text="3.1.1 —")
    await refused.get_by_label("Pourquoi l'équipe refuse").fill("La pratique n'est pas encore en place partout.")
    async with page.expect_navigation():
        await refused.get_by_role("button", name=re.compile(r"^Refuser la proposition ")).click()
    await expect(page.get_by_text("La proposition est refusée")).to_be_visible()
    await page.goto(f"{cap}/validation")
    await press(page, "Valider l'évaluation", "L'évaluation est validée.")
    await screenshots.take(page, "cap-synthese")

    # The results: the radar chart and its table, the plan, its PDF, the history.
    await page.goto(f"{cap}/positionnement")
    await expect(page.locator('svg[role="img"]').first).to_be_visible()
    await expect(page.locator("table.figures").first).to_be_visible()
    await screenshots.take(page, "cap-positionnement")
    await page.goto(f"{cap}/plan")
    titles = [words(t) for t in await page.locator("article.plan-action h3").all_inner_texts()]
    assert titles, "the plan has no action"
    await screenshots.take(page, "cap-plan", whole=False)
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Télécharger le plan (PDF)").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = words(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(open(await download.path(), "rb").read())).pages)
    )
    # An action cut by a page break reads across the page's footer.
    pdf = PDF_FOOTER.sub("", pdf)
    for title in titles:
        action = title.split(". ", 1)[1]
        assert action in pdf, f"the PDF lacks the plan's action « {action} »"
    await page.goto("/cap/historique")
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await screenshots.take(page, "cap-historique")

    # An admin of another member, signed in, finds none of it.
    seen: dict[str, int] = {}
    elsewhere = await (await contexts()).new_page()
    await sign_in_as(elsewhere, outsider)
    addresses = [
        cap,
        f"{cap}/participants",
        f"{cap}/sous-themes/1.1",
        f"{cap}/desaccords",
        f"{cap}/soumission",
        f"{cap}/relecture",
        f"{cap}/validation",
        f"{cap}/positionnement",
        f"{cap}/plan",
        f"{cap}/plan.pdf",
        f"/equipe/{admin.id}",
        f"/equipe/{colleague.id}",
    ]
    for address in addresses:
        answer = await elsewhere.request.get(address)
        seen[address] = answer.status
        body = html.unescape(await answer.text())
        assert NOT_FOUND in body, address
        for secret in (member.name, "Claire Martin", "Léa Dupont", COLLEAGUE_EMAIL, "Décidé ensemble"):
            assert secret not in body, f"{address} shows « {secret} » to another member"
    assert set(seen.values()) == {404}, seen
    for address in ("/", "/cap", "/cap/historique", "/equipe"):
        await elsewhere.goto(address)
        content = await elsewhere.content()
        for secret in (member.name, "Claire Martin", "Léa Dupont", COLLEAGUE_EMAIL, assessment_id):
            assert secret not in content, f"{address} shows « {secret} » to another member"
    assert traffic.foreign() == []
