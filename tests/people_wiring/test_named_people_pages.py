"""Issue 10 on le Cap's pages: the team chooses participants among its member's people and reviewers
among the region's delegates and trainers; a person posted anyway who does not fit is refused
beside the field, in French, and nothing is written."""

from __future__ import annotations

from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    admin,
    cap_app,
    given_member,
    given_referential,
    given_started,
    given_submitted,
    read,
)
from tests.helpers.people import deactivated, given_person, in_directory
from tests.portal.cap_answering.pages import page, shown, submit


def version(api: Api, assessment_id: str) -> int:
    return int(cap_app(api).assessment(UUID(assessment_id)).version)


async def test_the_invitation_offers_the_member_s_people_and_refuses_anyone_else(api: Api) -> None:
    given_referential(api)
    tenant, other = given_member(api), given_member(api, "AI Voisine")
    boss_id = given_person(api, "member_admin", tenant=tenant, name="Claire Martin")
    given_person(api, "member_contributor", tenant=tenant, name="Marie Durand")
    gone = given_person(api, "member_contributor", tenant=tenant, name="Jean Parti")
    deactivated(api, gone)
    stranger = given_person(api, "member_contributor", tenant=other, name="Zoé Voisine")
    await in_directory(api)
    boss = admin(api, tenant, boss_id)
    started = await given_started(api, tenant)
    assessment_id = started["id"]
    await read(api, f"/assessments/{assessment_id}", boss, wait_for=started["notification_id"])
    participants = f"/cap/{assessment_id}/participants"

    offered = await page(api, participants, boss)
    assert "Marie Durand" in offered and "Claire Martin" in offered
    assert "Jean Parti" not in offered and "Zoé Voisine" not in offered  # deactivated; another member's
    assert 'href="/equipe"' in offered  # a colleague not there yet is invited to the platform first

    before = version(api, assessment_id)
    for person, message in (
        (stranger, "n'appartient pas à cet adhérent"),
        (gone, "est désactivé"),
        ("0b6c8f5e-8f5a-4a0e-9a52-1f3c7c3b2a11", "dans l'annuaire"),
    ):
        refused = await submit(api, participants, participants, boss, {"personne": person, "statut": "staff"})
        assert refused.status_code == 422, refused.text
        text = shown(refused)
        assert 'id="personne-erreur"' in refused.text and message in text and "participant_id" not in text
    assert version(api, assessment_id) == before


async def test_the_review_offers_the_region_s_delegates_and_trainers_and_refuses_another_region_s(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)  # in NPC
    given_person(api, "regional_delegate", region="NPC", name="Yann Kerouac")
    given_person(api, "trainer", region="NPC", name="Nadia Roussel")
    breton = given_person(api, "regional_delegate", region="BRE", name="Gwen Le Breton")
    await in_directory(api)
    boss = admin(api, tenant)
    assessment_id = (await given_started(api, tenant))["id"]
    submitted = given_submitted(api, tenant, assessment_id)
    await read(api, f"/assessments/{assessment_id}", boss, wait_for=submitted.notification_id)
    review = f"/cap/{assessment_id}/relecture"

    offered = await page(api, review, boss)
    assert "Yann Kerouac (délégué·e régional·e)" in offered and "Nadia Roussel (formateur·rice)" in offered
    assert "Gwen Le Breton" not in offered

    before = version(api, assessment_id)
    refused = await submit(api, review, review, boss, {"genre": "third_party", "relecteur": breton})
    assert refused.status_code == 422, refused.text
    assert 'id="relecteur-erreur"' in refused.text and "de la région NPC" in shown(refused)
    assert version(api, assessment_id) == before


async def test_the_assessment_s_page_names_the_third_party_asked_for_a_review(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)  # in NPC
    delegate = given_person(api, "regional_delegate", region="NPC", name="Yann Kerouac")
    await in_directory(api)
    boss = admin(api, tenant)
    assessment_id = (await given_started(api, tenant))["id"]
    submitted = given_submitted(api, tenant, assessment_id)
    await read(api, f"/assessments/{assessment_id}", boss, wait_for=submitted.notification_id)
    review = f"/cap/{assessment_id}/relecture"
    asked = await submit(api, review, review, boss, {"genre": "third_party", "relecteur": delegate})
    assert asked.status_code == 303, asked.text

    summary = await page(api, f"/cap/{assessment_id}", boss)
    assert "délégué·e régional·e Yann Kerouac" in summary
    assert str(delegate) not in summary
