"""Le Cap through the real HTTP app: the collective self-assessment, reviews, plan, replay, views.

Scenario helpers build state the way users do, through the API; bulk answering goes through the
application directly (as the demo seeder does), which keeps each test quick.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from shared.eventstore import CONFLICT_ATTEMPTS
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    CODES,
    DOCUMENT,
    admin,
    answer_everything,
    cap_app,
    caught_up,
    contributor,
    given_member,
    given_referential,
    given_started,
    given_submitted,
    given_validated,
    platform_of,
    principal,
    read,
)
from tests.helpers.people import given_person


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
    marie_id = given_person(api, "member_contributor", tenant=tenant, name="Marie")
    paul_id = given_person(api, "member_contributor", tenant=tenant, name="Paul")
    for participant, kind in ((marie_id, "staff"), (paul_id, "volunteer")):
        response = await api.client.post(
            f"{path}/participants", headers=boss, json={"participant_id": participant, "kind": kind}
        )
        assert response.status_code == 200, response.text
    marie, paul = contributor(api, tenant, marie_id), contributor(api, tenant, paul_id)
    assert (
        await api.client.post(f"{path}/answers/1.1.1", headers=marie, json={"level": 2, "comment": "CA peu ouvert"})
    ).status_code == 200
    response = await api.client.post(
        f"{path}/answers/1.1.1", headers=paul, json={"level": 3, "practice": "planned", "improve": True}
    )
    assert response.status_code == 200
    sheet = await read(
        api, f"/assessments/{started['id']}/answers", boss, wait_for=response.json()["notification_id"], sub_theme="1.1"
    )
    first = sheet["answers"][0]
    assert first["indicator"] == "1.1.1" and first["divergent"] is True and first["level"] is None
    assert {(a["participant_id"], a["level"], a["author_role"]) for a in first["participant_answers"]} == {
        (marie_id, 2, "member_contributor"),
        (paul_id, 3, "member_contributor"),
    }
    settled = await api.client.post(
        f"{path}/answers/1.1.1/settlement",
        headers=boss,
        json={"level": 2, "improve": True, "comment": "arbitré en réunion"},
    )
    assert settled.status_code == 200, settled.text
    sheet = await read(
        api, f"/assessments/{started['id']}/answers", boss, wait_for=settled.json()["notification_id"], sub_theme="1.1"
    )
    first = sheet["answers"][0]
    assert (first["level"], first["source"], first["divergent"]) == (2, "settled", False)
    assert first["settlement"]["author_role"] == "member_admin"
    assert len(first["participant_answers"]) == 2  # both answers are kept


async def test_concurrent_answers_on_one_indicator_are_all_kept(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"{BASE}/assessments/{started['id']}"
    # As many rivals as a command's attempts: each lost race means a rival's answer was saved, so
    # every answer gets through within its attempts, whatever the interleaving.
    names = [given_person(api, "member_contributor", tenant=tenant) for _ in range(CONFLICT_ATTEMPTS)]
    for name in names:
        invited = await api.client.post(
            f"{path}/participants", headers=admin(api, tenant), json={"participant_id": name, "kind": "staff"}
        )
        assert invited.status_code == 200, invited.text
    responses = await asyncio.gather(
        *(
            api.client.post(f"{path}/answers/2.1.1", headers=contributor(api, tenant, name), json={"level": 1 + i % 4})
            for i, name in enumerate(names)
        )
    )
    # Answers without If-Match commute: one that loses a race is decided again on the fresh
    # assessment, so none is refused and none vanishes.
    assert [r.status_code for r in responses] == [200] * len(names), [r.text for r in responses]
    last = max(r.json()["notification_id"] for r in responses)
    sheet = await read(api, f"/assessments/{started['id']}/answers", admin(api, tenant), wait_for=last, sub_theme="2.1")
    kept = {a["participant_id"]: a["level"] for a in sheet["answers"][0]["participant_answers"]}
    assert kept == {name: 1 + i % 4 for i, name in enumerate(names)}


async def test_answer_with_a_stale_version_is_refused_with_409(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"{BASE}/assessments/{started['id']}"
    await api.client.post(
        f"{path}/participants",
        headers=admin(api, tenant),
        json={"participant_id": f"admin-{tenant[:8]}", "name": "Admin", "kind": "staff"},
    )
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
    delegate_id = given_person(api, "regional_delegate", region="NPC")
    request = await api.client.post(
        f"{path}/review-requests",
        headers=boss,
        json={"kind": "third_party", "reviewer_id": delegate_id, "reviewer_role": "regional_delegate"},
    )
    assert request.status_code == 201, request.text
    delegate = api.token("regional_delegate", region="NPC", subject=delegate_id)
    plan = await read(api, f"/assessments/{aid}/plan", boss, wait_for=request.json()["notification_id"])
    assert {a["indicator"] for a in plan["actions"]} >= {"3.4.1", "3.4.2", "3.4.3", "3.4.4"}
    requests = await read(api, f"/assessments/{aid}/review-requests", delegate)
    request_id = requests[0]["request_id"]
    proposal = await api.client.post(
        f"{path}/review-requests/{request_id}/comments",
        headers=delegate,
        json={
            "indicator": "3.4.1",
            "comment": "Les contrats sont à jour",
            "proposed_level": 3,
            "reason": "vu sur place",
        },
    )
    assert proposal.status_code == 200, proposal.text
    second = await api.client.post(
        f"{path}/review-requests/{request_id}/comments",
        headers=delegate,
        json={"indicator": "1.1.1", "comment": "Gouvernance fermée", "proposed_level": 2, "reason": "AG sans débat"},
    )
    assert second.status_code == 200
    assert (await api.client.post(f"{path}/validation", headers=boss)).status_code == 422  # review still open
    done = await api.client.post(
        f"{path}/review-requests/{request_id}/completion", headers=delegate, json={"summary": "Relecture faite"}
    )
    assert done.status_code == 200, done.text
    answers = await read(api, f"/assessments/{aid}/answers", boss, wait_for=done.json()["notification_id"])
    by_code = {a["indicator"]: a for a in answers["answers"]}
    assert by_code["3.4.1"]["self_level"] == 1 and by_code["3.4.1"]["reviewers_diverge"] is True
    proposals = [r["proposal_id"] for code in ("3.4.1", "1.1.1") for r in by_code[code]["reviews"]]
    assert (await api.client.post(f"{path}/validation", headers=boss)).status_code == 422  # proposals undecided
    assert (await api.client.post(f"{path}/proposals/{proposals[0]}/acceptance", headers=boss)).status_code == 200
    rejected = await api.client.post(
        f"{path}/proposals/{proposals[1]}/rejection", headers=boss, json={"reason": "notre AG débat vraiment"}
    )
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
    assert {(h["event"], h["actor_role"]) for h in history} >= {
        ("ReviewCommented", "regional_delegate"),
        ("ProposalAccepted", "member_admin"),
    }


async def post(api: Api, path: str, headers: dict[str, str], body: Any = None, method: str = "POST") -> Any:
    return await api.client.request(method, f"{BASE}{path}", headers=headers, json=body)


# --- starting ----------------------------------------------------------------------------------------


async def test_national_staff_start_an_assessment_for_a_named_member_only(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    assert (await post(api, "/assessments", api.staff, {})).status_code == 422
    unknown = await post(api, "/assessments", api.staff, {"tenant_id": "00000000-0000-0000-0000-000000000000"})
    assert unknown.status_code == 404
    started = await post(api, "/assessments", api.staff, {"tenant_id": tenant})
    assert started.status_code == 201, started.text
    again = await post(api, "/assessments", admin(api, tenant), {})
    assert again.status_code == 409 and again.json()["extra"]["assessment_id"] == started.json()["id"]


async def test_only_a_ges_assesses_its_group_and_versions_must_be_published(api: Api) -> None:
    given_referential(api)
    ai, ges = given_member(api, "AI Hazebrouck"), given_member(api, "GES Flandre", forms=("GES", "AI"))
    assert (await post(api, "/assessments", admin(api, ai), {"scope": "group"})).status_code == 422
    unknown = await post(api, "/assessments", admin(api, ges), {"scope": "group", "referential_version": "1999.1"})
    assert unknown.status_code == 404
    group = await post(api, "/assessments", admin(api, ges), {"scope": "group"})
    assert group.status_code == 201
    record = await read(
        api, f"/assessments/{group.json()['id']}", admin(api, ges), wait_for=group.json()["notification_id"]
    )
    assert record["scope"] == "group"


async def test_a_request_with_an_unknown_field_or_an_out_of_range_level_is_malformed(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"/assessments/{started['id']}"
    assert (await post(api, "/assessments", admin(api, tenant), {"colour": "red"})).status_code == 400
    assert (await post(api, f"{path}/answers/1.1.1", admin(api, tenant), {"level": 5})).status_code == 400
    assert (await post(api, f"{path}/answers/1.1.1", admin(api, tenant), {"level": 2, "x": 1})).status_code == 400


# --- participants and answers ---------------------------------------------------------------------------


async def test_participants_are_invited_once_and_answer_only_their_sub_themes(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path, boss = f"/assessments/{started['id']}", admin(api, tenant)
    paul_id = given_person(api, "member_contributor", tenant=tenant, name="Paul")
    body = {"participant_id": paul_id, "kind": "volunteer", "sub_themes": ["2.1"]}
    assert (await post(api, f"{path}/participants", boss, body)).status_code == 200
    assert (await post(api, f"{path}/participants", boss, body)).status_code == 422
    paul = contributor(api, tenant, paul_id)
    refused = await post(api, f"{path}/answers/1.1.1", paul, {"level": 2})
    assert refused.status_code == 422 and "ne lui est pas confié" in refused.json()["detail"]
    assigned = await post(
        api, f"{path}/participants/{paul_id}/sub-themes", boss, {"sub_themes": ["1.1", "2.1"]}, method="PUT"
    )
    assert assigned.status_code == 200
    assert (await post(api, f"{path}/answers/1.1.1", paul, {"level": 2})).status_code == 200
    assert (
        await post(api, f"{path}/participants/nobody/sub-themes", boss, {"sub_themes": ["1.1"]}, method="PUT")
    ).status_code == 422
    assert (
        await post(api, f"{path}/participants/{paul_id}/sub-themes", boss, {"sub_themes": ["9.9"]}, method="PUT")
    ).status_code == 422
    record = await read(api, path, boss, wait_for=assigned.json()["notification_id"])
    assert [(p["participant_id"], p["sub_themes"]) for p in record["participant_list"]] == [(paul_id, ["1.1", "2.1"])]


async def test_answers_that_do_not_fit_are_refused_clearly(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path, boss = f"/assessments/{started['id']}", admin(api, tenant)
    not_invited = await post(api, f"{path}/answers/1.1.1", boss, {"level": 2})
    assert not_invited.status_code == 422 and "invité" in not_invited.json()["detail"]
    await post(
        api, f"{path}/participants", boss, {"participant_id": f"admin-{tenant[:8]}", "name": "A", "kind": "staff"}
    )
    unknown = await post(api, f"{path}/answers/7.7.7", boss, {"level": 2})
    assert unknown.status_code == 422 and unknown.json()["extra"]["indicator"] == "7.7.7"
    assert (await post(api, f"{path}/answers/1.1.1/revisit", boss, {"revisit": True})).status_code == 422
    assert (await post(api, f"{path}/answers/1.1.1/settlement", boss, {"level": 3})).status_code == 422
    assert (await post(api, f"{path}/submission", boss)).status_code == 422
    assert (await post(api, f"{path}/validation", boss)).status_code == 422
    assert (await post(api, f"{path}/reopening", boss, {})).status_code == 422


async def test_an_answer_marked_revisit_keeps_the_assessment_from_being_submitted(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    answer_everything(api, tenant, started["id"], level=3)
    path, boss = f"/assessments/{started['id']}", admin(api, tenant)
    assert (await post(api, f"{path}/answers/4.2.1/revisit", boss, {"revisit": True})).status_code == 200
    refused = await post(api, f"{path}/submission", boss)
    assert refused.status_code == 422 and refused.json()["extra"]["indicators"] == ["4.2.1"]
    assert (await post(api, f"{path}/answers/4.2.1/revisit", boss, {"revisit": False})).status_code == 200
    assert (await post(api, f"{path}/submission", boss)).status_code == 200


async def test_a_retried_command_with_the_same_idempotency_key_is_applied_once(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path = f"/assessments/{started['id']}/participants"
    headers = {**admin(api, tenant), "Idempotency-Key": "invite-paul"}
    body = {"participant_id": given_person(api, "member_contributor", tenant=tenant), "kind": "staff"}
    first, second = await post(api, path, headers, body), await post(api, path, headers, body)
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    other = await post(api, path, headers, {**body, "participant_id": given_person(api, "member_admin", tenant=tenant)})
    assert other.status_code == 422


# --- reviews ---------------------------------------------------------------------------------------------


async def test_review_requests_that_do_not_fit_are_refused(api: Api) -> None:
    given_referential(api)
    tenant, newcomer = given_member(api), given_member(api, "AI Calais")
    started = await given_started(api, tenant)
    path, boss = f"/assessments/{started['id']}", admin(api, tenant)
    delegate_id = given_person(api, "regional_delegate", region="NPC")
    third_party = {"kind": "third_party", "reviewer_id": delegate_id, "reviewer_role": "regional_delegate"}
    assert (await post(api, f"{path}/review-requests", boss, third_party)).status_code == 422  # not submitted
    given_submitted(api, tenant, started["id"])
    participant = {**third_party, "reviewer_id": f"admin-{tenant[:8]}"}
    assert (await post(api, f"{path}/review-requests", boss, participant)).status_code == 422
    assert (
        await post(api, f"{path}/review-requests", boss, {"kind": "peer", "reviewer_tenant": tenant})
    ).status_code == 422
    assert (
        await post(api, f"{path}/review-requests", boss, {"kind": "peer", "reviewer_tenant": newcomer})
    ).status_code == 422  # has not validated an assessment
    assert (
        await post(api, f"{path}/review-requests", boss, {"kind": "peer", "reviewer_tenant": "nobody"})
    ).status_code == 422
    requested = await post(api, f"{path}/review-requests", boss, third_party)
    assert requested.status_code == 201
    assert (await post(api, f"{path}/review-requests", boss, third_party)).status_code == 422  # already open
    delegate = api.token("regional_delegate", region="NPC", subject=delegate_id)
    no_request = await post(
        api, f"{path}/review-requests/r999/comments", delegate, {"indicator": "1.1.1", "comment": "?"}
    )
    assert no_request.status_code == 422 and "aucune demande de relecture" in no_request.json()["detail"]
    requests = await read(
        api, f"/assessments/{started['id']}/review-requests", boss, wait_for=requested.json()["notification_id"]
    )
    request_id = requests[0]["request_id"]
    unknown = await post(
        api, f"{path}/review-requests/{request_id}/comments", delegate, {"indicator": "8.8.8", "comment": "?"}
    )
    assert unknown.status_code == 422
    no_reason = await post(
        api,
        f"{path}/review-requests/{request_id}/comments",
        delegate,
        {"indicator": "1.1.1", "comment": "?", "proposed_level": 4},
    )
    assert no_reason.status_code == 422
    assert (await post(api, f"{path}/review-requests/{request_id}/completion", delegate, {})).status_code == 200
    assert (await post(api, f"{path}/review-requests/{request_id}/completion", delegate, {})).status_code == 422
    assert (await post(api, f"{path}/proposals/p999/acceptance", boss)).status_code == 422
    assert (await post(api, f"{path}/proposals/p999/rejection", boss, {"reason": ""})).status_code == 400
    assert (await post(api, f"{path}/proposals/p999/rejection", boss, {"reason": "non"})).status_code == 422


async def test_a_peer_that_validated_its_own_assessment_reviews_another_member(api: Api) -> None:
    given_referential(api)
    tenant, peer = given_member(api), given_member(api, "AI Dunkerque")
    peer_assessment = UUID(
        cap_app(api)
        .start_assessment(tenant_id=peer, region="NPC", forms=("AI",), scope="member", referential_version=None)
        .id
    )
    given_validated(api, peer, str(peer_assessment))
    started = await given_started(api, tenant)
    given_submitted(api, tenant, started["id"], level=2)
    path, boss = f"/assessments/{started['id']}", admin(api, tenant)
    requested = await post(api, f"{path}/review-requests", boss, {"kind": "peer", "reviewer_tenant": peer})
    assert requested.status_code == 201, requested.text
    reviewer = api.token("peer_reviewer", tenant=peer, subject="pair")
    requests = await read(
        api, f"/assessments/{started['id']}/review-requests", reviewer, wait_for=requested.json()["notification_id"]
    )
    commented = await post(
        api,
        f"{path}/review-requests/{requests[0]['request_id']}/comments",
        reviewer,
        {"indicator": "2.2.1", "comment": "chez nous c'est 3", "proposed_level": 3, "reason": "pratique comparable"},
    )
    assert commented.status_code == 200, commented.text
    answers = await read(
        api,
        f"/assessments/{started['id']}/answers",
        boss,
        wait_for=commented.json()["notification_id"],
        sub_theme="2.2",
    )
    note = answers["answers"][0]["reviews"][0]
    assert (note["reviewer_kind"], note["author_role"], note["proposed_level"]) == ("peer", "peer_reviewer", 3)


# --- reopening, the referential's versions and the diffs -----------------------------------------------------


def changed_indicator() -> dict[str, Any]:
    import copy

    indicator = copy.deepcopy(DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0])
    indicator["question"]["fr"] = "Les instances associent-elles les salarié·e·s en parcours à leurs décisions ?"
    return indicator


async def test_staff_publish_a_new_referential_version_and_the_diff_marks_changed_indicators(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    given_validated(api, tenant, started["id"], level=2)
    staff = api.staff
    drafted = await post(api, "/referential/versions", staff, {"based_on": "2016.1", "version": "2017.1"})
    assert drafted.status_code == 201, drafted.text
    assert (
        await post(api, "/referential/versions", staff, {"based_on": "2016.1", "version": "2017.1"})
    ).status_code == 409
    in_use = await post(api, "/referential/versions/2016.1/indicators/1.1.1", staff, changed_indicator(), method="PUT")
    assert in_use.status_code == 422 and "utilisée" in in_use.json()["detail"]
    malformed = await post(
        api, "/referential/versions/2017.1/indicators/1.1.1", staff, {"question": {"fr": "?"}}, method="PUT"
    )
    assert malformed.status_code == 400 and "help" in malformed.text  # the schema names what is missing
    stale = {**staff, "If-Match": "0"}
    assert (
        await post(api, "/referential/versions/2017.1/indicators/1.1.1", stale, changed_indicator(), method="PUT")
    ).status_code == 409
    revised = await post(api, "/referential/versions/2017.1/indicators/1.1.1", staff, changed_indicator(), method="PUT")
    assert revised.status_code == 200, revised.text
    assert (await post(api, "/referential/versions/2017.1/indicators/1.2.3", staff, method="DELETE")).status_code == 200
    incomplete = await post(api, "/referential/versions/2017.1/publication", staff)
    assert incomplete.status_code == 422 and "1.2" in incomplete.json()["detail"]
    restored = DOCUMENT["themes"][0]["sub_themes"][1]["indicators"][2]
    assert (
        await post(api, "/referential/versions/2017.1/indicators/1.2.3", staff, restored, method="PUT")
    ).status_code == 200
    published = await post(api, "/referential/versions/2017.1/publication", staff)
    assert published.status_code == 200, published.text
    assert (await post(api, "/referential/versions/2017.1/publication", staff)).status_code == 422
    versions = await read(api, "/referential/versions", staff, wait_for=published.json()["notification_id"])
    assert [(v["code"], v["status"], v["in_use"]) for v in versions] == [
        ("2016.1", "published", True),
        ("2017.1", "published", False),
    ]
    help_ = await read(api, "/referential/versions/2017.1/indicators/1.1.1", admin(api, tenant))
    assert help_["question"]["fr"].startswith("Les instances associent") and len(help_["levels"]) == 4
    assert (
        await api.client.get(f"{BASE}/referential/versions/2017.1/indicators/9.9.9", headers=staff)
    ).status_code == 404
    assert (await api.client.get(f"{BASE}/referential/versions/1999.9", headers=staff)).status_code == 404
    reopened = await post(api, f"/assessments/{started['id']}/reopening", admin(api, tenant), {})
    assert reopened.status_code == 201, reopened.text
    new_id = reopened.json()["id"]
    answer_everything(api, tenant, new_id, level=lambda code: 3 if code.startswith("2.") else 2)
    record = await read(api, f"/assessments/{new_id}", admin(api, tenant))
    assert record["previous_assessment_id"] == started["id"] and record["referential_version"] == "2017.1"
    previous = await read(api, f"/assessments/{started['id']}", admin(api, tenant))
    assert previous["superseded_by"] == new_id
    diff = await read(api, f"/assessments/{new_id}/diff/previous", admin(api, tenant))
    changes = {c["indicator"]: c for c in diff["answers"]}
    assert changes["1.1.1"]["change"] == "not_comparable" and diff["not_comparable"] == ["1.1.1"]
    assert (changes["2.1.1"]["change"], changes["2.1.1"]["before"], changes["2.1.1"]["after"]) == ("changed", 2, 3)
    assert any(m["code"] == "2" and m["score_delta"] > 0 for m in diff["positioning"])
    assert {a["change"] for a in diff["actions"]} >= {"removed"}
    first = await api.client.get(f"{BASE}/assessments/{started['id']}/diff/previous", headers=admin(api, tenant))
    assert first.status_code == 404
    assert (
        await post(api, f"/assessments/{started['id']}/plan/actions/1.1.1/adoption", admin(api, tenant))
    ).status_code == 422  # superseded: its plan is closed


async def test_the_diff_between_two_moments_shows_answers_positioning_and_actions(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    answered = answer_everything(api, tenant, started["id"], level=1)
    boss = admin(api, tenant)
    record = await read(api, f"/assessments/{started['id']}", boss, wait_for=answered.notification_id)
    moment = record["version"]
    changed = await post(api, f"/assessments/{started['id']}/answers/3.1.1", boss, {"level": 4})
    assert changed.status_code == 200
    assert (await api.client.get(f"{BASE}/assessments/{started['id']}/diff", headers=boss)).status_code == 422
    diff = await read(api, f"/assessments/{started['id']}/diff", boss, from_version=moment)
    assert diff["answers"] == [
        {
            "indicator": "3.1.1",
            "change": "changed",
            "before": 1,
            "after": 4,
            "improve_before": False,
            "improve_after": False,
        }
    ]
    assert {m["code"] for m in diff["positioning"]} >= {"all", "3", "3.1"}
    assert diff["actions"] == [
        {"indicator": "3.1.1", "change": "removed", "status_before": "proposed", "status_after": None}
    ]


async def test_as_of_a_date_a_moment_or_a_version_replays_the_assessment_from_its_events(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    boss = admin(api, tenant)
    answered = answer_everything(api, tenant, started["id"], level=1)
    live_plan = await read(api, f"/assessments/{started['id']}/plan", boss, wait_for=answered.notification_id)
    middle = await read(api, f"/assessments/{started['id']}", boss, version=10)
    assert (middle["as_of_version"], middle["answered"]) == (10, 8)  # started, invited, then eight answers
    history = await read(api, f"/assessments/{started['id']}/history", boss)
    recorded_tenth = history[9]["recorded_at"]
    known = await read(api, f"/assessments/{started['id']}/plan", boss, known_at=recorded_tenth)
    by_version = await read(api, f"/assessments/{started['id']}/plan", boss, version=10)
    assert [a["indicator"] for a in known["actions"]] == [a["indicator"] for a in by_version["actions"]]
    assert len(by_version["actions"]) == 8 and known["as_of_version"] == 10
    assert known["known_at"] is not None and known["as_of"] is None
    latest = await read(api, f"/assessments/{started['id']}/plan", boss, version=history[-1]["version"])
    assert latest["actions"] == live_plan["actions"]
    positioning = await read(api, f"/assessments/{started['id']}/positioning", boss, version=10)
    assert positioning["overall"]["answered"] == 8
    # As of today (a date: the end of the day in Paris) is the live state, echoed with its date.
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    as_of_today = await read(api, f"/assessments/{started['id']}/plan", boss, as_of=today)
    assert as_of_today["actions"] == live_plan["actions"] and as_of_today["as_of"] == today
    assert (await read(api, f"/assessments/{started['id']}", boss, as_of=today))["answered"] == len(CODES)
    assert (
        await api.client.get(f"{BASE}/assessments/{UUID(int=7)}", headers=boss, params={"version": 2})
    ).status_code == 404


async def test_replays_are_strict_about_what_they_are_asked(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    boss = admin(api, tenant)
    last = answer_everything(api, tenant, started["id"], level=1).version
    url = f"{BASE}/assessments/{started['id']}"
    for path in ("", "/answers", "/positioning", "/plan"):
        # A version past the last one names a record that does not exist.
        past = await api.client.get(f"{url}{path}", headers=boss, params={"version": last + 1})
        assert past.status_code == 404, past.text
        assert f"pas de version {last + 1}" in past.json()["detail"] and f"est la {last}" in past.json()["detail"]
        # A version with a date or a moment contradicts itself.
        for other in ({"as_of": "2030-01-01"}, {"known_at": "2030-01-01T00:00:00Z"}):
            both = await api.client.get(f"{url}{path}", headers=boss, params={"version": 2, **other})
            assert both.status_code == 400, both.text
            assert "se contredisent" in both.json()["detail"] and both.json()["extra"]["field"] == "version"
        # `as_of` is a date: a date-time there is refused, and the message says to use `known_at`.
        moment = await api.client.get(f"{url}{path}", headers=boss, params={"as_of": "2030-01-01T00:00:00Z"})
        assert moment.status_code == 400 and moment.json()["extra"]["field"] == "as_of"
        assert "utilisez « known_at »" in moment.json()["detail"]
        for wrong in ("2030-02-30", "hier", "1700000000"):
            refused = await api.client.get(f"{url}{path}", headers=boss, params={"as_of": wrong})
            assert refused.status_code == 400 and "« as_of »" in refused.json()["detail"], refused.text
        # Before the assessment began: it did not exist then (404), never a refused command.
        for before in ({"as_of": "2001-01-01"}, {"known_at": "2001-01-01T00:00:00Z"}):
            early = await api.client.get(f"{url}{path}", headers=boss, params=before)
            assert early.status_code == 404, early.text
            assert "n'existait pas encore" in early.json()["detail"]
    # The calendar's ends are answers, not server errors (the positioning hands them to PostgreSQL).
    for edge in (
        {"as_of": "9999-12-31"},
        {"known_at": "9999-12-31T23:59:59-14:00"},
        {"as_of": "0001-01-01", "known_at": "0001-01-01T00:00:00+14:00"},
    ):
        answered = await api.client.get(f"{url}/positioning", headers=boss, params=edge)
        assert answered.status_code in (200, 404), answered.text
    # The diff takes the same parameters on each side, with the same rules.
    diff = f"{url}/diff"
    both = await api.client.get(diff, headers=boss, params={"from_version": 2, "from_as_of": "2030-01-01"})
    assert both.status_code == 400 and both.json()["extra"]["field"] == "from_version"
    as_moment = await api.client.get(diff, headers=boss, params={"to_as_of": "2030-01-01T10:00:00", "from_version": 2})
    assert as_moment.status_code == 400 and "utilisez « known_at »" in as_moment.json()["detail"]
    assert (await api.client.get(diff, headers=boss, params={"from_version": last + 1})).status_code == 404
    since_start = await read(api, f"/assessments/{started['id']}/diff", boss, from_version=2, to_known_at=_now())
    assert len(since_start["answers"]) == len(CODES)
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    assert (await read(api, f"/assessments/{started['id']}/diff", boss, from_as_of=today))["answers"] == []


def _now() -> str:
    return datetime.now(UTC).isoformat()


# --- the plan's follow-up ---------------------------------------------------------------------------------


async def test_the_team_adopts_schedules_completes_and_drops_plan_actions(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    answer_everything(api, tenant, started["id"], level=lambda code: 4 if code == "4.1.1" else 1)
    path = f"/assessments/{started['id']}/plan/actions"
    team = contributor(api, tenant, "marie")
    assert (await post(api, f"{path}/4.1.1/adoption", team)).status_code == 422  # at its objective: no action
    assert (await post(api, f"{path}/3.1.1/completion", team, {})).status_code == 422  # not adopted yet
    assert (await post(api, f"{path}/3.1.1/adoption", team)).status_code == 200
    assert (await post(api, f"{path}/3.1.1/adoption", team)).status_code == 422
    scheduled = await post(api, f"{path}/3.1.1/schedule", team, {"owner": "Marie", "due_on": "2016-06-30"})
    assert scheduled.status_code == 200
    assert (await post(api, f"{path}/3.1.1/completion", team, {"completed_on": "2016-06-01"})).status_code == 200
    assert (await post(api, f"{path}/3.1.1/drop", team, {"reason": "non"})).status_code == 422
    dropped = await post(api, f"{path}/2.1.1/drop", team, {"reason": "déjà couvert par le réseau"})
    assert dropped.status_code == 200
    plan = await read(api, f"/assessments/{started['id']}/plan", team, wait_for=dropped.json()["notification_id"])
    by_code = {a["indicator"]: a for a in plan["actions"]}
    assert (by_code["3.1.1"]["status"], by_code["3.1.1"]["owner"], by_code["3.1.1"]["completed_on"]) == (
        "done",
        "Marie",
        "2016-06-01",
    )
    assert by_code["2.1.1"]["status"] == "dropped"
    assert by_code["3.1.1"]["from_answers"][0]["kind"] == "answer"
    overview = await read(api, f"/members/{tenant}/overview", admin(api, tenant))
    assert "3.1.1" not in {a["indicator"] for a in overview["open_actions"]}
    assert len(overview["assessments"]) == 1 and overview["name"] == "AI Le Relais"


# --- positioning and figures across members ---------------------------------------------------------------


async def test_benchmarks_show_only_where_at_least_five_other_members_of_the_form_contribute(api: Api) -> None:
    given_referential(api)
    members = [given_member(api, f"AI Nord {i}") for i in range(6)]
    aci = given_member(api, "ACI Nord", forms=("ACI",))
    for i, tenant in enumerate([*members, aci]):
        assessment = (
            cap_app(api)
            .start_assessment(tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None)
            .id
        )
        result = given_validated(api, tenant, assessment, level=1 + i % 3)
    me = members[0]
    overview = await read(api, f"/members/{me}/overview", admin(api, me), wait_for=result.notification_id)
    mine = overview["assessments"][0]["assessment_id"]
    positioning = await read(api, f"/assessments/{mine}/positioning", admin(api, me))
    assert (positioning["benchmark_form"], positioning["benchmark_region"]) == ("AI", "NPC")
    overall = next(b for b in positioning["benchmarks"] if b["code"] == "all")
    assert overall["region_members"] == overall["network_members"] == 5  # the other five AI members
    assert overall["region_average"] is not None and overall["network_average"] is not None
    aci_assessment = (await read(api, f"/members/{aci}/overview", admin(api, aci)))["assessments"][0]
    lonely = await read(api, f"/assessments/{aci_assessment['assessment_id']}/positioning", admin(api, aci))
    assert all(b["region_average"] is None for b in lonely["benchmarks"])  # no other ACI: nothing shown
    dashboard = await read(api, "/regions/NPC/dashboard", api.token("regional_delegate", region="NPC", subject="d"))
    assert (dashboard["members"], dashboard["started"], dashboard["validated"]) == (7, 7, 7)
    assert dashboard["themes"][0]["code"] == "all" and dashboard["themes"][0]["members"] == 7
    assert dashboard["frequent_actions"] and dashboard["services"]
    network = await read(api, "/network/dashboard", api.staff)
    assert network["scope"] == "network" and network["validated"] == 7


def validated_at(api: Api, tenant: str, at: datetime, level: int = 2) -> Any:
    """A whole assessment of `tenant`, every event dated `at` (recorded now): its validation's result."""
    app, by = cap_app(api), principal(tenant)
    assessment_id = UUID(
        app.start_assessment(
            tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None, at=at
        ).id
    )
    app.invite_participant(
        assessment_id,
        directory=None,
        by=by,
        participant_id=by.subject,
        name="Équipe",
        kind="staff",
        sub_themes=(),
        at=at,
    )
    for code in CODES:
        app.answer(assessment_id, by=by, indicator=code, participant_id=by.subject, level=level, at=at)
    app.submit(assessment_id, by=by, at=at)
    return app.validate(assessment_id, by=by, at=at)


