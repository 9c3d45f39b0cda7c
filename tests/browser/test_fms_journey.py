"""The Fonds Mutualisés Solidaires' whole path in a real Chromium, through pages only (issue 11,
"Tested as people use it").

Set up outside the browser, as the demo seed does: the member enterprises of the register and the
people who sign in (tests/browser/fms_journey.py, tests/browser/people.py). Then, only pages:

staff open a call through the form → the member's admin applies from /fms with a partner chosen in
the register and a training per enterprise, and submits → staff assign a fund reviewer on the
instruction page → the reviewer declares no conflict and scores → staff close the call (the domain
wants a call closed before its first decision, when results are to be published), decide an award
seeing the envelope before and after → a second staff member approves it from the four-eyes queue
→ the results are published on the call's page → the admin reads the outcome and downloads the
decision letter (its text read back) → the decision e-mail to the admin, read on /courriels.

And the isolation paths: a fund reviewer not assigned opening the evaluation page, an admin of
another member opening the application and its letter → the 404 page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from playwright.async_api import BrowserContext, Page, expect

from shared.as_of import today_in_paris
from shared.platform import Platform
from tests.browser.fms_journey import (
    given_enterprise,
    letter_text,
    outbox_row,
    press,
    register_copied,
)
from tests.browser.people import Account, given_account
from tests.browser.screenshots import Screenshots
from tests.browser.session import Portal, sign_in_as

SST = "Sauveteur secouriste du travail (SST)"
TITLE = "Fonds Mutualisés Solidaires — appel à projets"
PROJECT = "Sécurité et savoirs de base"
NOT_FOUND = "Page introuvable"
LETTER_LINK = "Télécharger la lettre de décision (PDF)"


async def new_page(contexts: Callable[[], Awaitable[BrowserContext]]) -> Page:
    """Another person's browser (their own cookies)."""
    return await (await contexts()).new_page()


