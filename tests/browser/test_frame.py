"""The portal's frame in a real browser: sign-in redirect, French, keyboard, no CDN, phones."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page

from tests.browser.people import Account
from tests.browser.screenshots import PHONE_WIDTH
from tests.browser.session import Portal, Traffic, sign_in_as


async def test_an_anonymous_visitor_lands_on_the_sign_in_address(page: Page, portal: Portal) -> None:
    await page.goto("/")
    assert page.url == f"{portal.url}/connexion?suite=%2F"


async def test_a_signed_in_page_is_in_french(
    context: BrowserContext, page: Page, portal: Portal, staff: Account
) -> None:
    await sign_in_as(page, staff)
    answer = await page.goto("/")
    assert answer is not None and answer.status == 200
    assert page.url == f"{portal.url}/"
    assert await page.locator("html").get_attribute("lang") == "fr"
    assert await page.get_by_role("button", name="Se déconnecter").is_visible()


async def test_the_first_tab_shows_the_skip_link_which_leads_to_the_content(
    context: BrowserContext, page: Page, portal: Portal, staff: Account
) -> None:
    await sign_in_as(page, staff)
    await page.goto("/")
    skip = page.get_by_role("link", name="Aller au contenu")
    # Hidden off-screen until focused (Playwright calls an off-screen element visible: look at
    # where it is drawn).
    box = await skip.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0

    await page.keyboard.press("Tab")
    assert await skip.evaluate("link => link === document.activeElement")
    box = await skip.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]

    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "contenu"


async def test_the_style_sheet_comes_from_the_platform_and_nothing_leaves_it(
    context: BrowserContext, page: Page, portal: Portal, traffic: Traffic, staff: Account
) -> None:
    await sign_in_as(page, staff)
    async with page.expect_response(f"{portal.url}/static/portal.css") as sheet:
        await page.goto("/")
    answer = await sheet.value
    assert answer.ok and answer.headers["content-type"].startswith("text/css")
    # Loaded and applied: the skip link is placed by the sheet.
    assert await page.get_by_role("link", name="Aller au contenu").evaluate("a => getComputedStyle(a).position") == (
        "absolute"
    )
    await page.wait_for_load_state("networkidle")
    assert f"{portal.url}/" in traffic.urls
    assert traffic.foreign() == []


async def test_an_address_outside_the_portal_is_caught_and_not_sent(
    page: Page, portal: Portal, traffic: Traffic
) -> None:
    # What the check above would see of a page that loads its fonts from a CDN.
    await page.goto("/nulle-part")
    await page.evaluate(
        """() => new Promise(done => {
            const link = Object.assign(document.createElement("link"),
                {rel: "stylesheet", href: "https://cdn.example.org/fonts.css"});
            link.onerror = link.onload = done;
            document.head.append(link);
        })"""
    )
    assert traffic.foreign() == ["https://cdn.example.org/fonts.css"]


async def test_a_page_fits_a_phone_without_scrolling_sideways(
    context: BrowserContext, page: Page, portal: Portal, staff: Account
) -> None:
    await sign_in_as(page, staff)
    await page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    await page.goto("/")
    widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == PHONE_WIDTH


async def test_signing_in_through_the_form_opens_a_session_that_signing_out_ends(
    context: BrowserContext, page: Page, portal: Portal, staff: Account
) -> None:
    await sign_in_as(page, staff, suite="/courriels")
    assert page.url == f"{portal.url}/courriels"
    cookies = {cookie["name"]: cookie for cookie in await context.cookies()}
    assert cookies["coorace_session"]["httpOnly"]
    async with page.expect_navigation():
        await page.get_by_role("button", name="Se déconnecter").click()
    await page.goto("/")
    assert page.url == f"{portal.url}/connexion?suite=%2F"