_REPLAY_ECHO = ("as_of", "known_at", "as_of_version")


async def test_the_positioning_as_of_a_moment_carries_the_benchmarks_as_they_stood_then(api: Api) -> None:
    given_referential(api)
    app = cap_app(api)
    now = datetime.now(UTC)
    me = given_member(api, "AI Moi")
    mine = app.start_assessment(
        tenant_id=me, region="NPC", forms=("AI",), scope="member", referential_version=None, at=now - timedelta(days=40)
    ).id
    early = [given_member(api, f"AI Pionnière {i}") for i in range(3)]
    late = [given_member(api, f"AI Tardive {i}") for i in range(2)]
    for tenant in early:
        validated_at(api, tenant, now - timedelta(days=20), level=1)
    fourth = app.assessment_events(UUID(validated_at(api, late[0], now - timedelta(days=1), level=3).id))
    result = validated_at(api, late[1], now - timedelta(days=1), level=3)
    url = f"/assessments/{mine}/positioning"
    boss = admin(api, me)
    live = await read(api, url, boss, wait_for=result.notification_id)
    overall = next(b for b in live["benchmarks"] if b["code"] == "all")
    assert (overall["network_members"], overall["network_average"]) == (5, 1.8)  # (3 × 1 + 2 × 3) / 5
    assert live["benchmark_members"] == "current"

    def benchmark(view: dict[str, Any]) -> dict[str, Any]:
        return next(b for b in view["benchmarks"] if b["code"] == "all")

    # As of today, and as known now: the live answer, benchmarks included.
    paris_today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    for asked in ({"as_of": paris_today.isoformat()}, {"known_at": datetime.now(UTC).isoformat()}):
        replayed = await read(api, url, boss, **asked)
        assert {k: v for k, v in replayed.items() if k not in _REPLAY_ECHO} == {
            k: v for k, v in live.items() if k not in _REPLAY_ECHO
        }
    # Ten days ago only the three early members had validated: three contribute, too few to show.
    then = await read(api, url, boss, as_of=(paris_today - timedelta(days=10)).isoformat())
    assert (benchmark(then)["network_members"], benchmark(then)["network_average"]) == (3, None)
    # Before anyone validated: no benchmark at all.
    assert (await read(api, url, boss, as_of=(paris_today - timedelta(days=30)).isoformat()))["benchmarks"] == []
    # As known when the fourth validation was recorded (whatever its own date): four members.
    known = await read(api, url, boss, known_at=fourth[-1].timestamp.isoformat())
    assert benchmark(known)["network_members"] == 4
    # As of the assessment's first version: what had been recorded by then (nothing validated yet).
    assert (await read(api, url, boss, version=1))["benchmarks"] == []


