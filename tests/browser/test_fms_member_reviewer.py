"""The Fonds Mutualisés Solidaires in a real Chromium, for a member and a fund reviewer (issue 11).

A member admin opens /fms, starts an application from the open call's card, finds a partner in the
register and adds it; a colleague (contributor) completes the draft with a training per partner;
the admin checks and submits it (eligible at once), then amends it before it is scored and reads
the diff. A fund reviewer declares no conflict of interest and scores with the call's grid. National
staff decide and approve (their pages are another helper's: the application layer here), and the
admin reads the awarded amount with the link to the decision letter. An admin of another member
gets the 404 page.

Set up outside the browser: the members (membership's application), the call (training's
application, as national staff), the reviewer's assignment and the decision (training's
application): each is the staff's job, not this role's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import httpx
from playwright.async_api import BrowserContext, Page, expect

from services.training.application import TrainingApplication
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.browser.people import given_account
from tests.browser.screenshots import Screenshots
from tests.browser.session import Portal, sign_in_as
from tests.helpers.assessment_api import make_siret
from tests.helpers.training_application import terms

SST = "Sauveteur secouriste du travail (SST)"
NOT_FOUND = "Page introuvable"


def training(writer: Platform) -> TrainingApplication:
    app = writer.application("training")
    assert isinstance(app, TrainingApplication)
    return app


async def given_enterprise(writer: Platform, name: str) -> str:
    membership = writer.application("membership")
    membership.establish_regions()
    member_id = membership.register_member(
        name=name,
        siret=make_siret(),
        forms=("AI",),
        region="NPC",
        joined_on=date(2012, 1, 1),
        contact=PersonalDetails(name="Accueil", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    ).id
    membership.join_accord_groupe(UUID(member_id), effective_on=date(2012, 1, 1))
    return str(member_id)


async def register_copied(writer: Platform) -> None:
    """Until the served app's register copy (training) has every member registered so far."""
    head = writer.application("membership").recorder.max_notification_id()
    datastore = training(writer).command_recorder.datastore
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
    raise AssertionError("the register copy did not catch up")


async def shown_in_pages(portal: Portal, application_id: str, notification_id: int) -> None:
    staff = portal.tokens.issue(role="national_staff", subject="browser-tests")
    async with httpx.AsyncClient(base_url=portal.url, timeout=30.0) as client:
        answer = await client.get(
            f"/api/training/applications/{application_id}",
            params={"wait_for": notification_id},
            headers={"Authorization": f"Bearer {staff}"},
        )
    assert answer.status_code == 200, answer.text


async def press(page: Page, button: str) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()


