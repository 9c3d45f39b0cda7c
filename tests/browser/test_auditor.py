"""An audit in a real Chromium, as people do it (issue 11, auditors).

National staff grant an auditor of the directory access to a member's assessments on /audit/acces;
the auditor signs in, finds the assessment on /audit, opens its timeline, goes back to an earlier
version and sees an answer as it was then (different from today's), opens the diff between the two
moments; staff then see the auditor's reads on /audit/lectures. An auditor without a grant, signed
in, gets the 404 page on the same addresses.

The scenario's starting point (a member, its assessment answered, one answer changed, submitted) is
made through le Cap's application, as the demo seed does.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import BrowserContext, Page, expect

from shared.auth import Principal, Role
from shared.events import command_context
from shared.platform import Platform
from tests.browser.journey import given_member
from tests.browser.people import Account, given_account
from tests.browser.screenshots import Screenshots
from tests.browser.session import Portal, Traffic, sign_in_as
from tests.helpers.assessment_api import CODES, caught_up

CHANGED = CODES[0]
FIRST_LEVEL, LAST_LEVEL = 2, 4
NOT_FOUND = "Page introuvable"


def given_answered(writer: Platform, tenant: str, admin: Account) -> tuple[str, int]:
    """An assessment answered at level 2 everywhere, then one answer changed to 4, submitted: its id
    and the version where every indicator had its first answer."""
    app: Any = writer.application("assessment")
    by = Principal(subject=admin.subject, roles=frozenset({Role.MEMBER_ADMIN}), tenant=tenant)
    with command_context(actor_id=admin.subject, actor_role="member_admin", tenant_id=tenant, correlation_id=None):
        assessment = app.start_assessment(
            tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None
        ).id
        app.invite_participant(
            assessment, directory=None, by=by, participant_id=admin.subject, name=None, kind="staff", sub_themes=()
        )
        for code in CODES:
            first = app.answer(assessment, by=by, indicator=code, participant_id=admin.subject, level=FIRST_LEVEL)
        app.answer(assessment, by=by, indicator=CHANGED, participant_id=admin.subject, level=LAST_LEVEL)
        app.submit(assessment, by=by)
    return str(assessment), first.version


def level_cell(page: Page) -> Any:
    return page.locator(f"tr#indicateur-{CHANGED.replace('.', '-')} td").nth(1)


async def test_an_auditor_moves_along_the_timeline_sees_an_earlier_answer_and_staff_see_the_reads(
    page: Page,
    contexts: Callable[[], Awaitable[BrowserContext]],
    portal: Portal,
    writer: Platform,
    staff: Account,
    traffic: Traffic,
    screenshots: Screenshots,
) -> None:
    member = await given_member(writer, "AI Le Relais")
    admin = await given_account(
        writer, portal, "claire.martin@relais-lens.fr", "Claire Martin", "member_admin", tenant=member.id
    )
    auditor = await given_account(writer, portal, "aude.verif@cabinet-audit.fr", "Aude Vérif", "auditor")
    outsider = await given_account(writer, portal, "paul.sansacces@cabinet-audit.fr", "Paul Sansaccès", "auditor")
    assessment_id, answered_first = given_answered(writer, member.id, admin)
    await caught_up(writer.database.url())

    # National staff grant the auditor access to the member's assessments.
    await sign_in_as(page, staff, "/audit/acces")
    form = page.locator('form[action="/audit/acces"]')
    await form.get_by_label("Auditeur·rice").select_option(auditor.subject)
    await form.get_by_label("Adhérent (toutes ses évaluations)").select_option(member.id)
    await form.get_by_label("Dernier jour (inclus)").fill("2100-12-31")
    await form.get_by_label("Motif").fill("Contrôle de la démarche le Cap 2026")
    async with page.expect_navigation():
        await form.get_by_role("button", name="Habiliter").click()
    await expect(page.get_by_text("L'habilitation de Aude Vérif est enregistrée.")).to_be_visible()
    await expect(page.get_by_role("cell", name="Contrôle de la démarche le Cap 2026")).to_be_visible()

    # The auditor signs in, opens the assessment's timeline.
    auditing = await (await contexts()).new_page()
    await sign_in_as(auditing, auditor, "/audit")
    await expect(auditing.get_by_role("cell", name="Contrôle de la démarche le Cap 2026")).to_be_visible()
    async with auditing.expect_navigation():
        await auditing.get_by_role("link", name=re.compile("^Chronologie")).first.click()
    assert auditing.url.endswith(f"/audit/cap/{assessment_id}")
    await expect(auditing.get_by_role("heading", level=1)).to_have_text("Chronologie de l'évaluation de AI Le Relais")
    await expect(auditing.get_by_role("cell", name="Évaluation commencée — référentiel 2016.1")).to_be_visible()
    await expect(auditing.get_by_role("cell", name="Claire Martin").first).to_be_visible()
    await screenshots.take(auditing, "50-audit-chronologie", whole=False)

    # An earlier version, picked on the timeline: the answer as it was then.
    async with auditing.expect_navigation():
        await auditing.get_by_role("link", name=f"Voir la version {answered_first}", exact=True).click()
    await expect(auditing.get_by_role("heading", level=1)).to_contain_text(f"à la version {answered_first}")
    await expect(level_cell(auditing)).to_have_text(str(FIRST_LEVEL))
    await screenshots.take(auditing, "51-audit-etat", whole=False)
    # The next versions, one link at a time, up to today's answer.
    async with auditing.expect_navigation():
        await auditing.get_by_role("link", name=f"Version suivante ({answered_first + 1})").click()
    await expect(level_cell(auditing)).to_have_text(str(LAST_LEVEL))
    # The same moment chosen by the form.
    await auditing.get_by_label(re.compile("^Version \\(de 1 à")).fill(str(answered_first))
    async with auditing.expect_navigation():
        await auditing.get_by_role("button", name="Voir cette version").click()
    await expect(level_cell(auditing)).to_have_text(str(FIRST_LEVEL))

    # The diff between the two moments.
    async with auditing.expect_navigation():
        await auditing.get_by_role("link", name="Écarts", exact=True).click()
    await auditing.get_by_label(re.compile("^De ")).fill(str(answered_first))
    async with auditing.expect_navigation():
        await auditing.get_by_role("button", name="Comparer").click()
    # The answers' table comes first (the plan's table has a row for the indicator too).
    changed = auditing.locator("tr", has=auditing.get_by_role("rowheader", name=CHANGED, exact=True)).first
    await expect(changed).to_contain_text("réponse modifiée")
    await expect(changed).to_contain_text(f"niveau {FIRST_LEVEL}")
    await expect(changed).to_contain_text(f"niveau {LAST_LEVEL}")
    await screenshots.take(auditing, "52-audit-ecarts", whole=False)

    # An auditor without a grant finds nothing there.
    refused = await (await contexts()).new_page()
    await sign_in_as(refused, outsider, "/audit")
    for path in ("", "/etat", f"/etat?version={answered_first}", "/ecarts"):
        answer = await refused.goto(f"/audit/cap/{assessment_id}{path}")
        assert answer is not None and answer.status == 404, path
        await expect(refused.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)

    # Staff see the auditor's reads.
    await caught_up(writer.database.url())
    await page.goto("/audit/lectures")
    await page.get_by_label("Auditeur·rice").select_option(auditor.subject)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("tbody tr")
    await expect(rows.first).to_contain_text("Aude Vérif")
    await expect(page.get_by_text(f"/audit/cap/{assessment_id}/etat?version={answered_first}").first).to_be_visible()
    await expect(page.get_by_text(f"/audit/cap/{assessment_id}/ecarts").first).to_be_visible()
    assert "Paul Sansaccès" not in await page.locator("tbody").inner_text()
    await screenshots.take(page, "53-audit-lectures", whole=False)
    assert traffic.foreign() == []
