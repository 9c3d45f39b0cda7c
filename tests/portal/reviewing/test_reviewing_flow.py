"""A delegate reviews an assessment in the portal: the list of reviews asked, the review's summary,
a sub-theme's answers with a comment and a proposal, the confirmation, the completion; then the
member's team sees the proposal on its own review page."""

from __future__ import annotations

import re
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import CODES, cap_app, principal, read
from tests.helpers.people import given_person, in_directory
from tests.portal.cap_answering.pages import page, redirected_to, shown, submit
from tests.portal.reviewing.scenario import given_review, version_of


async def test_a_delegate_reads_comments_proposes_and_completes_and_the_member_sees_the_proposal(api: Api) -> None:
    review = await given_review(api)
    delegate, home = review.delegate, review.address

    listing = await page(api, "/relectures", delegate)
    assert "AI Le Relais" in listing and f'href="{home}"' in listing
    assert "en relecture" in listing and "en attente" in listing and "En attente (1)" in listing

    summary = await page(api, home, delegate)
    assert "Relecture de l'auto-évaluation — AI Le Relais" in summary
    assert "0 indicateurs commentés sur 38" in summary
    assert f'href="{home}/1.1"' in summary and f'href="{home}/terminer"' in summary

    # The sub-theme: the question, its help, the assessment's level in words, the team's answers.
    sheet = f"{home}/1.1"
    shown_sheet = await page(api, sheet, delegate)
    assert "Les instances de gouvernance" in shown_sheet  # 1.1.1's question
    assert "Répondez à partir des comptes rendus" in shown_sheet  # its help
    assert re.search(r"<dd>2\. [^<(]+ \(réponse commune\)</dd>", shown_sheet), "the level in words"
    assert "Équipe" in shown_sheet  # the participant who answered, by name
    assert shown_sheet.count('name="indicateur"') == len([c for c in CODES if c.startswith("1.1.")])  # one form each

    # A comment on 1.1.1, then a proposal of level 3 on 1.1.2, each shown in place.
    commented = redirected_to(
        await submit(api, sheet, sheet, delegate, {"indicateur": "1.1.1", "commentaire-1-1-1": "CR du CA lus"})
    )
    assert commented == f"{sheet}#indicateur-1-1-1"
    proposal = {
        "indicateur": "1.1.2",
        "commentaire-1-1-2": "Le projet est affiché",
        "niveau-1-1-2": "3",
        "raison-1-1-2": "vu en visite",
    }
    redirected_to(await submit(api, sheet, sheet, delegate, proposal))
    after = await page(api, sheet, delegate)
    assert "« CR du CA lus »" in after
    assert "« Le projet est affiché » — proposition du niveau « 3." in after and "» : vu en visite" in after
    assert "en attente de la décision de l'équipe" in after

    summary = await page(api, home, delegate)
    assert "2 indicateurs commentés sur 38, 1 proposition de niveau." in summary
    assert "en cours" in await page(api, "/relectures", delegate)

    # The confirmation lists the proposal; completing it is one command.
    confirm = f"{home}/terminer"
    listed = await page(api, confirm, delegate)
    assert "Vos propositions de niveau (1)" in listed and "vu en visite" in listed and "1.1.2" in listed
    before = await version_of(api, review)
    done = redirected_to(await submit(api, confirm, confirm, delegate, {"synthese": "Belle dynamique collective."}))
    assert done == home
    assert await version_of(api, review) == before + 1
    completed = await page(api, home, delegate)
    assert "La relecture est terminée : elle se lit" in completed and "Belle dynamique collective." in completed
    assert f'href="{home}/terminer"' not in completed
    read_only = await page(api, sheet, delegate)
    assert 'name="indicateur"' not in read_only and "« CR du CA lus »" in read_only
    assert "Terminées (1)" in await page(api, "/relectures", delegate)

    # The member's team sees the proposal, to decide on it.
    decisions = await page(api, f"/cap/{review.assessment_id}/relecture", review.boss)
    assert "vu en visite" in decisions and "à décider" in decisions and "Belle dynamique collective." in decisions


async def test_national_staff_read_every_review_without_a_form(api: Api) -> None:
    review = await given_review(api)
    staff = api.staff
    listing = await page(api, "/relectures", staff)
    assert "AI Le Relais" in listing and "délégué·e régional·e Yann Kerouac" in listing
    sheet = await page(api, f"{review.address}/2.1", staff)
    assert "Lecture seule" in sheet and 'name="indicateur"' not in sheet
    before = await version_of(api, review)
    refused = await submit(
        api, f"{review.address}/2.1", f"{review.address}/2.1", staff, {"indicateur": "2.1.1", "commentaire-2-1-1": "x"}
    )
    assert refused.status_code == 403 and "seul le relecteur" in shown(refused)
    assert await version_of(api, review) == before


async def test_a_trainer_reviews_too_and_a_validated_assessment_is_read_only(api: Api) -> None:
    review = await given_review(api)
    trainer_id = given_person(api, "trainer", region="NPC", name="Nadia Benali")
    await in_directory(api)
    app = cap_app(api)
    asked = app.request_review(
        UUID(review.assessment_id),
        by=principal(review.tenant),
        kind="third_party",
        reviewer_id=trainer_id,
        directory=api.client.app.state.platform.application("people"),
    )
    await read(api, f"/assessments/{review.assessment_id}", review.boss, wait_for=asked.notification_id)
    trainer = api.token("trainer", region="NPC", subject=trainer_id)
    address = f"/relectures/{review.assessment_id}/r{asked.version}"
    listing = await page(api, "/relectures", trainer)
    assert f'href="{address}"' in listing and f'href="{review.address}"' not in listing
    sheet = f"{address}/2.2"
    redirected_to(
        await submit(api, sheet, sheet, trainer, {"indicateur": "2.2.1", "commentaire-2-2-1": "Ancrage fort"})
    )
    for reviewer, done in ((trainer, address), (review.delegate, review.address)):
        redirected_to(await submit(api, f"{done}/terminer", f"{done}/terminer", reviewer))
    validated = app.validate(UUID(review.assessment_id), by=principal(review.tenant))
    await read(api, f"/assessments/{review.assessment_id}", review.boss, wait_for=validated.notification_id)
    after = await page(api, sheet, trainer)
    assert "« Ancrage fort »" in after and 'name="indicateur"' not in after
    assert "validée" in await page(api, address, trainer)