async def test_a_member_that_resigns_is_no_longer_chased_in_its_regions_follow_up_feed(api: Api) -> None:
    given_referential(api)
    leaving, staying = given_member(api, "AI Partante"), given_member(api, "AI Fidèle")
    app = cap_app(api)
    long_ago = datetime.now(UTC) - timedelta(days=90)
    stalled = {}
    for tenant in (leaving, staying):
        result = app.start_assessment(
            tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None, at=long_ago
        )
        stalled[tenant] = result.id
    delegate = api.token("regional_delegate", region="NPC", subject="delegue")
    # The feed joins le Cap's member directory, which follows the register's log: both members must
    # be in it (waiting for le Cap's own log only raced the directory under load).
    await caught_up(platform_of(api).database.url())
    feed = await read(api, "/regions/NPC/follow-up", delegate)
    assert {s["assessment_id"] for s in feed["stalled"]} == {stalled[leaving], stalled[staying]}
    resigned = await api.client.post(
        f"/api/membership/members/{leaving}/resignation", json={"reason": "départ"}, headers=api.staff
    )
    assert resigned.status_code == 200, resigned.text
    # le Cap's member directory follows the register's published facts: wait until it has this one.
    await caught_up(platform_of(api).database.url())
    feed = await read(api, "/regions/NPC/follow-up", delegate)
    assert [s["assessment_id"] for s in feed["stalled"]] == [stalled[staying]]
    dashboard = await read(api, "/regions/NPC/dashboard", delegate)
    assert dashboard["members"] == 1


