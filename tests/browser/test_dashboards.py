"""The dashboards in a real Chromium, on the demo's 2015 network (the register's, the directory's
and le Cap's demo seeds, as `coorace serve --demo` makes them): national staff read the network
(members per region with the report's map buckets, then le Cap's tab, then the network as of an
earlier date); the region's delegate reads their region, its members, le Cap's progress and the
follow-up feed, and opens an overdue action's plan from it; another region's address is the 404
page for them.

Screenshots (30- to 33-) for the README's "A first look"."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import asyncpg
from playwright.async_api import BrowserContext, Page, expect

from services.assessment.demo.seed import seed_assessment_demo
from services.membership.demo.seed import seed_membership_demo
from services.people.demo.seed import DEMO_PASSWORD, seed_people_demo
from shared.platform import Platform
from shared.projection import head_position
from tests.browser.people import Account
from tests.browser.screenshots import PHONE_WIDTH, Screenshots
from tests.browser.session import Portal, Traffic, sign_in_as

NOT_FOUND = "Page introuvable"


def _quiet(*_: object) -> None:
    """The seeds' progress lines: not in a test's output."""


async def given_demo_network(writer: Platform) -> str:
    """The demo's register, people and le Cap; the delegate's region (le Cap's demo region). The
    seeds read their services' projections (as `coorace demo seed` does on a started platform): the
    writer starts, without runners (the served app's run), and the fixture stops it."""
    await writer.start()
    for seed in (seed_membership_demo, seed_people_demo, seed_assessment_demo):
        started = time.perf_counter()
        await asyncio.to_thread(seed, writer, _quiet)
        print(f"{seed.__name__}: {time.perf_counter() - started:.1f} s")
    await read_models_caught_up(writer)
    people = writer.application("people")
    delegate = people.person_with_email("delegue@demo.coorace.fr")
    assert delegate is not None, "the demo has no regional delegate"
    return str(people.person(delegate).region)


async def read_models_caught_up(platform: Platform) -> None:
    """Until the served app's read models show the seeds: every live read model of the register,
    the directory and le Cap has applied its source's last event."""
    conn = await asyncpg.connect(platform.database.url())
    try:
        for _ in range(3000):
            behind = 0
            for service in ("membership", "people", "assessment"):
                for store, projection in platform.projections[service]:
                    if not projection.tables:
                        continue  # a projection that only sends (a notification) is no page's to wait for
                    live = await store.live(conn, projection)
                    behind += int(live is None or live["position"] < await head_position(conn, projection.source))
            if not behind:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the served app's read models did not catch up with the demo seeds")
    finally:
        await conn.close()


def demo_account(email: str) -> Account:
    """A demo account signs in with the demo's password (only the e-mail and password are used)."""
    from uuid import UUID

    return Account(UUID(int=0), email, email, "", password=DEMO_PASSWORD)


async def choose_date(page: Page, day: str) -> None:
    await page.get_by_label("Date des chiffres").fill(day)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Afficher").click()


async def fits_a_phone(page: Page) -> None:
    """The page at a phone's width scrolls down only: charts shrink, wide tables scroll in their box."""
    previous = page.viewport_size
    await page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    try:
        widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == PHONE_WIDTH, (page.url, widths)
    finally:
        if previous:
            await page.set_viewport_size(previous)


async def cell(page: Page, table_id: str, row: str, column: int) -> str:
    found = page.locator(f"#{table_id} tbody tr").filter(has=page.get_by_role("rowheader", name=row, exact=True))
    return (await found.locator("td").nth(column).inner_text()).strip()


async def test_staff_read_the_network_and_a_delegate_follows_their_region_up(
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    traffic: Traffic,
    screenshots: Screenshots,
) -> None:
    region = await given_demo_network(writer)

    # National staff open the network's dashboard from the header.
    await sign_in_as(page, demo_account("national@demo.coorace.fr"))
    await page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Réseau").click()
    await expect(page.get_by_role("heading", level=1, name="Le réseau")).to_be_visible()
    assert await cell(page, "tableau-regions", "Nord-Pas-de-Calais", 1) == "plus de 60"
    assert await cell(page, "tableau-regions", "Guyane outre-mer", 1) in ("1–15", "aucun adhérent")
    regions_chart = page.locator("#graphique-adherents-par-region svg")
    await expect(regions_chart).to_be_visible()
    assert await regions_chart.locator("rect").count() == await page.locator("#tableau-regions tbody tr").count()
    await expect(page.locator("#graphique-certifications")).to_contain_text("CEDRE et ISO 9001")
    await expect(page.locator("#jauge-accord-groupe")).to_be_visible()
    await screenshots.take(page, "30-reseau")
    await fits_a_phone(page)
    today_npc = int(await cell(page, "tableau-regions", "Nord-Pas-de-Calais", 0))

    # le Cap's tab: levels by theme and the services most needed.
    await page.get_by_role("navigation", name="Tableaux de bord").get_by_role("link", name="le Cap").click()
    assert urlsplit(page.url).path == "/reseau/cap"
    await expect(page.locator("#tableau-themes tbody tr").first).to_be_visible()
    await expect(page.locator("#graphique-services svg")).to_be_visible()
    assert await page.locator("#tableau-services tbody tr").count() >= 1
    await screenshots.take(page, "31-reseau-cap", whole=False)

    # The register's tab as of an earlier date: the date stays with the tabs.
    await page.get_by_role("navigation", name="Tableaux de bord").get_by_role("link", name="Adhérents").click()
    await choose_date(page, "2005-12-31")
    assert page.url.endswith("/reseau?as_of=2005-12-31"), page.url
    await expect(page.get_by_text("Au 31 décembre 2005")).to_be_visible()
    assert int(await cell(page, "tableau-regions", "Nord-Pas-de-Calais", 0)) < today_npc  # fewer had joined
    await expect(page.get_by_role("link", name="le Cap")).to_have_attribute("href", "/reseau/cap?as_of=2005-12-31")
    # The date field takes calendar dates only; an address typed by hand is answered beside the field.
    answer = await page.goto("/reseau?as_of=2005-02-30")
    assert answer is not None and answer.status == 400
    await expect(page.get_by_role("heading", name="Il y a un problème")).to_be_visible()
    await expect(page.locator("#as_of-erreur")).to_contain_text("n'est pas une date du calendrier")

    # The region's delegate: their region, its members, le Cap's progress and the feed.
    desk = await (await contexts()).new_page()
    await sign_in_as(desk, demo_account("delegue@demo.coorace.fr"))
    await desk.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Ma région").click()
    await expect(desk.get_by_role("heading", level=1)).to_contain_text("Région ")
    assert await desk.locator("#tableau-adherents tbody tr").count() == 50  # the first page
    await expect(desk.get_by_role("link", name=re.compile("^Page suivante"))).to_be_visible()
    assert await desk.locator("#tableau-adherents a").count() == 0  # the register's pages are staff's
    await screenshots.take(desk, "32-region", whole=False)
    await desk.get_by_role("navigation", name="Tableaux de bord").get_by_role("link", name="le Cap").click()
    assert urlsplit(desk.url).path == "/region/cap"
    await expect(desk.get_by_role("heading", name="À suivre dans la région")).to_be_visible()
    await expect(desk.locator("#suivi-en-panne li").first).to_be_visible()
    await expect(desk.locator("#suivi-relectures").get_by_role("link").first).to_have_attribute("href", "/relectures")
    await screenshots.take(desk, "33-region-cap", whole=False)
    await fits_a_phone(desk)
    overdue = desk.locator("#suivi-en-retard").get_by_role("link", name=re.compile("^voir le plan"))
    await overdue.first.click()
    await expect(desk.get_by_role("heading", level=1)).to_be_visible()
    assert re.fullmatch(r"/cap/[0-9a-f-]{36}/plan", urlsplit(desk.url).path), desk.url

    # Another region's dashboard is the 404 page for them, on both tabs.
    other = "IDF" if region != "IDF" else "NPC"
    for path in (f"/region/{other}", f"/region/cap/{other}"):
        answer = await desk.goto(path)
        assert answer is not None and answer.status == 404, path
        await expect(desk.get_by_role("heading", level=1, name=NOT_FOUND)).to_be_visible()
    answer = await desk.goto("/reseau")
    assert answer is not None and answer.status == 403
    assert traffic.foreign() == []
