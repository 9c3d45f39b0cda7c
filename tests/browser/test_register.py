"""National staff's register in a real Chromium (issue 11): a staff member signs in, finds the
register, registers a member through the form, certifies it, records the dues called and paid, and
reads the record's history; a regional delegate and a member's admin, signed in, are refused.
Screenshots 40-43 for the README's "A first look"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import BrowserContext, Page, expect

from shared.platform import Platform
from tests.browser.journey import given_member
from tests.browser.people import Account, given_account
from tests.browser.screenshots import Screenshots
from tests.browser.session import Portal, Traffic, sign_in_as
from tests.helpers.siret import fresh_siret


async def press(page: Page, button: str, notice: str) -> None:
    """Send the page's form by its button; the page it lands on shows the notice."""
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()
    await expect(page.get_by_role("status")).to_contain_text(notice)


async def test_staff_register_a_member_certify_it_record_its_dues_and_read_its_history(
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    staff: Account,
    traffic: Traffic,
    screenshots: Screenshots,
) -> None:
    neighbour = await given_member(writer, "Chantier Les Quatre Vents")
    siret = fresh_siret()

    # The register, from the header's link.
    await sign_in_as(page, staff)
    await page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Registre").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Registre des adhérents")
    await expect(page.get_by_role("link", name=neighbour.name)).to_be_visible()

    # A member registered through the form.
    await page.get_by_role("link", name="Enregistrer un adhérent").click()
    await page.get_by_label("Nom de l'entreprise").fill("Atelier Solidaire de Roubaix")
    await page.get_by_label("SIRET").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    await page.get_by_label("Forme principale").select_option("ACI")
    await page.get_by_label("Entreprise d'insertion (EI)").check()
    await page.get_by_label("Région").select_option("NPC")
    await page.get_by_label("Ville du siège").fill("Roubaix")
    await page.get_by_label("Date d'adhésion").fill("2024-01-15")
    await page.get_by_label("Nom du contact").fill("Inès Lefebvre")
    await page.get_by_label("Courriel du contact").fill("ines@atelier-roubaix.fr")
    await page.get_by_label("Téléphone du contact").fill("03 20 00 00 00")
    await press(page, "Enregistrer l'adhérent", "Atelier Solidaire de Roubaix est enregistré au registre.")
    record_url = page.url
    await expect(page.get_by_role("heading", level=1)).to_have_text("Atelier Solidaire de Roubaix")
    await expect(page.locator(".summary-list")).to_contain_text(siret)

    # Found again in the list by its SIRET.
    await page.goto("/registre")
    await page.get_by_label("Nom ou SIRET").fill(siret)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Chercher").click()
    await expect(page.get_by_role("link", name="Atelier Solidaire de Roubaix")).to_be_visible()
    await expect(page.get_by_role("link", name=neighbour.name)).to_have_count(0)
    await page.goto("/registre")
    await screenshots.take(page, "40-registre")

    # Certified: a CEDRE + ISO 9001 certificate, with its dates.
    await page.goto(record_url)
    await page.get_by_role("link", name="Enregistrer une certification").click()
    await page.get_by_label("CEDRE et ISO 9001").check()
    await page.get_by_label("Date d'obtention").fill("2025-03-01")
    await page.get_by_label("Date d'expiration").fill("2028-03-01")
    await screenshots.take(page, "42-certification")
    await press(page, "Enregistrer la certification", "La certification est enregistrée.")
    await expect(page.locator(".member-certification")).to_contain_text("CEDRE et ISO 9001 (individuelle)")
    await expect(page.locator(".member-certification")).to_contain_text("1er mars 2028")

    # A refusal comes back beside its field: a payment before any call.
    await page.get_by_role("link", name="Enregistrer l'appel de cotisation").click()
    await page.get_by_label("Année de cotisation").fill("2025")
    await page.get_by_label("Montant en euros").fill("1 200")
    await press(page, "Enregistrer l'appel", "L'appel de cotisation est enregistré.")
    await page.get_by_role("link", name="Enregistrer un paiement de cotisation").click()
    await expect(page.get_by_label("Montant en euros")).to_have_value("1200,00")  # what is left to pay
    await page.get_by_label("Montant en euros").fill("1 500")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Enregistrer le paiement").click()
    await expect(page.locator("#montant-erreur")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("Il y a un problème")
    await page.get_by_label("Montant en euros").fill("1 200")
    await page.get_by_label("Date du paiement").fill("2025-04-10")
    await press(page, "Enregistrer le paiement", "Le paiement est enregistré.")
    dues = page.locator("table.member-dues tbody tr").first
    await expect(dues).to_contain_text("2025")
    await expect(dues).to_contain_text("1\u202f200,00\u00a0€")
    await expect(dues.locator("td").last).to_have_text("0,00\u00a0€")
    await screenshots.take(page, "41-fiche-adherent")

    # The history: each change with its effective date, when it was recorded and by whom.
    await page.get_by_role("link", name="Voir l'historique de la fiche").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Historique de la fiche")
    rows = page.locator("table.history tbody tr")
    await expect(rows).to_have_count(4)
    await expect(rows.first).to_contain_text("Cotisation payée")
    await expect(rows.first).to_contain_text("10 avril 2025")
    await expect(rows.last).to_contain_text("Adhésion enregistrée")
    await expect(rows.last).to_contain_text("15 janvier 2024")
    await expect(rows.last).to_contain_text("équipe nationale")
    await expect(rows.last).to_contain_text(staff.name)  # who, by the directory's name
    await screenshots.take(page, "43-historique")

    # A regional delegate and a member's admin, signed in, are refused the register.
    delegate = await given_account(
        writer, portal, "yann.kerouac@coorace.fr", "Yann Kerouac", "regional_delegate", region="NPC"
    )
    admin = await given_account(
        writer, portal, "paul.girard@quatre-vents.fr", "Paul Girard", "member_admin", tenant=neighbour.id
    )
    for person in (delegate, admin):
        other = await (await contexts()).new_page()
        await sign_in_as(other, person)
        await expect(other.get_by_role("link", name="Registre")).to_have_count(0)
        for path in ("/registre", record_url.removeprefix(portal.url)):
            answer = await other.goto(path)
            assert answer is not None and answer.status == 403, (person.role, path)
            await expect(other.get_by_role("heading", level=1)).to_have_text("Accès refusé")
            await expect(other.get_by_text("Atelier Solidaire de Roubaix")).to_have_count(0)

    assert traffic.foreign() == []