async def test_the_follow_up_feed_lists_stalled_assessments_overdue_actions_and_waiting_reviews(api: Api) -> None:
    given_referential(api)
    quiet, busy = given_member(api, "AI Silencieuse"), given_member(api, "AI Active")
    app = cap_app(api)
    long_ago = datetime.now(UTC) - timedelta(days=90)
    stalled = UUID(
        app.start_assessment(
            tenant_id=quiet, region="NPC", forms=("AI",), scope="member", referential_version=None, at=long_ago
        ).id
    )
    app.invite_participant(
        stalled,
        directory=None,
        by=principal(quiet),
        participant_id="x",
        name="X",
        kind="staff",
        sub_themes=(),
        at=long_ago,
    )
    app.answer(stalled, by=principal(quiet), indicator="1.1.1", participant_id="x", level=2, at=long_ago)
    started = await given_started(api, busy)
    given_validated(api, busy, started["id"], level=1)
    app.adopt_action(UUID(started["id"]), "1.1.1", by=principal(busy))
    result = app.schedule_action(
        UUID(started["id"]), "1.1.1", by=principal(busy), owner="Directrice", due_on=date.today() - timedelta(days=10)
    )
    delegate = api.token("regional_delegate", region="NPC", subject="delegue")
    feed = await read(api, "/regions/NPC/follow-up", delegate, wait_for=result.notification_id)
    assert [s["assessment_id"] for s in feed["stalled"]] == [str(stalled)]
    assert feed["stalled"][0]["days_idle"] >= 89 and feed["stalled"][0]["member_name"] == "AI Silencieuse"
    assert [(o["indicator"], o["days_late"]) for o in feed["overdue_actions"]] == [("1.1.1", 10)]
    assert feed["waiting_reviews"] == []
    assert (await read(api, "/regions/NPC/follow-up", delegate, stalled_days=120))["stalled"] == []