async def test_a_member_applies_with_a_partner_a_reviewer_scores_and_the_member_reads_the_outcome(
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    screenshots: Screenshots,
) -> None:
    lead = await given_enterprise(writer, "Relais Emploi Lens")
    partner = await given_enterprise(writer, "Atelier du Bassin Minier")
    other = await given_enterprise(writer, "Tremplin Arras")
    today = training(writer).today()
    with command_context(actor_id="staff-open", actor_role="national_staff", tenant_id=None):
        training(writer).open_call(
            year=today.year,
            terms=terms(
                title="Fonds Mutualisés Solidaires — appel à projets",
                opens_on=today - timedelta(days=5),
                closes_on=today + timedelta(days=30),
            ),
            on=today - timedelta(days=5),
        )
    await register_copied(writer)
    admin = await given_account(
        writer, portal, "claire.martin@relais-lens.fr", "Claire Martin", "member_admin", tenant=lead
    )
    colleague = await given_account(
        writer, portal, "hugo.petit@relais-lens.fr", "Hugo Petit", "member_contributor", tenant=lead
    )
    reviewer = await given_account(writer, portal, "nadia.benali@exemple.fr", "Nadia Benali", "fund_reviewer")
    stranger = await given_account(writer, portal, "paul.roux@tremplin.fr", "Paul Roux", "member_admin", tenant=other)

    # The member's home: the open call's card; the draft starts from it.
    await sign_in_as(page, admin, suite="/fms")
    await expect(page.get_by_role("heading", name="Fonds Mutualisés Solidaires — appel à projets")).to_be_visible()
    await page.get_by_label("Titre de votre projet").fill("Sécurité et savoirs de base 2026")
    await press(page, "Commencer une candidature")
    await expect(page.get_by_text("Le brouillon est créé")).to_be_visible()
    application_url = page.url
    application_id = application_url.rsplit("/", 1)[1]

    # A partner found in the register by its name, chosen, saved.
    await page.get_by_label("Chercher une entreprise adhérente par son nom").fill("Bassin")
    await press(page, "Rechercher")
    await page.get_by_label("Entreprise partenaire 1").select_option(partner)
    await press(page, "Enregistrer le brouillon")
    await expect(page.get_by_text("Le brouillon est enregistré.")).to_be_visible()

    # A colleague completes the shared draft: one training per enterprise.
    colleague_page = await (await contexts()).new_page()
    await sign_in_as(colleague_page, colleague, suite=f"/fms/candidatures/{application_id}")
    c = colleague_page
    await c.get_by_label("Cofinancement demandé (en euros)").fill("3000")
    await c.get_by_label("Formation 1 : formation prioritaire").select_option(SST)
    await c.get_by_label("Formation 1 : salariés de").select_option(lead)
    await c.get_by_label("Formation 1 : stagiaires").fill("10")
    await c.get_by_label("Formation 1 : heures").fill("14")
    await c.get_by_label("Formation 1 : coût en euros").fill("8000")
    await c.get_by_label("Formation 2 : intitulé").fill("Savoirs de base")
    await c.get_by_label("Formation 2 : salariés de").select_option(partner)
    await c.get_by_label("Formation 2 : stagiaires").fill("4")
    await c.get_by_label("Formation 2 : heures").fill("7")
    await c.get_by_label("Formation 2 : coût en euros").fill("1000")
    await press(c, "Enregistrer le brouillon")
    await expect(c.get_by_text("Le brouillon est enregistré.")).to_be_visible()

    # The admin checks what is sent and submits: eligible at once.
    await page.goto(f"/fms/candidatures/{application_id}/depot")
    await expect(page.get_by_role("cell", name="Savoirs de base")).to_be_visible()
    await press(page, "Déposer la candidature")
    await expect(page.get_by_text("La candidature est déposée. Elle est éligible.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Éligibilité : éligible")).to_be_visible()
    await screenshots.take(page, "81-candidature")

    # Amended before it is scored: the diff, before → after.
    await page.get_by_role("link", name="Modifier la candidature déposée").click()
    await page.get_by_label("Cofinancement demandé (en euros)").fill("2800")
    await page.get_by_label("Formation 2 : stagiaires").fill("5")
    await page.get_by_label("Raison de la modification").fill("Un salarié de plus chez notre partenaire")
    await press(page, "Enregistrer la modification")
    await expect(page.get_by_role("heading", name="Modifications depuis le dépôt")).to_be_visible()
    await expect(page.get_by_role("row", name="Formation 2 : stagiaires 4 5")).to_be_visible()
    await screenshots.take(page, "82-modifications")

    # National staff assign the reviewer (their pages are another helper's).
    with command_context(actor_id="staff-assign", actor_role="national_staff", tenant_id=None):
        assigned = training(writer).assign_reviewer(
            UUID(application_id), reviewer_id=reviewer.subject, reviewer_enterprise=None, directory=None
        )
    await shown_in_pages(portal, application_id, assigned.notification_id)

    # The reviewer: no conflict declared, then the grid, then the weighted total.
    review = await (await contexts()).new_page()
    await sign_in_as(review, reviewer, suite="/fms/evaluations")
    await review.get_by_role("link", name="Sécurité et savoirs de base 2026").click()
    await expect(review.get_by_role("heading", name="Déclaration d'intérêts")).to_be_visible()
    await review.get_by_label("Je n'ai aucun conflit d'intérêts avec les entreprises candidates").check()
    await press(review, "Valider ma déclaration")
    await review.locator("#note-pertinence-4").check()
    await review.get_by_label("Pertinence du projet : commentaire").fill("Besoin clair, partenariat solide")
    await review.locator("#note-cout-3").check()
    await review.get_by_label("Coût par stagiaire : commentaire").fill("Coût raisonnable")
    await press(review, "Enregistrer ma notation")
    await expect(review.get_by_text("72,00 / 100")).to_be_visible()
    await screenshots.take(review, "83-evaluation")

    # National staff decide and a second staff member approves.
    app = training(writer)
    with command_context(actor_id="staff-decide", actor_role="national_staff", tenant_id=None):
        app.decide_award(
            UUID(application_id), amount=Decimal("2800.00"), reason="Projet retenu", by="staff-decide", on=today
        )
    with command_context(actor_id="staff-review", actor_role="national_staff", tenant_id=None):
        approved = app.review_decision(UUID(application_id), approve=True, comment="", by="staff-review", on=today)
    await shown_in_pages(portal, application_id, approved.notification_id)

    # The member reads the outcome, with the link to the decision letter.
    await page.goto(f"/fms/candidatures/{application_id}")
    await expect(page.get_by_text("Une aide de")).to_be_visible()
    await expect(page.get_by_role("link", name="Télécharger la lettre de décision (PDF)")).to_have_attribute(
        "href", f"/fms/candidatures/{application_id}/lettre.pdf"
    )
    await screenshots.take(page, "84-issue")
    await page.goto("/fms")
    await expect(page.get_by_role("cell", name="aide accordée")).to_be_visible()
    await screenshots.take(page, "80-fms-adherent")

    # An admin of another member sees none of it.
    elsewhere = await (await contexts()).new_page()
    await sign_in_as(elsewhere, stranger, suite="/fms")
    await expect(elsewhere.get_by_text("Sécurité et savoirs de base 2026")).to_have_count(0)
    await elsewhere.goto(f"/fms/candidatures/{application_id}")
    await expect(elsewhere.get_by_role("heading", name=NOT_FOUND)).to_be_visible()
