"""A form sent from a page that has gone stale is refused (409) with the fresh page and nothing
written: a settlement, a proposal decision, a submission, a validation (the page's assessment
version), and one's own answer that changed meanwhile; a colleague's answer does not make one's
own sub-theme stale."""

from __future__ import annotations

from uuid import UUID

from shared.eventstore import CommandResult
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    admin,
    answer_everything,
    cap_app,
    contributor,
    given_member,
    given_referential,
    given_started,
    principal,
    read,
)
from tests.portal.cap_answering.pages import page, post, redirected_to, shown, submit

STALE = "Quelqu'un a modifié cette auto-évaluation pendant que vous la lisiez : voici la version à jour."


async def version_of(api: Api, aid: str, headers: dict[str, str]) -> int:
    return int((await read(api, f"/assessments/{aid}", headers))["version"])


async def given_team(api: Api, tenant: str) -> str:
    """An assessment in progress, the admin and Marie invited to every sub-theme; its id."""
    aid = (await given_started(api, tenant))["id"]
    app, by = cap_app(api), principal(tenant)
    for participant in (by.subject, "marie"):
        last = app.invite_participant(
            UUID(aid), directory=None, by=by, participant_id=participant, name=participant, kind="staff", sub_themes=()
        )
    await read(api, f"/assessments/{aid}", admin(api, tenant), wait_for=last.notification_id)
    return str(aid)


async def caught_up(api: Api, aid: str, tenant: str, result: CommandResult) -> None:
    await read(api, f"/assessments/{aid}", admin(api, tenant), wait_for=result.notification_id)


async def test_a_settlement_from_a_stale_page_is_refused_with_the_fresh_page_then_works(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = await given_team(api, tenant)
    app, by = cap_app(api), principal(tenant)
    app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id=None, level=2)
    await caught_up(api, aid, tenant, app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id="marie", level=3))
    disagreements = f"/cap/{aid}/desaccords"
    read_before = await page(api, disagreements, boss)

    # Meanwhile Marie changes her mind on 1.1.1.
    changed = app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id="marie", level=4, comment="revu")
    await caught_up(api, aid, tenant, changed)
    version = await version_of(api, aid, boss)
    data = {"niveau": "3", "raison": "vu en réunion", "pratique": "planned"}
    refused = await post(api, read_before, f"{disagreements}/1.1.1", boss, data)
    assert refused.status_code == 409
    fresh = shown(refused)
    assert STALE in fresh and "revu" in fresh  # the message and Marie's new answer
    assert 'value="3" checked' in fresh and "vu en réunion" in fresh  # what was chosen is kept
    assert await version_of(api, aid, boss) == version

    # From the fresh page, the same settlement goes through.
    redirected_to(await post(api, refused.text, f"{disagreements}/1.1.1", boss, data))
    settled = (await read(api, f"/assessments/{aid}/answers", boss))["answers"]
    answer = next(a for a in settled if a["indicator"] == "1.1.1")
    assert (answer["level"], answer["practice"], answer["source"]) == (3, "planned", "settled")