# --- auditors ------------------------------------------------------------------------------------------


async def test_staff_grant_and_revoke_an_auditors_access(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    until = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    both = {
        "auditor_id": "x",
        "tenant_id": tenant,
        "assessment_id": started["id"],
        "valid_until": until,
        "reason": "audit",
    }
    assert (await post(api, "/access-grants", api.staff, both)).status_code == 422
    assert (
        await post(
            api,
            "/access-grants",
            api.staff,
            {"auditor_id": "x", "tenant_id": "nobody", "valid_until": until, "reason": "audit"},
        )
    ).status_code == 404
    assert (
        await post(
            api,
            "/access-grants",
            api.staff,
            {"auditor_id": "x", "assessment_id": str(UUID(int=3)), "valid_until": until, "reason": "audit"},
        )
    ).status_code == 404
    backwards = {"auditor_id": "x", "tenant_id": tenant, "valid_until": "2001-01-01T00:00:00Z", "reason": "audit"}
    assert (await post(api, "/access-grants", api.staff, backwards)).status_code == 422
    granted = await post(
        api,
        "/access-grants",
        api.staff,
        {"auditor_id": "x", "assessment_id": started["id"], "valid_until": until, "reason": "contrôle"},
    )
    assert granted.status_code == 201, granted.text
    auditor = api.token("auditor", subject="x")
    grants = await read(api, "/access-grants", auditor, wait_for=granted.json()["notification_id"])
    assert [g["tenant_id"] for g in grants] == [tenant]
    assert (await api.client.get(f"{BASE}/assessments/{started['id']}", headers=auditor)).status_code == 200
    revoked = await post(api, f"/access-grants/{granted.json()['id']}/revocation", api.staff, {"reason": "fini"})
    assert revoked.status_code == 200
    assert (
        await post(api, f"/access-grants/{granted.json()['id']}/revocation", api.staff, {"reason": "fini"})
    ).status_code == 422
    assert (await post(api, f"/access-grants/{UUID(int=5)}/revocation", api.staff, {"reason": "x"})).status_code == 404
    await read(api, "/access-grants", api.staff, wait_for=revoked.json()["notification_id"])
    assert (await api.client.get(f"{BASE}/assessments/{started['id']}", headers=auditor)).status_code == 404
    reads = await read(api, "/audit-reads", api.staff, assessment_id=started["id"])
    assert [(r["auditor_id"], r["resource"]) for r in reads] == [("x", "assessment")]
