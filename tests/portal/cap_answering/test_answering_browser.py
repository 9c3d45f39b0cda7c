"""A sub-theme answered on a phone, with the keyboard only, in a real Chromium (tests/browser's
fixtures): nothing wider than the screen, the error summary's link takes the focus to the field,
a level chosen with the arrow keys and the form sent with Enter."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from playwright.async_api import BrowserContext, Page

from shared.auth import Principal, Role
from shared.database import DatabaseAddress
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.browser.screenshots import PHONE_WIDTH
from tests.browser.session import Portal, sign_in_with_bearer
from tests.helpers.assessment_api import DOCUMENT, caught_up, make_siret


async def given_assessment(platform: Platform, database: DatabaseAddress) -> tuple[str, str, str]:
    """A member with an assessment in progress, its admin invited: (tenant, admin's id, assessment id)."""
    membership = platform.application("membership")
    membership.establish_regions()
    tenant = membership.register_member(
        name="AI Le Relais",
        siret=make_siret(),
        forms=("AI",),
        region="NPC",
        joined_on=date(2012, 1, 1),
        contact=PersonalDetails(name="Claire Martin", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    ).id
    cap = platform.application("assessment")
    cap.load_referential(DOCUMENT)
    aid = cap.start_assessment(
        tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None
    ).id
    subject = "claire"
    by = Principal(subject=subject, roles=frozenset({Role.MEMBER_ADMIN}), tenant=tenant)
    cap.invite_participant(
        UUID(aid), directory=None, by=by, participant_id=subject, name="Claire Martin", kind="staff", sub_themes=()
    )
    await caught_up(database.url())
    return tenant, subject, aid


async def fits_the_screen(page: Page) -> bool:
    return bool(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


async def test_a_sub_theme_on_a_phone_with_the_keyboard(
    context: BrowserContext,
    page: Page,
    portal: Portal,
    platform: Platform,
    database: DatabaseAddress,
) -> None:
    tenant, subject, aid = await given_assessment(platform, database)
    await sign_in_with_bearer(context, portal, "member_admin", tenant=tenant, subject=subject)
    await page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    await page.goto(f"/cap/{aid}/sous-themes/1.1")
    assert await fits_the_screen(page)

    # « À améliorer » ticked without a level: the page comes back with the summary at the top.
    await page.get_by_label("À améliorer").first.focus()
    await page.keyboard.press("Space")
    await page.get_by_role("button", name="Enregistrer", exact=True).focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert await summary.is_visible()
    assert await fits_the_screen(page)
    link = summary.get_by_role("link").first
    await link.focus()
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "niveau-1-1-1"

    # The level with the arrow keys (the radio group), then the form sent from the keyboard.
    await page.keyboard.press("ArrowDown")
    assert await page.evaluate("document.activeElement.id") == "niveau-1-1-1-2"
    assert await page.locator("#niveau-1-1-1-2").is_checked()
    await page.get_by_role("button", name="Enregistrer", exact=True).focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url("**fait=enregistre")
    assert "Vos réponses sont enregistrées." in await page.content()
    assert await page.locator("#niveau-1-1-1-2").is_checked()
    assert await page.locator("#ameliorer-1-1-1").is_checked()
