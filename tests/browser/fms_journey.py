"""What the fund's whole path starts from, outside the browser (as the demo seed makes it): the
member enterprises in the register, and the served app's copy of the register caught up. The people
who sign in are made with `tests.browser.people.given_account`. Everything after is done through
pages; `press`, `letter_text` and `outbox_row` are the steps the test repeats."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from uuid import UUID

from playwright.async_api import Page
from pypdf import PdfReader

from services.training.application import TrainingApplication
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.helpers.assessment_api import make_siret


def training(writer: Platform) -> TrainingApplication:
    app = writer.application("training")
    assert isinstance(app, TrainingApplication)
    return app


def given_enterprise(writer: Platform, name: str, region: str = "NPC") -> str:
    """A member of the register, in the Accord Groupe since 2012."""
    membership = writer.application("membership")
    membership.establish_regions()
    member_id = membership.register_member(
        name=name,
        siret=make_siret(),
        forms=("AI",),
        region=region,
        joined_on=date(2012, 1, 1),
        contact=PersonalDetails(name="Accueil", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    ).id
    membership.join_accord_groupe(UUID(member_id), effective_on=date(2012, 1, 1))
    return str(member_id)


async def register_copied(writer: Platform) -> None:
    """Until the served app's copy of the register (training) has every member registered so far."""
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
    raise AssertionError("the training service's copy of the register did not catch up")


async def press(page: Page, button: str) -> None:
    """Click the form's button and wait for the page it leads to (a 303 and its GET, or the form again)."""
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()


async def letter_text(page: Page, link: str) -> str:
    """The PDF behind the link, downloaded by the browser, as text (spaces of every kind made plain)."""
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name=link).click()
    download = await download_info.value
    path = await download.path()
    content = await asyncio.to_thread(path.read_bytes)
    words = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\u00a0\u202f\u2009]", " ", words)


async def outbox_row(page: Page, recipient: str, kind_label: str, *, attempts: int = 100) -> None:
    """Staff's /courriels filtered on `recipient`, reloaded until a row of `kind_label` shows (the
    notification trigger runs in the served app's projection runner, after the approval's page)."""
    for _ in range(attempts):
        await page.goto(f"/courriels?destinataire={recipient}")
        if await page.get_by_role("row").filter(has_text=kind_label).count():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no « {kind_label} » e-mail to {recipient} in the outbox")
