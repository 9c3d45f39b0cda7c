"""Every answer tells the server's own time (`Server-Timing: app;dur=<ms>`): what the portal's
benchmark measures, and what a browser's developer tools show beside the network's time."""

from __future__ import annotations

import re

from playwright.async_api import BrowserContext, Page

from tests.browser.people import Account
from tests.browser.session import Portal, sign_in_as

APP_DURATION = re.compile(r"^app;dur=\d+\.\d$")


async def test_a_page_and_an_api_answer_carry_the_server_time(
    context: BrowserContext, page: Page, portal: Portal, staff: Account
) -> None:
    await sign_in_as(page, staff)
    answer = await page.goto("/")
    assert answer is not None and answer.status == 200
    assert APP_DURATION.match(await answer.header_value("server-timing") or "")

    health = await context.request.get("/health")
    assert health.ok
    assert APP_DURATION.match(health.headers["server-timing"])
