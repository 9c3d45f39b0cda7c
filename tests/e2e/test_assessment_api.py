"""Le Cap through the real HTTP app: the collective self-assessment, reviews, plan, replay, views.

Scenario helpers build state the way users do, through the API; bulk answering goes through the
application directly (as the demo seeder does), which keeps each test quick.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from services.assessment.domain.referential import Referential, load_document
from shared.auth import Principal, Role
from tests.conftest import Api

DOCUMENT = load_document()
REFERENTIAL = Referential.parse(DOCUMENT)
CODES = list(REFERENTIAL.indicators)
BASE = "/api/assessment"
_sirets = iter(range(10_000, 99_999))


def make_siret() -> str:
    """A fresh valid SIRET (Luhn)."""
    body = f"7328293{next(_sirets):06d}"
    for check in range(10):
        digits = [int(d) for d in reversed(body + str(check))]
        if sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)) % 10 == 0:
            return body + str(check)
    raise AssertionError("unreachable")


def platform_of(api: Api) -> Any:
    return api.client.app.state.platform


def cap_app(api: Api) -> Any:
    return platform_of(api).application("assessment")


def given_member(api: Api, name: str = "AI Le Relais", forms: tuple[str, ...] = ("AI",), region: str = "NPC") -> str:
    from services.membership.domain.member import Contact

    membership = platform_of(api).application("membership")
    membership.establish_regions()
    result = membership.register_member(
        name=name, siret=make_siret(), forms=forms, region=region, joined_on=date(2012, 1, 1),
        contact=Contact(name="Claire Martin", email="contact@exemple.fr", phone="+33 3 21 00 00 00"), city="Lens")
    return result.id


def given_referential(api: Api) -> None:
    cap_app(api).load_referential(DOCUMENT)


def admin(api: Api, tenant: str, subject: str | None = None) -> dict[str, str]:
    return api.token("member_admin", tenant=tenant, subject=subject or f"admin-{tenant[:8]}")


def contributor(api: Api, tenant: str, subject: str) -> dict[str, str]:
    return api.token("member_contributor", tenant=tenant, subject=subject)


def principal(tenant: str, subject: str | None = None) -> Principal:
    return Principal(subject=subject or f"admin-{tenant[:8]}", roles=frozenset({Role.MEMBER_ADMIN}), tenant=tenant)


async def given_started(api: Api, tenant: str) -> dict[str, Any]:
    response = await api.client.post(f"{BASE}/assessments", json={}, headers=admin(api, tenant))
    assert response.status_code == 201, response.text
    return response.json()


def answer_everything(api: Api, tenant: str, assessment_id: str, level: Any = 2, participant: str | None = None,
                      invite: bool = True) -> None:
    """The team answers every indicator (`level`: a number, or a function of the code)."""
    app, by = cap_app(api), principal(tenant)
    participant = participant or by.subject
    if invite:
        app.invite_participant(UUID(assessment_id), by=by, participant_id=participant, name="Équipe", kind="staff",
                               sub_themes=())
    for code in CODES:
        app.answer(UUID(assessment_id), by=by, indicator=code, participant_id=participant,
                   level=level(code) if callable(level) else level)


def given_submitted(api: Api, tenant: str, assessment_id: str, level: Any = 2) -> Any:
    answer_everything(api, tenant, assessment_id, level)
    return cap_app(api).submit(UUID(assessment_id), by=principal(tenant))


def given_validated(api: Api, tenant: str, assessment_id: str, level: Any = 2) -> Any:
    given_submitted(api, tenant, assessment_id, level)
    return cap_app(api).validate(UUID(assessment_id), by=principal(tenant))


async def read(api: Api, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await api.client.get(f"{BASE}{path}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- the collective self-assessment ----------------------------------------------------------------

async def test_member_admin_starts_an_assessment_on_the_latest_referential(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    record = await read(api, f"/assessments/{started['id']}", admin(api, tenant), wait_for=started["notification_id"])
    assert record["referential_version"] == "2016.1"
    assert record["status"] == "in_progress"
    assert record["tenant_id"] == tenant and record["region"] == "NPC" and record["forms"] == ["AI"]
    assert record["indicators"] == len(CODES) == 38


async def test_participants_answer_collectively_and_the_team_settles_where_they_diverge(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"{BASE}/assessments/{started['id']}"
    boss = admin(api, tenant)
    for participant, kind in (("marie", "staff"), ("paul", "volunteer")):
        response = await api.client.post(f"{path}/participants", headers=boss,
                                         json={"participant_id": participant, "name": participant.title(),
                                               "kind": kind})
        assert response.status_code == 200, response.text
    marie, paul = contributor(api, tenant, "marie"), contributor(api, tenant, "paul")
    assert (await api.client.post(f"{path}/answers/1.1.1", headers=marie,
                                  json={"level": 2, "comment": "CA peu ouvert"})).status_code == 200
    response = await api.client.post(f"{path}/answers/1.1.1", headers=paul,
                                     json={"level": 3, "practice": "planned", "improve": True})
    assert response.status_code == 200
    sheet = await read(api, f"/assessments/{started['id']}/answers", boss, wait_for=response.json()["notification_id"],
                       sub_theme="1.1")
    first = sheet["answers"][0]
    assert first["indicator"] == "1.1.1" and first["divergent"] is True and first["level"] is None
    assert {(a["participant_id"], a["level"], a["author_role"]) for a in first["participant_answers"]} == {
        ("marie", 2, "member_contributor"), ("paul", 3, "member_contributor")}
    settled = await api.client.post(f"{path}/answers/1.1.1/settlement", headers=boss,
                                    json={"level": 2, "improve": True, "comment": "arbitré en réunion"})
    assert settled.status_code == 200, settled.text
    sheet = await read(api, f"/assessments/{started['id']}/answers", boss, wait_for=settled.json()["notification_id"],
                       sub_theme="1.1")
    first = sheet["answers"][0]
    assert (first["level"], first["source"], first["divergent"]) == (2, "settled", False)
    assert first["settlement"]["author_role"] == "member_admin"
    assert len(first["participant_answers"]) == 2  # both answers are kept


async def test_concurrent_answers_on_one_indicator_are_all_kept(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"{BASE}/assessments/{started['id']}"
    names = [f"p{i}" for i in range(6)]
    for name in names:
        await api.client.post(f"{path}/participants", headers=admin(api, tenant),
                              json={"participant_id": name, "name": name, "kind": "staff"})
    responses = await asyncio.gather(*(
        api.client.post(f"{path}/answers/2.1.1", headers=contributor(api, tenant, name), json={"level": 1 + i % 4})
        for i, name in enumerate(names)))
    saved = [r for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in responses)
    assert len(saved) >= 1
    last = max(r.json()["notification_id"] for r in saved)
    sheet = await read(api, f"/assessments/{started['id']}/answers", admin(api, tenant), wait_for=last,
                       sub_theme="2.1")
    kept = {a["participant_id"] for a in sheet["answers"][0]["participant_answers"]}
    refused = len(responses) - len(saved)
    # Every answer saved is there; any that lost a race was told so (409), none vanished.
    assert len(kept) == len(saved) and len(saved) + refused == len(names)


async def test_answer_with_a_stale_version_is_refused_with_409(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"{BASE}/assessments/{started['id']}"
    await api.client.post(f"{path}/participants", headers=admin(api, tenant),
                          json={"participant_id": f"admin-{tenant[:8]}", "name": "Admin", "kind": "staff"})
    stale = {**admin(api, tenant), "If-Match": str(started["version"])}
    response = await api.client.post(f"{path}/answers/1.1.1", headers=stale, json={"level": 2})
    assert response.status_code == 409


async def test_a_full_cycle_from_answers_to_a_validated_assessment_and_its_plan(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    aid = started["id"]
    path = f"{BASE}/assessments/{aid}"
    boss = admin(api, tenant)
    answer_everything(api, tenant, aid, level=lambda code: 1 if code.startswith("3.4") else 3)
    response = await api.client.post(f"{path}/submission", headers=boss)
    assert response.status_code == 200, response.text
    refused = await api.client.post(f"{path}/answers/1.1.1", headers=boss, json={"level": 4})
    assert refused.status_code == 422 and "soumise" in refused.json()["detail"]
    request = await api.client.post(f"{path}/review-requests", headers=boss, json={
        "kind": "third_party", "reviewer_id": "delegue-npc", "reviewer_role": "regional_delegate"})
    assert request.status_code == 201, request.text
    delegate = api.token("regional_delegate", region="NPC", subject="delegue-npc")
    plan = await read(api, f"/assessments/{aid}/plan", boss, wait_for=request.json()["notification_id"])
    assert {a["indicator"] for a in plan["actions"]} >= {"3.4.1", "3.4.2", "3.4.3", "3.4.4"}
    requests = await read(api, f"/assessments/{aid}/review-requests", delegate)
    request_id = requests[0]["request_id"]
    proposal = await api.client.post(f"{path}/review-requests/{request_id}/comments", headers=delegate, json={
        "indicator": "3.4.1", "comment": "Les contrats sont à jour", "proposed_level": 3, "reason": "vu sur place"})
    assert proposal.status_code == 200, proposal.text
    second = await api.client.post(f"{path}/review-requests/{request_id}/comments", headers=delegate, json={
        "indicator": "1.1.1", "comment": "Gouvernance fermée", "proposed_level": 2, "reason": "AG sans débat"})
    assert second.status_code == 200
    assert (await api.client.post(f"{path}/validation", headers=boss)).status_code == 422  # review still open
    done = await api.client.post(f"{path}/review-requests/{request_id}/completion", headers=delegate,
                                 json={"summary": "Relecture faite"})
    assert done.status_code == 200, done.text
    answers = await read(api, f"/assessments/{aid}/answers", boss, wait_for=done.json()["notification_id"])
    by_code = {a["indicator"]: a for a in answers["answers"]}
    assert by_code["3.4.1"]["self_level"] == 1 and by_code["3.4.1"]["reviewers_diverge"] is True
    proposals = [r["proposal_id"] for code in ("3.4.1", "1.1.1") for r in by_code[code]["reviews"]]
    assert (await api.client.post(f"{path}/validation", headers=boss)).status_code == 422  # proposals undecided
    assert (await api.client.post(f"{path}/proposals/{proposals[0]}/acceptance", headers=boss)).status_code == 200
    rejected = await api.client.post(f"{path}/proposals/{proposals[1]}/rejection", headers=boss,
                                     json={"reason": "notre AG débat vraiment"})
    assert rejected.status_code == 200
    validated = await api.client.post(f"{path}/validation", headers=boss)
    assert validated.status_code == 200, validated.text
    record = await read(api, f"/assessments/{aid}", boss, wait_for=validated.json()["notification_id"])
    assert record["status"] == "validated"
    answers = await read(api, f"/assessments/{aid}/answers", boss)
    by_code = {a["indicator"]: a for a in answers["answers"]}
    assert (by_code["3.4.1"]["level"], by_code["3.4.1"]["source"]) == (3, "review")
    assert by_code["1.1.1"]["level"] == 3
    plan = await read(api, f"/assessments/{aid}/plan", boss)
    assert "3.4.1" not in {a["indicator"] for a in plan["actions"]}
    assert (await api.client.post(f"{path}/answers/1.1.1", headers=boss, json={"level": 4})).status_code == 422
    adopted = await api.client.post(f"{path}/plan/actions/3.4.2/adoption", headers=boss)
    assert adopted.status_code == 200, adopted.text
    history = await read(api, f"/assessments/{aid}/history", boss, wait_for=adopted.json()["notification_id"])
    assert history[0]["event"] == "Started" and history[-1]["event"] == "ActionAdopted"
    assert {(h["event"], h["actor_role"]) for h in history} >= {("ReviewCommented", "regional_delegate"),
                                                                 ("ProposalAccepted", "member_admin")}
