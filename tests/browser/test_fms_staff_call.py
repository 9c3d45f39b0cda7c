"""National staff running a call of the Fonds Mutualisés Solidaires in a real Chromium: a staff member
signs in, opens a call through the form (a first try with an envelope below 40 % of the fund is
refused beside the field), tops the envelope up and reads the ledger and its gauge, filters the
call's applications, and simulates the ranking under a smaller envelope.

Outside the browser (tests/helpers/training_application.py, through the service layer as the
members and reviewers would act): three members apply, two applications are scored.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

from playwright.async_api import Page, expect

from services.training.domain.call import Call
from shared.platform import Platform
from tests.browser.people import Account
from tests.browser.screenshots import Screenshots
from tests.browser.session import sign_in_as
from tests.helpers import training_application as support
from tests.helpers.training_application import TODAY


async def register_copied(writer: Platform, count: int) -> list[str]:
    """Members registered, once the training service's copy of the register has them."""
    ids = support.given_members(writer, count)
    head = writer.application("membership").recorder.max_notification_id()
    datastore = support.training_app(writer).command_recorder.datastore
    for _ in range(1000):
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                "SELECT position FROM training.projection_generations "
                "WHERE projection = 'register_copy' AND status = 'live'"
            )
            row = curs.fetchone()
        if row is not None and row["position"] >= head:
            return ids
        await asyncio.sleep(0.02)
    raise AssertionError("the training service's copy of the register did not catch up")


async def submit(page: Page, button: str) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()


async def test_staff_opens_a_call_tops_it_up_filters_its_applications_and_simulates(
    page: Page, writer: Platform, staff: Account, screenshots: Screenshots
) -> None:
    await sign_in_as(page, staff, "/fms/appels")
    await expect(page.get_by_text("Aucun appel à projets n'a encore été ouvert.")).to_be_visible()

    # Open a call through the form: first with an envelope below 40 % of the fund.
    await page.get_by_role("link", name="Ouvrir un appel à projets").click()
    await page.get_by_label("Année").fill(str(TODAY.year))
    await page.get_by_label("Titre").fill("Fonds Mutualisés Solidaires")
    await page.get_by_label("Ouverture des candidatures").fill(TODAY.isoformat())
    await page.get_by_label("Clôture des candidatures").fill(TODAY.replace(year=TODAY.year + 1).isoformat())
    await page.get_by_label("Fonds mutualisé (€)").fill("725 000,00")
    await page.get_by_label("Enveloppe initiale (€)").fill("200 000,00")
    await page.get_by_label("Taux de cofinancement").fill("0,50")
    await page.get_by_label("Taux des formations prioritaires").fill("0,70")
    await page.get_by_label("Plafond par stagiaire (€)").fill("800")
    await page.get_by_label("Critère 1 : code").fill("pertinence")
    await page.get_by_label("Critère 1 : libellé").fill("Pertinence du projet")
    await page.get_by_label("Critère 1 : poids").fill("3")
    await page.get_by_label("Critère 2 : code").fill("cout")
    await page.get_by_label("Critère 2 : libellé").fill("Coût par stagiaire")
    await page.get_by_label("Critère 2 : poids").fill("2")
    await page.get_by_label("Formations prioritaires (une par ligne)").fill("Sauveteur secouriste du travail (SST)")
    await submit(page, "Ouvrir l'appel")
    await expect(page.locator("#envelope-erreur")).to_contain_text("au moins 40 % du fonds mutualisé")
    await page.get_by_label("Enveloppe initiale (€)").fill("290 000,00")
    await submit(page, "Ouvrir l'appel")
    call_id = Call.create_id(TODAY.year, "")
    assert page.url.endswith(f"/fms/appels/{call_id}"), page.url
    await expect(page.get_by_role("status")).to_contain_text(f"L'appel à projets {TODAY.year} est ouvert.")

    # Three members apply; two of the applications are scored.
    leads = await register_copied(writer, 3)
    applications = [
        support.submitted(writer, UUID(str(call_id)), lead, title=f"Projet {name}", requested="3000.00")
        for lead, name in zip(leads, ("Alpha", "Bravo", "Charlie"), strict=True)
    ]
    for application in applications[:2]:
        support.scored(writer, application)

    # The envelope: a top-up, its line in the ledger, the gauge.
    await page.goto(f"/fms/appels/{call_id}/enveloppe")
    await page.get_by_label("Montant de l'abondement (€)").fill("50 000,00")
    await page.get_by_label("Origine de l'abondement").fill("Complément AGEFOS PME")
    await submit(page, "Abonder l'enveloppe")
    await expect(page.get_by_role("status")).to_contain_text("L'enveloppe est abondée de 50\u202f000,00\u00a0€.")
    await expect(page.locator("#registre")).to_contain_text("Complément AGEFOS PME")
    await expect(page.locator("#soldes")).to_contain_text("340\u202f000,00\u00a0€")
    await expect(page.locator("#jauge-enveloppe svg")).to_be_visible()
    await screenshots.take(page, "62-enveloppe")

    # The applications, filtered: the scored ones (the read models may lag the writer a moment).
    for _ in range(100):
        await page.goto(f"/fms/appels/{call_id}/candidatures")
        if "3 candidatures" in await page.locator("#compte").inner_text():
            break
        await asyncio.sleep(0.1)
    await expect(page.locator("#compte")).to_contain_text("3 candidatures")
    await page.get_by_label("Notation").select_option("oui")
    await submit(page, "Filtrer")
    await expect(page.locator("#compte")).to_contain_text("2 candidatures")
    await expect(page.locator("#candidatures")).to_contain_text("Projet Alpha")
    await expect(page.locator("#candidatures")).not_to_contain_text("Projet Charlie")
    await screenshots.take(page, "63-candidatures")

    # The what-if: an envelope of 4 000 € funds the first in full and the second in part.
    await page.get_by_role("link", name="Simulation").click()
    await page.get_by_label("Enveloppe simulée (€, facultatif)").fill("4 000,00")
    await submit(page, "Simuler")
    await expect(page.locator("#resultat")).to_contain_text("2 sur 2 (1 en entier, 1 en partie)")
    await expect(page.locator("#classement")).to_contain_text("financée en partie")
    await screenshots.take(page, "64-simulation")

    await page.goto(f"/fms/appels/{call_id}")
    await expect(page.locator("#chiffres")).to_contain_text("3 (3 entreprises)")
    await screenshots.take(page, "61-appel")
    await page.goto("/fms/appels")
    await expect(page.locator("#appels")).to_contain_text("Fonds Mutualisés Solidaires")
    await screenshots.take(page, "60-appels")