async def test_a_submission_from_a_stale_page_is_refused_and_one_without_a_version_too(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = (await given_started(api, tenant))["id"]
    last = answer_everything(api, tenant, aid, level=2)
    await caught_up(api, aid, tenant, last)
    check = f"/cap/{aid}/soumission"
    read_before = await page(api, check, boss)
    flagged = cap_app(api).mark_revisit(
        UUID(aid), by=principal(tenant), indicator="1.1.1", participant_id=None, revisit=True
    )
    await caught_up(api, aid, tenant, flagged)
    version = await version_of(api, aid, boss)

    refused = await post(api, read_before, check, boss)
    assert refused.status_code == 409
    assert STALE in shown(refused) and "1.1.1" in shown(refused)  # the fresh page shows the flag
    assert 'href="#formulaire"' in refused.text and 'id="formulaire" tabindex="-1"' in refused.text
    incomplete = await post(api, refused.text, check, boss, {"version": ""})
    assert incomplete.status_code == 400 and "rechargez la page" in shown(incomplete)
    assert await version_of(api, aid, boss) == version
    assert (await read(api, f"/assessments/{aid}", boss))["status"] == "in_progress"


async def test_a_proposal_decision_or_a_validation_from_a_stale_page_is_refused(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = (await given_started(api, tenant))["id"]
    answer_everything(api, tenant, aid, level=2)
    app, by = cap_app(api), principal(tenant)
    app.submit(UUID(aid), by=by)
    requested = app.request_review(
        UUID(aid),
        directory=None,
        by=by,
        kind="third_party",
        reviewer_id="delegue",
        reviewer_role="trainer",
        reviewer_tenant=None,
    )
    await caught_up(api, aid, tenant, requested)
    delegate = api.token("trainer", region="NPC", subject="delegue")
    request_id = (await read(api, f"/assessments/{aid}/review-requests", delegate))[0]["request_id"]
    path = f"{BASE}/assessments/{aid}/review-requests/{request_id}"
    proposals = []
    for indicator in ("2.1.1", "3.4.1"):
        made = await api.client.post(
            f"{path}/comments",
            headers=delegate,
            json={"indicator": indicator, "comment": "vu", "proposed_level": 3, "reason": "en place"},
        )
        assert made.status_code == 200, made.text
        proposals.append(made.json()["proposal_id"])
    done = await api.client.post(f"{path}/completion", headers=delegate, json={"summary": "fait"})
    await read(api, f"/assessments/{aid}", boss, wait_for=done.json()["notification_id"])
    review, validation = f"/cap/{aid}/relecture", f"/cap/{aid}/validation"
    review_before = await page(api, review, boss)
    validation_before = await page(api, validation, boss)

    # Meanwhile a colleague of the admin (another tab) accepts the first proposal.
    accepted = app.accept_proposal(UUID(aid), proposals[0], by=by)
    await caught_up(api, aid, tenant, accepted)
    version = await version_of(api, aid, boss)
    refused = await post(api, review_before, f"/cap/{aid}/propositions/{proposals[1]}/refus", boss, {"raison": "non"})
    assert refused.status_code == 409 and STALE in shown(refused)
    assert "acceptée" in shown(refused) and ">non</textarea>" in refused.text  # fresh page, reason kept
    refused = await post(api, review_before, f"/cap/{aid}/propositions/{proposals[1]}/acceptation", boss)
    assert refused.status_code == 409 and STALE in shown(refused)
    decided = app.reject_proposal(UUID(aid), proposals[1], by=by, reason="déjà vu")
    await caught_up(api, aid, tenant, decided)
    version = await version_of(api, aid, boss)
    refused = await post(api, validation_before, validation, boss)
    assert refused.status_code == 409 and STALE in shown(refused)
    assert await version_of(api, aid, boss) == version
    assert redirected_to(await post(api, refused.text, validation, boss)).endswith("fait=validee")


async def test_own_answers_changed_meanwhile_are_refused_but_a_colleagues_answers_are_not(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = await given_team(api, tenant)
    app, by = cap_app(api), principal(tenant)
    sheet = f"/cap/{aid}/sous-themes/1.1"
    read_before = await page(api, sheet, boss)

    # A colleague answers the same indicators meanwhile: independent, the admin's save goes through.
    marie = app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id="marie", level=4)
    await caught_up(api, aid, tenant, marie)
    redirected_to(await post(api, read_before, sheet, boss, {"niveau-1-1-1": "2"}))

    # The admin, in another tab, changes their own 1.1.1: the first tab's form is now stale on it.
    read_before = await page(api, sheet, boss)
    other_tab = app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id=None, level=1, comment="autre onglet")
    await caught_up(api, aid, tenant, other_tab)
    version = await version_of(api, aid, boss)
    refused = await post(api, read_before, sheet, boss, {"niveau-1-1-1": "3", "niveau-1-1-2": "3"})
    assert refused.status_code == 409
    fresh = shown(refused)
    assert STALE in fresh and 'id="niveau-1-1-1-erreur"' in fresh and "autre onglet" in fresh
    assert await version_of(api, aid, boss) == version  # 1.1.2 was not saved either
    # The refused page keeps 1.1.2 as typed and carries the fresh version of 1.1.1: saving again works.
    redirected_to(await post(api, refused.text, sheet, boss, {"niveau-1-1-1": "3", "niveau-1-1-2": "3"}))
    mine = {
        a["indicator"]: p["level"]
        for a in (await read(api, f"/assessments/{aid}/answers", boss))["answers"]
        for p in a["participant_answers"]
        if p["participant_id"] == by.subject
    }
    assert (mine["1.1.1"], mine["1.1.2"]) == (3, 3)
    # A contributor's own page works the same way (their answers, their versions).
    assert "Votre niveau pour l'indicateur 1.1.1" in await page(api, sheet, contributor(api, tenant, "marie"))
    assert (
        await submit(api, sheet, sheet, contributor(api, tenant, "marie"), {"niveau-1-1-1": "4"})
    ).status_code == 303
