"""Browser tests: the real app served on a localhost port, driven by a real headless Chromium.

Fixtures: `portal` (the served app of the test's database: its URL and tokens), `browser` (one
Chromium for the session; the tests fail, never skip, when it cannot start), `context` and `page`
(a fresh French browser profile per test, 1280 px wide), `contexts` (more profiles, for a test
with several people at once), `traffic` (every address the pages asked for), `screenshots` (PNGs
for the README), `staff` (a national staff member of the directory, with a password), `writer` (the services'
applications, to set a scenario up).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

from shared.auth import TokenService
from shared.config import Settings
from shared.database import DatabaseAddress
from shared.platform import Platform
from tests.browser.chromium import ChromiumUnavailable, launch
from tests.browser.people import Account, given_account
from tests.browser.screenshots import DESKTOP_WIDTH, Screenshots
from tests.browser.server import served
from tests.browser.session import Portal, Traffic

# A test waits this long for an element or a page, not Playwright's 30 s: a missing element
# fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        try:
            chromium = await launch(playwright)
        except ChromiumUnavailable as error:
            pytest.fail(str(error), pytrace=False)
        yield chromium
        await chromium.close()


@pytest.fixture
async def portal(database: DatabaseAddress, settings: Settings) -> AsyncIterator[Portal]:
    from services.bootstrap import build_platform
    from shared.app_factory import create_app

    platform = build_platform(settings=settings, database=database)
    async with served(create_app(platform, run_projections=True)) as url:
        yield Portal(url, TokenService(settings))


@pytest.fixture
async def traffic(portal: Portal) -> Traffic:
    return Traffic(origin=portal.url)


async def _new_context(browser: Browser, traffic: Traffic) -> BrowserContext:
    context = await browser.new_context(
        locale="fr-FR", base_url=traffic.origin, viewport={"width": DESKTOP_WIDTH, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.on("request", traffic.record)

    async def keep_local(route: Route) -> None:
        # Recorded above, and never sent: a page that asks a CDN fails its test, and no test
        # waits on an address the closed network does not answer.
        if traffic.is_local(route.request.url):
            await route.continue_()
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", keep_local)
    return context


@pytest.fixture
async def context(browser: Browser, portal: Portal, traffic: Traffic) -> AsyncIterator[BrowserContext]:
    context = await _new_context(browser, traffic)
    yield context
    await context.close()


@pytest.fixture
async def contexts(
    browser: Browser, portal: Portal, traffic: Traffic
) -> AsyncIterator[Callable[[], Awaitable[BrowserContext]]]:
    """Another person's browser (its own cookies), as many as the test asks for."""
    opened: list[BrowserContext] = []

    async def new() -> BrowserContext:
        opened.append(await _new_context(browser, traffic))
        return opened[-1]

    yield new
    for context in opened:
        await context.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


@pytest.fixture
def screenshots(tmp_path: Path) -> Screenshots:
    return Screenshots(tmp_path / "screenshots")


@pytest.fixture
async def writer(database: DatabaseAddress, settings: Settings) -> AsyncIterator[Platform]:
    """The services' write side on the served database, to make what a scenario starts from (as the
    demo seed does). Never started: no pools of its own beside the served app's (the test server's
    connections are shared with other runs)."""
    from services.bootstrap import build_platform

    platform = build_platform(settings=settings, database=database)
    yield platform
    await platform.stop()


@pytest.fixture
async def staff(writer: Platform, portal: Portal) -> Account:
    return await given_account(writer, portal, "anne.lefevre@exemple.fr", "Anne Lefèvre", "national_staff")
