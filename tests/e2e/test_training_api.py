"""The Fonds Mutualisés Solidaires through the real HTTP app: calls, applications, eligibility,
scoring, four-eyes decisions, settlement, dashboards, decision files and exports; and who may do
and see what (401, 403, 404 across tenants and outside a reviewer's assignments, 409, 422).

Members are registered in the membership service directly (as its own tests do through its API)
and reach the training service through its copy of the register; the rest goes through HTTP.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import given_person
from tests.helpers.training_api import (
    BASE,
    admin,
    amendment_body,
    application_body,
    call_body,
    given_awarded,
    given_call,
    given_draft,
    given_members,
    given_scored,
    given_submitted,
    read,
    reviewer,
    scores_body,
    staff,
)


async def test_requests_without_a_valid_token_are_refused(api: Api) -> None:
    for method, url in (
        ("get", "/calls"),
        ("post", "/calls"),
        ("get", f"/applications/{'0' * 8}-0000-0000-0000-{'0' * 12}"),
    ):
        response = await getattr(api.client, method)(f"{BASE}{url}", headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401, (url, response.text)
    assert (await api.client.get(f"{BASE}/calls")).status_code == 401


async def test_national_staff_open_a_call_that_everyone_can_read(api: Api) -> None:
    [tenant] = await given_members(api, 1)
    refused = await api.client.post(f"{BASE}/calls", json=call_body(), headers=admin(api, tenant))
    assert refused.status_code == 403
    call = await given_call(api)
    as_member = (await read(api, f"/calls/{call['id']}", admin(api, tenant), call)).json()
    as_staff = (await read(api, f"/calls/{call['id']}", api.staff)).json()
    assert as_member["title"] == "Appel à projets FMS" and as_member["envelope"] is None
    assert as_staff["envelope"]["available"] == "100000.00" and as_staff["envelope"]["fund_amount"] == "250000.00"
    assert [c["year"] for c in (await read(api, "/calls", admin(api, tenant))).json()] == [2015]


async def test_a_call_that_breaks_the_rules_is_refused_with_the_reason(api: Api) -> None:
    under_40 = await api.client.post(f"{BASE}/calls", json=call_body(envelope="90000.00"), headers=api.staff)
    assert under_40.status_code == 422 and "40 %" in under_40.json()["detail"]
    fractions = await api.client.post(f"{BASE}/calls", json=call_body(envelope="100000.001"), headers=api.staff)
    assert fractions.status_code == 400 and "envelope" in fractions.text
    unknown_field = await api.client.post(f"{BASE}/calls", json={**call_body(), "colour": "blue"}, headers=api.staff)
    assert unknown_field.status_code == 400
    await given_call(api)
    again = await api.client.post(f"{BASE}/calls", json=call_body(), headers=api.staff)
    assert again.status_code == 409 and "2015" in again.json()["detail"]


async def test_a_call_is_amended_only_before_its_first_application(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    url = f"{BASE}/calls/{call['id']}/amendment"
    amended = await api.client.post(
        url,
        json=amendment_body("Coquille", title="Appel 2015 (modifié)"),
        headers={**api.staff, "If-Match": str(call["version"])},
    )
    assert amended.status_code == 200, amended.text
    stale = await api.client.post(
        url, json=amendment_body("Encore"), headers={**api.staff, "If-Match": str(call["version"])}
    )
    assert stale.status_code == 409
    await given_submitted(api, call, lead)
    frozen = await api.client.post(url, json=amendment_body("Trop tard", title="Autre titre"), headers=api.staff)
    assert frozen.status_code == 422 and "candidature" in frozen.json()["detail"]


# --- applications: who sees and changes what ---------------------------------------------------------------


async def test_applicants_work_together_and_other_tenants_see_nothing(api: Api) -> None:
    lead, partner, stranger = await given_members(api, 3)
    [elsewhere] = await given_members(api, 1, region="NPC")
    call = await given_call(api)
    draft = await given_draft(api, call, lead, partners=(partner,))
    url = f"/applications/{draft['id']}"
    edited = await api.client.post(
        f"{BASE}{url}/draft",
        headers=admin(api, partner),
        json=application_body(partners=(partner,), summary="Complété par le partenaire"),
    )
    assert edited.status_code == 200, edited.text
    seen_by_lead = await read(api, url, admin(api, lead), edited.json())
    assert seen_by_lead.json()["content"]["summary"] == "Complété par le partenaire"
    assert seen_by_lead.json()["next_step"] == "complete_and_submit"
    assert (await read(api, url, admin(api, partner))).status_code == 200
    assert (await read(api, url, api.token("regional_delegate", region="BRE"))).status_code == 200
    for outsider in (
        admin(api, stranger),
        api.token("regional_delegate", region="NPC"),
        admin(api, elsewhere),
        reviewer(api, "evaluateur-1"),
    ):
        assert (await read(api, url, outsider)).status_code == 404
    for command in ("submission", "withdrawal", "draft"):
        body = {"reason": "x"} if command == "withdrawal" else application_body() if command == "draft" else None
        response = await api.client.post(f"{BASE}{url}/{command}", json=body, headers=admin(api, stranger))
        assert response.status_code == 404, (command, response.text)
    not_a_role = await api.client.post(f"{BASE}{url}/submission", headers=api.token("peer_reviewer", tenant=lead))
    assert not_a_role.status_code == 403
    listed = (await read(api, f"/members/{partner}/applications", admin(api, partner))).json()
    assert [i["application_id"] for i in listed["items"]] == [draft["id"]]
    assert (await read(api, f"/members/{partner}/applications", admin(api, stranger))).status_code == 404


async def test_submission_freezes_the_content_and_amendments_show_the_difference(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead)
    url = f"{BASE}/applications/{submitted['id']}"
    no_reason = await api.client.post(
        f"{url}/amendments", json={**application_body(), "reason": " "}, headers=admin(api, lead)
    )
    assert no_reason.status_code == 422
    amended = await api.client.post(
        f"{url}/amendments",
        headers=admin(api, lead),
        json={**application_body(requested="2500.00"), "reason": "Devis révisé"},
    )
    assert amended.status_code == 201 and amended.json()["amendment"] == 1, amended.text
    diff = (await read(api, f"/applications/{submitted['id']}/amendments", admin(api, lead), amended.json())).json()
    assert diff["amendments"] == 1
    assert diff["changes"] == [{"field": "requested", "before": "3000.00", "after": "2500.00"}]
    record = (await read(api, f"/applications/{submitted['id']}", admin(api, lead))).json()
    assert record["submitted_content"]["requested"] == "3000.00" and record["requested"] == "2500.00"
    assert record["eligibility"] == "eligible"  # checked again on the amended content


async def test_an_application_is_withdrawn_until_the_call_closes(api: Api) -> None:
    first, second = await given_members(api, 2)
    call = await given_call(api)
    withdrawn = await given_submitted(api, call, first)
    response = await api.client.post(
        f"{BASE}/applications/{withdrawn['id']}/withdrawal",
        json={"reason": "Projet reporté"},
        headers=admin(api, first),
    )
    assert response.status_code == 200
    draft = await given_draft(api, call, second)
    closed = await api.client.post(f"{BASE}/calls/{call['id']}/closure", json={}, headers=api.staff)
    assert closed.status_code == 200
    late = await api.client.post(f"{BASE}/applications/{draft['id']}/submission", headers=admin(api, second))
    assert late.status_code == 422 and "clos" in late.json()["detail"]
    record = (await read(api, f"/applications/{withdrawn['id']}", admin(api, first), closed.json())).json()
    assert record["status"] == "withdrawn" and record["next_step"] == "none"


# --- eligibility ---------------------------------------------------------------------------------------------


async def test_a_failed_eligibility_check_is_overridden_by_staff_with_a_written_reason(api: Api) -> None:
    [outsider] = await given_members(api, 1, accord=False)
    call = await given_call(api)
    submitted = await given_submitted(api, call, outsider)
    url = f"/applications/{submitted['id']}"
    record = (await read(api, url, admin(api, outsider), submitted)).json()
    assert record["eligibility"] == "ineligible" and record["next_step"] == "review_eligibility"
    failed = [c for c in record["checks"] if not c["passed"]]
    assert [c["code"] for c in failed] == [f"accord_groupe:{outsider}"] and failed[0]["observed"] == "non membre"
    body = {"check": failed[0]["code"], "reason": "Adhésion signée, en cours d'enregistrement"}
    assert (
        await api.client.post(f"{BASE}{url}/eligibility/overrides", json=body, headers=admin(api, outsider))
    ).status_code == 403
    passed = await api.client.post(
        f"{BASE}{url}/eligibility/overrides", headers=api.staff, json={"check": f"active:{outsider}", "reason": "x"}
    )
    assert passed.status_code == 422
    overridden = await api.client.post(f"{BASE}{url}/eligibility/overrides", json=body, headers=api.staff)
    assert overridden.status_code == 200, overridden.text
    record = (await read(api, url, api.staff, overridden.json())).json()
    assert record["eligibility"] == "eligible"
    assert [c["override"]["reason"] for c in record["checks"] if c["override"]] == [body["reason"]]
    rechecked = await api.client.post(f"{BASE}{url}/eligibility", json={}, headers=api.staff)
    assert rechecked.status_code == 200  # the override stands for the same check


# --- scoring: reviewers see only what they must score ----------------------------------------------------------


async def test_a_fund_reviewer_sees_and_scores_only_what_is_assigned_to_them(api: Api) -> None:
    lead, other_lead, reviewers_own = await given_members(api, 3)
    call = await given_call(api)
    mine = await given_submitted(api, call, lead)
    other = await given_submitted(api, call, other_lead)
    url = f"{BASE}/applications/{mine['id']}"
    rev_x, rev_1, rev_2 = (given_person(api, "fund_reviewer") for _ in range(3))
    conflicted = await api.client.post(
        f"{url}/reviewers", json={"reviewer_id": rev_x, "reviewer_enterprise": lead}, headers=api.staff
    )
    assert conflicted.status_code == 422 and "conflit" in conflicted.json()["detail"]
    assigned = await api.client.post(f"{url}/reviewers", json={"reviewer_id": rev_1}, headers=api.staff)
    assert assigned.status_code == 200
    rev = reviewer(api, rev_1)
    assert (await read(api, f"/applications/{mine['id']}", rev, assigned.json())).status_code == 200
    assert (await read(api, f"/applications/{other['id']}", rev)).status_code == 404
    listed = (await read(api, f"/calls/{call['id']}/applications", rev)).json()
    assert [i["application_id"] for i in listed["items"]] == [mine["id"]]
    assignments = (await read(api, "/reviewer/assignments", rev)).json()
    assert [(a["application_id"], a["scored"]) for a in assignments] == [(mine["id"], False)]
    assert (
        await api.client.post(f"{BASE}/applications/{other['id']}/scores", json=scores_body(), headers=rev)
    ).status_code == 404
    assert (await api.client.post(f"{url}/scores", json=scores_body(declared=False), headers=rev)).status_code == 422
    incomplete = await api.client.post(f"{url}/scores", json=scores_body(criteria=("pertinence",)), headers=rev)
    assert incomplete.status_code == 422 and "cout" in incomplete.json()["detail"]
    assert (await api.client.post(f"{url}/scores", json=scores_body(), headers=admin(api, lead))).status_code == 403
    # A reviewer whose token names one of the applicant enterprises may not score it.
    own = await api.client.post(f"{url}/reviewers", json={"reviewer_id": rev_2}, headers=api.staff)
    assert own.status_code == 200
    refused = await api.client.post(f"{url}/scores", json=scores_body(), headers=reviewer(api, rev_2, lead))
    assert refused.status_code == 403
    scored = await api.client.post(f"{url}/scores", json=scores_body(), headers=reviewer(api, "rev-3", reviewers_own))
    assert scored.status_code == 404  # not assigned: not there for them
    scored = await api.client.post(f"{url}/scores", json=scores_body(), headers=rev)
    assert scored.status_code == 200, scored.text
    record = (await read(api, f"/applications/{mine['id']}", rev, scored.json())).json()
    assert [s["reviewer_id"] for s in record["scores"]] == [rev_1] and record["decision"] is None
    member_view = (await read(api, f"/applications/{mine['id']}", admin(api, lead))).json()
    assert member_view["scores"] is None and member_view["reviewers"] is None


async def test_an_assigned_reviewer_declares_a_conflict_and_steps_aside(api: Api) -> None:
    (lead,) = await given_members(api, 1)
    call = await given_call(api)
    mine = await given_submitted(api, call, lead)
    url = f"{BASE}/applications/{mine['id']}"
    rev_1, rev_2 = (given_person(api, "fund_reviewer") for _ in range(2))
    assert (
        await api.client.post(f"{url}/reviewers", json={"reviewer_id": rev_1}, headers=api.staff)
    ).status_code == 200
    unassigned = await api.client.post(
        f"{url}/conflict-of-interest", json={"reason": "Ancien salarié"}, headers=reviewer(api, rev_2)
    )
    assert unassigned.status_code == 404
    no_reason = await api.client.post(f"{url}/conflict-of-interest", json={"reason": ""}, headers=reviewer(api, rev_1))
    assert no_reason.status_code in (400, 422) and "reason" in no_reason.text
    declared = await api.client.post(
        f"{url}/conflict-of-interest",
        json={"reason": "J'ai présidé l'association l'an dernier"},
        headers=reviewer(api, rev_1),
    )
    assert declared.status_code == 200, declared.text
    # Stepped aside: the application is no longer theirs to read or score, nor to be given again.
    assert (await read(api, f"/applications/{mine['id']}", reviewer(api, rev_1), declared.json())).status_code == 404
    again = await api.client.post(f"{url}/reviewers", json={"reviewer_id": rev_1}, headers=api.staff)
    assert again.status_code == 422


# --- decisions, four-eyes review, notification ---------------------------------------------------------------


async def test_a_decision_is_reviewed_by_another_staff_member_before_the_applicant_sees_it(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead)
    await given_scored(api, submitted)
    url = f"{BASE}/applications/{submitted['id']}"
    too_much = await api.client.post(
        f"{url}/decision", json={"outcome": "award", "amount": "3500.00", "reason": "x"}, headers=staff(api, "marie")
    )
    assert too_much.status_code == 422 and "demandé" in too_much.json()["detail"]
    no_amount = await api.client.post(
        f"{url}/decision", json={"outcome": "award", "reason": "x"}, headers=staff(api, "marie")
    )
    assert no_amount.status_code == 400 and "amount" in no_amount.text
    decided = await api.client.post(
        f"{url}/decision",
        json={"outcome": "award", "amount": "3000.00", "reason": "Projet retenu"},
        headers=staff(api, "marie"),
    )
    assert decided.status_code == 200, decided.text
    member_view = (await read(api, f"/applications/{submitted['id']}", admin(api, lead), decided.json())).json()
    assert member_view["status"] == "under_review" and member_view["decision"] is None
    own_review = await api.client.post(f"{url}/review", json={"outcome": "approve"}, headers=staff(api, "marie"))
    assert own_review.status_code == 403
    silent = await api.client.post(f"{url}/review", json={"outcome": "send_back"}, headers=staff(api, "paul"))
    assert silent.status_code == 400 and "comment" in silent.text
    sent_back = await api.client.post(
        f"{url}/review", json={"outcome": "send_back", "comment": "Montant à revoir"}, headers=staff(api, "paul")
    )
    assert sent_back.status_code == 200
    queue = (await read(api, f"/calls/{call['id']}/dashboard", api.staff, sent_back.json())).json()["review_queue"]
    assert queue == []
    redecided = await api.client.post(
        f"{url}/decision",
        json={"outcome": "award", "amount": "2800.00", "reason": "Montant ajusté"},
        headers=staff(api, "marie"),
    )
    assert redecided.status_code == 200
    queue = (await read(api, f"/calls/{call['id']}/dashboard", api.staff, redecided.json())).json()["review_queue"]
    assert [(q["application_id"], q["amount"], q["decided_by"]) for q in queue] == [
        (submitted["id"], "2800.00", "marie")
    ]
    approved = await api.client.post(f"{url}/review", json={"outcome": "approve"}, headers=staff(api, "paul"))
    assert approved.status_code == 200
    member_view = (await read(api, f"/applications/{submitted['id']}", admin(api, lead), approved.json())).json()
    assert member_view["status"] == "awarded" and member_view["decision"]["amount"] == "2800.00"
    assert member_view["next_step"] == "report_actuals" and member_view["awarded"] == "2800.00"
    envelope = (await read(api, f"/calls/{call['id']}/envelope", api.staff)).json()
    assert envelope["committed"] == "2800.00"
    assert [(line["kind"], line["amount"], line["released"]) for line in envelope["lines"]] == [
        ("initial", "100000.00", None),
        ("committed", "3000.00", None),
        ("committed", "2800.00", "3000.00"),
    ]


async def test_a_rejection_releases_what_the_application_held(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead)
    await given_scored(api, submitted)
    url = f"{BASE}/applications/{submitted['id']}"
    await api.client.post(
        f"{url}/decision", json={"outcome": "award", "amount": "3000.00", "reason": "x"}, headers=staff(api, "marie")
    )
    await api.client.post(
        f"{url}/review", json={"outcome": "send_back", "comment": "Dossier incomplet"}, headers=staff(api, "paul")
    )
    rejected = await api.client.post(
        f"{url}/decision", json={"outcome": "reject", "reason": "Dossier incomplet"}, headers=staff(api, "marie")
    )
    assert rejected.status_code == 200
    envelope = (await read(api, f"/calls/{call['id']}/envelope", api.staff, rejected.json())).json()
    assert envelope["available"] == "100000.00" and envelope["lines"][-1]["kind"] == "released"


async def test_settlement_pays_pro_rata_and_returns_the_rest_to_the_envelope(api: Api) -> None:
    lead, partner = await given_members(api, 2)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead, partners=(partner,))
    await given_scored(api, submitted)
    await given_awarded(api, submitted)
    url = f"{BASE}/applications/{submitted['id']}"
    incomplete = await api.client.post(
        f"{url}/actuals",
        headers=admin(api, lead),
        json={"trainings": [{"training": 0, "trainees": 8, "hours": 14, "cost": "6400.00"}]},
    )
    assert incomplete.status_code == 422
    # 8 of 10 trainees on the first training, the partner's training as planned: 140 of 168 trainee-hours.
    actuals = {
        "trainings": [
            {"training": 0, "trainees": 8, "hours": 14, "cost": "6400.00"},
            {"training": 1, "trainees": 4, "hours": 7, "cost": "1000.00"},
        ]
    }
    assert (await api.client.post(f"{url}/actuals", json=actuals, headers=api.staff)).status_code == 403
    reported = await api.client.post(f"{url}/actuals", json=actuals, headers=admin(api, partner))
    assert reported.status_code == 200
    settled = await api.client.post(f"{url}/settlement", json={}, headers=api.staff)
    assert settled.status_code == 200, settled.text
    record = (await read(api, f"/applications/{submitted['id']}", admin(api, lead), settled.json())).json()
    assert record["status"] == "settled" and record["settled"] == "2500.00"  # 3,000 € × 140/168
    assert (record["delivered_trainees"], record["delivered_hours"]) == (12, 21)
    envelope = (await read(api, f"/calls/{call['id']}/envelope", api.staff)).json()
    assert (envelope["paid"], envelope["committed"], envelope["available"]) == ("2500.00", "0.00", "97500.00")
    assert envelope["lines"][-1] == {
        **envelope["lines"][-1],
        "kind": "settled",
        "amount": "2500.00",
        "released": "500.00",
    }
    before = (
        await read(api, f"/calls/{call['id']}/envelope?at={approved_time(envelope, 'committed')}", api.staff)
    ).json()
    assert (before["committed"], before["paid"]) == ("3000.00", "0.00")
    dashboard = (await read(api, f"/calls/{call['id']}/dashboard", api.staff)).json()
    figures = dashboard["call"]
    assert (figures["applications_retained"], figures["enterprises_retained"]) == (1, 2)
    assert (figures["trainees_planned"], figures["trainees_delivered"], figures["hours_delivered"]) == (14, 12, 21)
    assert figures["awarded"] == "3000.00" and figures["settled"] == "2500.00" and figures["available"] == "97500.00"
    assert [r["key"] for r in dashboard["regions"]] == ["BRE"] and [f["key"] for f in dashboard["forms"]] == ["AI"]
    region = await read(api, f"/calls/{call['id']}/regions/BRE/dashboard", api.token("regional_delegate", region="BRE"))
    assert region.status_code == 200 and region.json()["enterprises_retained"] == 2
    assert (
        await read(api, f"/calls/{call['id']}/regions/BRE/dashboard", api.token("regional_delegate", region="NPC"))
    ).status_code == 404
    overview = (await read(api, "/regions/BRE/overview", api.token("regional_delegate", region="BRE"))).json()
    assert [a["application_id"] for a in overview["applications"]] == [submitted["id"]]
    assert (await read(api, "/regions/BRE/overview", api.token("regional_delegate", region="NPC"))).status_code == 404
    assert (await read(api, f"/calls/{call['id']}/dashboard", admin(api, lead))).status_code == 403


def approved_time(envelope: dict[str, Any], kind: str) -> str:
    """Just after the envelope line of that kind was recorded."""
    line = next(line for line in envelope["lines"] if line["kind"] == kind)
    return line["recorded_at"].replace("+00:00", "Z")


# --- decision files, exports, what-if ---------------------------------------------------------------------------


async def test_the_decision_file_explains_the_decision_to_staff_and_granted_auditors(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead)
    await given_scored(api, submitted)
    approved = await given_awarded(api, submitted, amount="2000.00")
    url = f"/applications/{submitted['id']}/decision-file"
    record = (await read(api, url, api.staff, approved)).json()
    events = [e["event"] for e in record["entries"]]
    assert events == [
        "Drafted",
        "Submitted",
        "EligibilityChecked",
        "ReviewerAssigned",
        "Scored",
        "AwardDecided",
        "AwardCommitted",
        "DecisionApproved",
    ]
    decided = next(e for e in record["entries"] if e["event"] == "AwardDecided")
    assert decided["actor_id"] == "marie" and decided["details"]["envelope"] == {
        "total": "100000.00",
        "available_before": "100000.00",
        "available_after": "98000.00",
    }
    assert decided["details"]["score"] == "80.00" and decided["details"]["allowed_maximum"] == "5600.00"
    assert record["scores"][0]["scores"][0]["comment"] == "Bien argumenté"
    auditor = api.token("auditor", subject="auditrice-1")
    assert (await read(api, url, auditor)).status_code == 404
    assert (await read(api, f"/calls/{call['id']}/decisions.csv", auditor)).status_code == 404
    assert (await read(api, url, admin(api, lead))).status_code == 403
    granted = await api.client.post(
        f"{BASE}/calls/{call['id']}/audit-grants",
        headers=api.staff,
        json={"auditor_id": "auditrice-1", "reason": "Contrôle annuel du fonds"},
    )
    assert granted.status_code == 201
    assert (await read(api, url, auditor, granted.json())).json()["decision"]["amount"] == "2000.00"
    csv = await read(api, f"/calls/{call['id']}/decisions.csv", auditor)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Candidature;Intitulé") and "2000,00" in lines[1] and len(lines) == 2
    xlsx = await read(api, f"/calls/{call['id']}/decisions.xlsx", api.staff)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (await read(api, f"/calls/{call['id']}/decisions.csv", admin(api, lead))).status_code == 403


async def test_what_if_ranks_the_scored_applications_without_deciding(api: Api) -> None:
    leads = await given_members(api, 3)
    call = await given_call(api)
    applications = [await given_submitted(api, call, lead) for lead in leads]
    for application in applications:
        written = await given_scored(api, application)
    answer = await read(api, f"/calls/{call['id']}/what-if?envelope=7000.00", api.staff, written)
    assert answer.status_code == 200, answer.text
    what_if = answer.json()
    assert [line["outcome"] for line in what_if["lines"]] == ["full", "full", "partial"]
    assert what_if["funded_total"] == "7000.00" and what_if["lines"][2]["funded"] == "1000.00"
    cut = (await read(api, f"/calls/{call['id']}/what-if?cutoff_score=90", api.staff)).json()
    assert cut["below_cutoff"] == 3 and cut["funded_total"] == "0.00"
    assert (await read(api, f"/calls/{call['id']}/what-if", admin(api, leads[0]))).status_code == 403
    envelope = (await read(api, f"/calls/{call['id']}/envelope", api.staff)).json()
    assert envelope["committed"] == "0.00"  # nothing was decided


# --- concurrency, idempotency, unknown records ---------------------------------------------------------------------


async def test_decisions_racing_over_http_never_overspend_and_each_refusal_says_why(api: Api) -> None:
    leads = await given_members(api, 6)
    call = await given_call(api, envelope="6000.00", fund_amount="15000.00")
    applications = [await given_submitted(api, call, lead) for lead in leads]
    for application in applications:
        await given_scored(api, application)
    answers = await asyncio.gather(
        *[
            api.client.post(
                f"{BASE}/applications/{a['id']}/decision",
                headers=staff(api, f"staff-{i}"),
                json={"outcome": "award", "amount": "2500.00", "reason": "Retenu"},
            )
            for i, a in enumerate(applications)
        ]
    )
    assert sorted(a.status_code for a in answers) == [200, 200, 409, 409, 409, 409]
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["error"] in ("envelope_exceeded", "concurrent_change")
        if refused.json()["error"] == "envelope_exceeded":
            assert refused.json()["extra"] == {"amount": "2500.00", "available": "1000.00"}
    envelope = (
        await read(
            api,
            f"/calls/{call['id']}/envelope",
            api.staff,
            max((a.json() for a in answers if a.status_code == 200), key=lambda r: r["notification_id"]),
        )
    ).json()
    assert envelope["committed"] == "5000.00" and envelope["available"] == "1000.00"


async def test_a_retried_command_with_the_same_idempotency_key_is_applied_once(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    draft = await given_draft(api, call, lead)
    headers = {**admin(api, lead), "Idempotency-Key": "submit-1"}
    first = await api.client.post(f"{BASE}/applications/{draft['id']}/submission", headers=headers)
    again = await api.client.post(f"{BASE}/applications/{draft['id']}/submission", headers=headers)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()


async def test_unknown_calls_and_applications_are_404_and_malformed_ids_400(api: Api) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for url in (
        f"/calls/{unknown}",
        f"/calls/{unknown}/dashboard",
        f"/applications/{unknown}",
        f"/applications/{unknown}/decision-file",
        f"/calls/{unknown}/envelope",
    ):
        assert (await read(api, url, api.staff)).status_code == 404, url
    decision = await api.client.post(
        f"{BASE}/applications/{unknown}/decision", headers=api.staff, json={"outcome": "reject", "reason": "x"}
    )
    assert decision.status_code == 404
    assert (await read(api, "/applications/not-an-id", api.staff)).status_code in (400, 404)


# --- every route, as someone who should not get through ---------------------------------------------------


def routes(call: str, application: str, lead: str) -> list[tuple[str, str, Any]]:
    """(method, url, body) of every training route that names a call, an application or a member."""
    a = f"/applications/{application}"
    c = f"/calls/{call}"
    return [
        ("get", a, None),
        ("get", f"{a}/amendments", None),
        ("get", f"{a}/decision-file", None),
        ("post", f"{a}/draft", application_body()),
        ("post", f"{a}/submission", None),
        ("post", f"{a}/amendments", {**application_body(), "reason": "x"}),
        ("post", f"{a}/withdrawal", {"reason": "x"}),
        ("post", f"{a}/actuals", {"trainings": [{"training": 0, "trainees": 1, "hours": 1, "cost": "1.00"}]}),
        ("post", f"{a}/eligibility", {}),
        ("post", f"{a}/eligibility/overrides", {"check": "x", "reason": "x"}),
        ("post", f"{a}/reviewers", {"reviewer_id": "x"}),
        ("post", f"{a}/scores", scores_body()),
        ("post", f"{a}/decision", {"outcome": "reject", "reason": "x"}),
        ("post", f"{a}/review", {"outcome": "approve"}),
        ("post", f"{a}/decision-withdrawal", {"reason": "x"}),
        ("post", f"{a}/settlement", {}),
        ("get", f"{c}/dashboard", None),
        ("get", f"{c}/envelope", None),
        ("get", f"{c}/what-if", None),
        ("get", f"{c}/decisions.csv", None),
        ("get", f"{c}/decisions.xlsx", None),
        ("get", f"{c}/regions/BRE/dashboard", None),
        ("post", f"{c}/amendment", amendment_body("x")),
        ("post", f"{c}/top-ups", {"amount": "1.00", "reason": "x"}),
        ("post", f"{c}/closure", {}),
        ("post", f"{c}/results", {}),
        ("post", f"{c}/audit-grants", {"auditor_id": "x", "reason": "x"}),
        ("post", f"{c}/cancellation", {"reason": "x"}),
        ("post", f"{c}/applications", application_body()),
        ("post", f"{c}/recorded-applications", {**application_body(), "lead_id": lead, "on": "2015-02-01"}),
        ("get", f"/members/{lead}/applications", None),
        ("get", "/regions/BRE/overview", None),
        ("get", "/reviewer/assignments", None),
    ]


# What another tenant's member and a reviewer not assigned to the application get: 403 where their role
# may not act at all, 404 where it may but the record is not theirs (it is simply not there).
OTHER_MEMBER = {
    "get /applications/{a}": 404,
    "get /applications/{a}/amendments": 404,
    "post /applications/{a}/draft": 404,
    "post /applications/{a}/submission": 404,
    "post /applications/{a}/amendments": 404,
    "post /applications/{a}/withdrawal": 404,
    "post /applications/{a}/actuals": 404,
    "get /members/{m}/applications": 404,
    "post /calls/{c}/applications": 201,
}
UNASSIGNED_REVIEWER = {
    "get /applications/{a}": 404,
    "get /applications/{a}/amendments": 404,
    "post /applications/{a}/scores": 404,
    "get /reviewer/assignments": 200,
}


async def test_no_route_lets_another_tenant_or_an_unassigned_reviewer_through(api: Api) -> None:
    lead, stranger = await given_members(api, 2)
    call = await given_call(api)
    application = await given_submitted(api, call, lead)
    await given_scored(api, application)
    mismatches = []
    for who, headers, expected in (
        ("other tenant", admin(api, stranger), OTHER_MEMBER),
        ("unassigned reviewer", reviewer(api, "evaluateur-2"), UNASSIGNED_REVIEWER),
    ):
        for method, url, body in routes(call["id"], application["id"], lead):
            key = f"{method} " + url.replace(application["id"], "{a}").replace(call["id"], "{c}").replace(lead, "{m}")
            kwargs = {"json": body} if method == "post" else {}
            response = await getattr(api.client, method)(f"{BASE}{url}", headers=headers, **kwargs)
            if response.status_code != expected.get(key, 403):
                mismatches.append((who, key, response.status_code, response.text[:120]))
    assert mismatches == []
    # The other tenant saw nothing of the lead's application through the call's list either.
    listed = (await read(api, f"/calls/{call['id']}/applications", admin(api, stranger))).json()
    assert [i["lead_id"] for i in listed["items"]] == [stranger]  # only the draft it just started


async def test_the_training_routes_are_in_the_openapi_document(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    paths = [p for p in schema["paths"] if p.startswith(BASE)]
    assert len(paths) >= 25 and f"{BASE}/calls/{{call_id}}/dashboard" in paths
