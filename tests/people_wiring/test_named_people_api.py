"""Issue 10 through the API: every person a command names is someone of the directory, in the part
they may take; anyone else is a 422 naming the field, and nothing is written."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    admin,
    cap_app,
    given_member,
    given_referential,
    given_started,
    given_submitted,
    given_validated,
    read,
)
from tests.helpers.people import deactivated, given_person
from tests.helpers.training_api import BASE as FMS
from tests.helpers.training_api import given_call, given_members
from tests.helpers.training_api import given_submitted as given_fms_submitted


def refused_naming(answer: Any, field: str) -> None:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["extra"]["field"] == field, body
    assert f"« {field} »" in body["detail"], body  # in French, naming the field


def version(api: Api, assessment_id: str) -> int:
    return int(cap_app(api).assessment(UUID(assessment_id)).version)


@pytest.fixture
def world(api: Api) -> dict[str, str]:
    given_referential(api)
    return {"tenant": given_member(api), "other": given_member(api, "AI Voisine")}


@pytest.mark.parametrize("who", ["unknown", "deactivated", "other_member", "delegate", "fund_reviewer"])
async def test_a_participant_must_be_an_active_person_of_the_member(api: Api, world: dict[str, str], who: str) -> None:
    tenant = world["tenant"]
    named = {
        "unknown": lambda: "0b6c8f5e-8f5a-4a0e-9a52-1f3c7c3b2a11",
        "deactivated": lambda: _deactivated(api, given_person(api, "member_contributor", tenant=tenant)),
        "other_member": lambda: given_person(api, "member_contributor", tenant=world["other"]),
        "delegate": lambda: given_person(api, "regional_delegate", region="NPC"),
        "fund_reviewer": lambda: given_person(api, "fund_reviewer"),
    }[who]()
    started = await given_started(api, tenant)
    before = version(api, started["id"])
    answer = await api.client.post(
        f"{BASE}/assessments/{started['id']}/participants",
        json={"participant_id": named, "kind": "staff"},
        headers=admin(api, tenant),
    )
    refused_naming(answer, "participant_id")
    assert version(api, started["id"]) == before


def _deactivated(api: Api, person_id: str) -> str:
    deactivated(api, person_id)
    return person_id


async def test_a_participant_of_the_member_is_invited_and_shown_with_the_directory_s_name(
    api: Api, world: dict[str, str]
) -> None:
    tenant = world["tenant"]
    lea = given_person(api, "member_contributor", tenant=tenant, name="Léa Fontaine")
    started = await given_started(api, tenant)
    boss = admin(api, tenant)
    # An old script's `name` is accepted and ignored: the name is the directory's.
    invited = await api.client.post(
        f"{BASE}/assessments/{started['id']}/participants",
        json={"participant_id": lea, "name": "Autre nom", "kind": "volunteer"},
        headers=boss,
    )
    assert invited.status_code == 200, invited.text
    # A script's token with a free subject still invites itself (only others are checked).
    itself = await api.client.post(
        f"{BASE}/assessments/{started['id']}/participants",
        json={"participant_id": "admin-x", "kind": "staff"},
        headers=admin(api, tenant, "admin-x"),
    )
    assert itself.status_code == 200, itself.text
    record = await read(api, f"/assessments/{started['id']}", boss, wait_for=itself.json()["notification_id"])
    names = {p["participant_id"]: p["name"] for p in record["participant_list"]}
    assert names == {lea: "Léa Fontaine", "admin-x": None}
    stored = cap_app(api).assessment(UUID(started["id"])).sheet.participants[lea]
    assert stored.name is None  # the event does not copy the name


async def _submitted(api: Api, tenant: str) -> str:
    started = await given_started(api, tenant)
    given_submitted(api, tenant, started["id"])
    return str(started["id"])


@pytest.mark.parametrize("who", ["unknown", "deactivated", "other_region", "member_person", "peer_reviewer"])
async def test_a_third_party_reviewer_is_a_delegate_or_trainer_of_the_member_s_region(
    api: Api, world: dict[str, str], who: str
) -> None:
    tenant = world["tenant"]
    named = {
        "unknown": lambda: "0b6c8f5e-8f5a-4a0e-9a52-1f3c7c3b2a11",
        "deactivated": lambda: _deactivated(api, given_person(api, "trainer", region="NPC")),
        "other_region": lambda: given_person(api, "regional_delegate", region="BRE"),
        "member_person": lambda: given_person(api, "member_admin", tenant=tenant),
        "peer_reviewer": lambda: given_person(api, "peer_reviewer", tenant=world["other"]),
    }[who]()
    assessment_id = await _submitted(api, tenant)
    before = version(api, assessment_id)
    answer = await api.client.post(
        f"{BASE}/assessments/{assessment_id}/review-requests",
        json={"kind": "third_party", "reviewer_id": named, "reviewer_role": "trainer"},
        headers=admin(api, tenant),
    )
    refused_naming(answer, "reviewer_id")
    assert version(api, assessment_id) == before


async def test_a_third_party_s_role_is_the_directory_s(api: Api, world: dict[str, str]) -> None:
    tenant = world["tenant"]
    trainer = given_person(api, "trainer", region="NPC")
    assessment_id = await _submitted(api, tenant)
    path, boss = f"{BASE}/assessments/{assessment_id}/review-requests", admin(api, tenant)
    before = version(api, assessment_id)
    wrong_role = {"kind": "third_party", "reviewer_id": trainer, "reviewer_role": "regional_delegate"}
    refused_naming(await api.client.post(path, json=wrong_role, headers=boss), "reviewer_role")
    assert version(api, assessment_id) == before
    requested = await api.client.post(path, json={"kind": "third_party", "reviewer_id": trainer}, headers=boss)
    assert requested.status_code == 201, requested.text
    review = cap_app(api).assessment(UUID(assessment_id)).sheet.reviews[requested.json()["request_id"]]
    assert (review.reviewer_id, review.reviewer_role) == (trainer, "trainer")


async def test_a_peer_reviewer_is_a_person_of_another_member_whose_member_reviews(
    api: Api, world: dict[str, str]
) -> None:
    tenant, other = world["tenant"], world["other"]
    peer_started = await given_started(api, other)
    given_validated(api, other, peer_started["id"])  # a peer has used le Cap itself
    assessment_id = await _submitted(api, tenant)
    path, boss = f"{BASE}/assessments/{assessment_id}/review-requests", admin(api, tenant)
    before = version(api, assessment_id)
    colleague = given_person(api, "peer_reviewer", tenant=tenant)
    refused_naming(
        await api.client.post(path, json={"kind": "peer", "reviewer_id": colleague}, headers=boss), "reviewer_id"
    )
    contributor = given_person(api, "member_contributor", tenant=other)
    refused_naming(
        await api.client.post(path, json={"kind": "peer", "reviewer_id": contributor}, headers=boss), "reviewer_id"
    )
    peer = given_person(api, "peer_reviewer", tenant=other)
    elsewhere = {"kind": "peer", "reviewer_id": peer, "reviewer_tenant": given_member(api, "AI Tierce")}
    refused_naming(await api.client.post(path, json=elsewhere, headers=boss), "reviewer_tenant")
    assert version(api, assessment_id) == before
    requested = await api.client.post(path, json={"kind": "peer", "reviewer_id": peer}, headers=boss)
    assert requested.status_code == 201, requested.text
    review = cap_app(api).assessment(UUID(assessment_id)).sheet.reviews[requested.json()["request_id"]]
    assert review.reviewer_tenant == other


@pytest.mark.parametrize("who", ["unknown", "deactivated", "staff", "member_admin"])
async def test_a_fund_reviewer_is_an_active_fund_reviewer_of_the_directory(api: Api, who: str) -> None:
    lead, elsewhere = await given_members(api, 2)
    named = {
        "unknown": lambda: "evaluateur-1",
        "deactivated": lambda: _deactivated(api, given_person(api, "fund_reviewer")),
        "staff": lambda: given_person(api, "national_staff"),
        "member_admin": lambda: given_person(api, "member_admin", tenant=elsewhere),
    }[who]()
    call = await given_call(api)
    application = await given_fms_submitted(api, call, lead)
    fms = api.client.app.state.platform.application("training")
    before = fms.funding_application(UUID(application["id"])).version
    answer = await api.client.post(
        f"{FMS}/applications/{application['id']}/reviewers", json={"reviewer_id": named}, headers=api.staff
    )
    refused_naming(answer, "reviewer_id")
    assert fms.funding_application(UUID(application["id"])).version == before
    fine = await api.client.post(
        f"{FMS}/applications/{application['id']}/reviewers",
        json={"reviewer_id": given_person(api, "fund_reviewer")},
        headers=api.staff,
    )
    assert fine.status_code == 200, fine.text