async def test_the_fund_s_whole_path_through_pages(
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    staff: Account,
    screenshots: Screenshots,
) -> None:
    today = today_in_paris()
    lead = given_enterprise(writer, "Relais Emploi Lens")
    partner = given_enterprise(writer, "Atelier du Bassin Minier")
    other = given_enterprise(writer, "Tremplin Arras")
    await register_copied(writer)
    colleague = await given_account(writer, portal, "paul.girard@coorace.fr", "Paul Girard", "national_staff")
    admin = await given_account(
        writer, portal, "claire.martin@relais-lens.fr", "Claire Martin", "member_admin", tenant=lead
    )
    reviewer = await given_account(writer, portal, "nadia.benali@exemple.fr", "Nadia Benali", "fund_reviewer")
    bystander = await given_account(writer, portal, "yann.morel@exemple.fr", "Yann Morel", "fund_reviewer")
    stranger = await given_account(writer, portal, "paul.roux@tremplin.fr", "Paul Roux", "member_admin", tenant=other)

    # 1. Staff open the call through the form (opened a month ago, closing in a few days).
    await sign_in_as(page, staff, "/fms/appels")
    await page.get_by_role("link", name="Ouvrir un appel à projets").click()
    await page.get_by_label("Année").fill(str(today.year))
    await page.get_by_label("Titre").fill(TITLE)
    await page.get_by_label("Ouverture des candidatures").fill((today - timedelta(days=30)).isoformat())
    await page.get_by_label("Clôture des candidatures").fill((today + timedelta(days=5)).isoformat())
    await page.get_by_label("Fonds mutualisé (€)").fill("725 000,00")
    await page.get_by_label("Enveloppe initiale (€)").fill("290 000,00")
    await page.get_by_label("Chaque entreprise candidate adhère à l'Accord Groupe").check()
    await page.get_by_label("Taux de cofinancement").fill("0,50")
    await page.get_by_label("Taux des formations prioritaires").fill("0,70")
    await page.get_by_label("Plafond par stagiaire (€)").fill("800")
    await page.get_by_label("Critère 1 : code").fill("pertinence")
    await page.get_by_label("Critère 1 : libellé").fill("Pertinence du projet")
    await page.get_by_label("Critère 1 : poids").fill("3")
    await page.get_by_label("Critère 2 : code").fill("cout")
    await page.get_by_label("Critère 2 : libellé").fill("Coût par stagiaire")
    await page.get_by_label("Critère 2 : poids").fill("2")
    await page.get_by_label("Formations prioritaires (une par ligne)").fill(SST)
    await screenshots.take(page, "90-appel-ouvert")
    await press(page, "Ouvrir l'appel")
    await expect(page.get_by_role("status")).to_contain_text(f"L'appel à projets {today.year} est ouvert.")
    call_url = page.url
    assert "/fms/appels/" in call_url, call_url

    # 2. The member's admin applies from /fms: a partner found in the register, a training each.
    member = await new_page(contexts)
    await sign_in_as(member, admin, "/fms")
    await expect(member.get_by_role("heading", name=TITLE)).to_be_visible()
    await member.get_by_label("Titre de votre projet").fill(PROJECT)
    await press(member, "Commencer une candidature")
    await expect(member.get_by_text("Le brouillon est créé")).to_be_visible()
    application_id = member.url.rsplit("/", 1)[1]
    await member.get_by_label("Chercher une entreprise adhérente par son nom").fill("Bassin")
    await press(member, "Rechercher")
    await member.get_by_label("Entreprise partenaire 1").select_option(partner)
    await press(member, "Enregistrer le brouillon")
    await expect(member.get_by_text("Le brouillon est enregistré.")).to_be_visible()
    await member.get_by_label("Cofinancement demandé (en euros)").fill("3000")
    await member.get_by_label("Formation 1 : formation prioritaire").select_option(SST)
    await member.get_by_label("Formation 1 : salariés de").select_option(lead)
    await member.get_by_label("Formation 1 : stagiaires").fill("10")
    await member.get_by_label("Formation 1 : heures").fill("14")
    await member.get_by_label("Formation 1 : coût en euros").fill("8000")
    await member.get_by_label("Formation 2 : intitulé").fill("Savoirs de base")
    await member.get_by_label("Formation 2 : salariés de").select_option(partner)
    await member.get_by_label("Formation 2 : stagiaires").fill("4")
    await member.get_by_label("Formation 2 : heures").fill("7")
    await member.get_by_label("Formation 2 : coût en euros").fill("1000")
    await press(member, "Enregistrer le brouillon")
    await expect(member.get_by_text("Le brouillon est enregistré.")).to_be_visible()
    await screenshots.take(member, "91-candidature-partenaire")
    await member.goto(f"/fms/candidatures/{application_id}/depot")
    await expect(member.get_by_role("cell", name="Savoirs de base")).to_be_visible()
    await press(member, "Déposer la candidature")
    await expect(member.get_by_text("La candidature est déposée. Elle est éligible.")).to_be_visible()

    # 3. Staff assign the fund reviewer, chosen in the directory, on the instruction page.
    instruction = f"/fms/instruction/{application_id}"
    await page.goto(instruction)
    await expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)
    await page.get_by_label("Affecter un évaluateur ou une évaluatrice du fonds").select_option(reviewer.subject)
    await press(page, "Affecter")
    await expect(page.get_by_role("status")).to_contain_text("est affecté·e")
    await expect(page.locator("#evaluateurs-notes")).to_contain_text("Nadia Benali")

    # 4. The reviewer signs in, declares no conflict of interest and scores with the call's grid.
    review = await new_page(contexts)
    await sign_in_as(review, reviewer, "/fms/evaluations")
    await review.get_by_role("link", name=PROJECT).click()
    await expect(review.get_by_role("heading", name="Déclaration d'intérêts")).to_be_visible()
    await review.get_by_label("Je n'ai aucun conflit d'intérêts avec les entreprises candidates").check()
    await press(review, "Valider ma déclaration")
    await review.locator("#note-pertinence-4").check()
    await review.get_by_label("Pertinence du projet : commentaire").fill("Besoin clair, partenariat solide")
    await review.locator("#note-cout-3").check()
    await review.get_by_label("Coût par stagiaire : commentaire").fill("Coût raisonnable")
    await press(review, "Enregistrer ma notation")
    await expect(review.get_by_text("72,00 / 100")).to_be_visible()
    await screenshots.take(review, "92-notation")

    # A fund reviewer not assigned to it: the 404 page, as for a missing application.
    unassigned = await new_page(contexts)
    await sign_in_as(unassigned, bystander, "/fms/evaluations")
    await expect(unassigned.get_by_role("link", name=PROJECT)).to_have_count(0)
    await unassigned.goto(f"/fms/evaluations/{application_id}")
    await expect(unassigned.get_by_role("heading", name=NOT_FOUND)).to_be_visible()
    await unassigned.goto(f"/fms/evaluations/{application_id}/notation")
    await expect(unassigned.get_by_role("heading", name=NOT_FOUND)).to_be_visible()

    # 5. Staff close the call (the domain: closing comes before the first decision) …
    await page.goto(call_url)
    await expect(page.get_by_label("Date de clôture")).to_have_value(today.isoformat())
    await press(page, "Clore l'appel")
    await expect(page.get_by_role("status")).to_contain_text("L'appel est clos : il ne reçoit plus de candidatures.")

    # … and decide an award, seeing the envelope before and after the amount.
    await page.goto(instruction)
    await page.get_by_label("Montant à simuler, en euros").fill("3 000")
    await press(page, "Voir l'enveloppe après ce montant")
    envelope = page.locator("#enveloppe")
    await expect(envelope.locator('[data-figure="avant"]')).to_have_text("290\u202f000,00\u00a0€")
    await expect(envelope.locator('[data-figure="apres"]')).to_have_text("287\u202f000,00\u00a0€")
    await expect(page.get_by_label("Montant de l'aide, en euros (pour une aide)")).to_have_value("3 000")
    await page.get_by_label("Raison (obligatoire pour un rejet)").fill("Projet solide, coûts maîtrisés")
    await page.locator("#decision").evaluate("heading => heading.scrollIntoView()")
    await screenshots.take(page, "93-decision-enveloppe", whole=False)
    await press(page, "Enregistrer la décision")
    await expect(page.get_by_role("status")).to_contain_text("attend la relecture")

    # Not approved yet: the member reads that the decision is being reviewed, and no letter.
    await member.goto(f"/fms/candidatures/{application_id}")
    await expect(member.get_by_text("La décision est en cours de relecture")).to_be_visible()
    await expect(member.get_by_role("link", name=LETTER_LINK)).to_have_count(0)

    # 6. A second staff member approves it from the four-eyes queue.
    desk = await new_page(contexts)
    await sign_in_as(desk, colleague, "/fms/decisions")
    queue = desk.locator("#file-quatre-yeux")
    await expect(queue).to_contain_text(PROJECT)
    await expect(queue).to_contain_text("Anne Lefèvre")
    await screenshots.take(desk, "94-quatre-yeux")
    async with desk.expect_navigation():
        await queue.get_by_role("link", name=PROJECT).click()
    await desk.get_by_label("Commentaire (obligatoire pour un renvoi)").fill("D'accord avec le montant")
    await press(desk, "Enregistrer la relecture")
    await expect(desk.get_by_role("status")).to_contain_text("La décision est approuvée")

    # 7. The results are published on the call's page.
    await desk.goto(call_url)
    await expect(desk.get_by_label("Date de publication")).to_have_value(today.isoformat())
    await press(desk, "Publier les résultats")
    await expect(desk.get_by_role("status")).to_contain_text("Les résultats de l'appel sont publiés.")
    await expect(desk.locator("#chiffres")).to_contain_text("3\u202f000,00\u00a0€")
    await expect(desk.get_by_role("button", name="Publier les résultats")).to_have_count(0)
    await screenshots.take(desk, "95-resultats-publies")

    # 8. The applicant reads the outcome and downloads the decision letter.
    await member.goto(f"/fms/candidatures/{application_id}")
    await expect(member.get_by_text("Une aide de 3\u202f000,00\u00a0€ vous est accordée")).to_be_visible()
    await screenshots.take(member, "96-issue-lettre")
    await member.goto("/fms")
    await expect(member.get_by_role("cell", name="aide accordée")).to_be_visible()
    await member.goto(f"/fms/candidatures/{application_id}")
    words = await letter_text(member, LETTER_LINK)
    assert "Relais Emploi Lens" in words, words
    assert "3 000,00" in words, words
    assert "une aide vous est accordée" in words, words

    # An admin of another member: the application and its letter are the 404 page.
    elsewhere = await new_page(contexts)
    await sign_in_as(elsewhere, stranger, "/fms")
    await expect(elsewhere.get_by_text(PROJECT)).to_have_count(0)
    await elsewhere.goto(f"/fms/candidatures/{application_id}")
    await expect(elsewhere.get_by_role("heading", name=NOT_FOUND)).to_be_visible()
    letter = await elsewhere.request.get(f"/fms/candidatures/{application_id}/lettre.pdf")
    assert letter.status == 404, letter.status
    await elsewhere.goto(f"/fms/candidatures/{application_id}/lettre.pdf")
    await expect(elsewhere.get_by_role("heading", name=NOT_FOUND)).to_be_visible()

    # 9. The decision e-mail reached the lead's admin: staff read it on /courriels.
    await outbox_row(page, admin.email, "Décision du Fonds")
    row = page.get_by_role("row").filter(has_text="Décision du Fonds")
    await expect(row).to_have_count(1)
    async with page.expect_navigation():
        await row.get_by_role("link").click()
    body = page.locator(".mail-body")
    await expect(body).to_contain_text("Claire Martin")
    await expect(body).to_contain_text(f"/fms/candidatures/{application_id}")
    mail = re.sub(r"[\u00a0\u202f]", " ", await body.inner_text())
    assert f"« {TITLE} » est retenue : une aide de 3 000,00 € vous est accordée" in mail, mail
