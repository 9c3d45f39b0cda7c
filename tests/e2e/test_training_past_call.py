"""A past call recorded with its own dates, through the real HTTP app: national staff date each act
(`on`), a date out of the call's order or in the future is refused naming the field and both
dates, and the envelope reads back as of a date and as known at a moment.

The applicants' acts (drafts, submissions) go through the service layer with their 2012 dates, as
the importer will: the applicants' routes date an act by today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.people import given_person
from tests.helpers.training_api import (
    BASE,
    admin,
    application_body,
    call_body,
    given_call,
    given_draft,
    given_members,
    given_scored,
    given_submitted,
    platform_of,
    read,
    reviewer,
    scores_body,
    staff,
)
from tests.helpers.training_application import content, member, training_app

OPENS, CLOSES = date(2012, 1, 16), date(2012, 3, 31)


async def given_2012_call(api: Api) -> dict[str, Any]:
    body = call_body(2012, opens_on=OPENS.isoformat(), closes_on=CLOSES.isoformat(), on=OPENS.isoformat())
    response = await api.client.post(f"{BASE}/calls", json=body, headers=api.staff)
    assert response.status_code == 201, response.text
    return response.json()


def submitted_in_2012(api: Api, call_id: str, lead: str, requested: str = "3000.00") -> str:
    app = training_app(platform_of(api))
    with member(lead):
        request = content(lead, requested=requested)
        draft = app.draft_application(UUID(call_id), lead_id=lead, content=request, on=date(2012, 2, 1))
        app.submit(UUID(draft.id), acting_for=lead, on=date(2012, 3, 15))
    return draft.id


async def post(api: Api, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return await api.client.post(f"{BASE}{url}", json=body, headers=headers)


async def test_a_2012_call_is_recorded_with_its_own_dates_and_reads_back_as_it_happened(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_2012_call(api)
    calls = f"/calls/{call['id']}"
    application = f"/applications/{submitted_in_2012(api, call['id'], lead)}"

    closed = await post(api, f"{calls}/closure", {"on": CLOSES.isoformat()}, api.staff)
    assert closed.status_code == 200, closed.text
    evaluator = given_person(api, "fund_reviewer")
    assigned = await post(api, f"{application}/reviewers", {"reviewer_id": evaluator}, api.staff)
    assert assigned.status_code == 200, assigned.text
    early_score = await post(
        api, f"{application}/scores", {**scores_body(), "on": "2012-03-30"}, reviewer(api, evaluator)
    )
    assert early_score.status_code == 422 and early_score.json()["extra"]["field"] == "on"
    assert "30/03/2012" in early_score.json()["detail"] and "31/03/2012" in early_score.json()["detail"]
    scored = await post(api, f"{application}/scores", {**scores_body(), "on": "2012-04-10"}, reviewer(api, evaluator))
    assert scored.status_code == 200, scored.text
    decided = await post(
        api,
        f"{application}/decision",
        {"outcome": "award", "amount": "3000.00", "reason": "Retenu", "on": "2012-04-20"},
        staff(api, "marie"),
    )
    assert decided.status_code == 200, decided.text
    topped = await post(
        api, f"{calls}/top-ups", {"amount": "50000.00", "reason": "Partenaire", "on": "2012-04-22"}, api.staff
    )
    assert topped.status_code == 201, topped.text
    approved = await post(api, f"{application}/review", {"outcome": "approve", "on": "2012-04-25"}, staff(api, "paul"))
    assert approved.status_code == 200, approved.text
    published = await post(api, f"{calls}/results", {"on": "2012-05-02"}, api.staff)
    assert published.status_code == 200, published.text

    record = (await read(api, calls, api.staff, published.json())).json()
    assert (record["closed_on"], record["results_published_on"]) == ("2012-03-31", "2012-05-02")
    before_top_up = (await read(api, f"{calls}/envelope?as_of=2012-04-21", api.staff)).json()
    assert (before_top_up["envelope_total"], before_top_up["committed"]) == ("100000.00", "3000.00")
    assert before_top_up["as_of"] == "2012-04-21"
    after = (await read(api, f"{calls}/envelope?as_of=2012-04-22", api.staff)).json()
    assert after["envelope_total"] == "150000.00"
    live = (await read(api, f"{calls}/envelope", api.staff)).json()
    assert [line["effective_on"] for line in live["lines"]] == ["2012-01-16", "2012-04-20", "2012-04-22"]
    known_before_top_up = (
        await read(api, f"{calls}/envelope?known_at={live['lines'][1]['recorded_at'].replace('+', '%2B')}", api.staff)
    ).json()
    assert known_before_top_up["envelope_total"] == "100000.00"
    export = await read(api, f"{calls}/decisions.csv", api.staff)
    assert export.status_code == 200 and "2012-04-20" in export.text  # « Décidé le »: the decision's own date

    # The applicant's report of what was delivered came on paper: staff record it on its date.
    actuals = {"trainings": [{"training": 0, "trainees": 8, "hours": 14, "cost": "7000.00"}]}
    as_member = await post(api, f"{application}/recorded-actuals", {**actuals, "on": "2012-11-15"}, admin(api, lead))
    assert as_member.status_code == 403
    before_decision = await post(api, f"{application}/recorded-actuals", {**actuals, "on": "2012-04-19"}, api.staff)
    assert before_decision.status_code == 422 and before_decision.json()["extra"]["field"] == "on", before_decision.text
    reported = await post(api, f"{application}/recorded-actuals", {**actuals, "on": "2012-11-15"}, api.staff)
    assert reported.status_code == 200, reported.text
    settled = await post(api, f"{application}/settlement", {"on": "2012-12-03"}, api.staff)
    assert settled.status_code == 200, settled.text
    ledger = (await read(api, f"{calls}/envelope", api.staff, settled.json())).json()
    assert ledger["lines"][-1]["kind"] == "settled" and ledger["lines"][-1]["effective_on"] == "2012-12-03"
    assert (await read(api, f"{calls}/envelope?as_of=2012-12-02", api.staff)).json()["paid"] == "0.00"


async def test_acts_out_of_the_call_order_or_in_the_future_are_refused_naming_both_dates(api: Api) -> None:
    call = await given_2012_call(api)
    calls = f"/calls/{call['id']}"
    before = await post(api, f"{calls}/top-ups", {"amount": "1000.00", "reason": "x", "on": "1999-01-01"}, api.staff)
    assert before.status_code == 422, before.text
    assert before.json()["extra"]["field"] == "on" and "01/01/1999" in before.json()["detail"]
    assert "16/01/2012" in before.json()["detail"]
    closure = await post(api, f"{calls}/closure", {"on": "2009-01-01"}, api.staff)
    assert closure.status_code == 422 and "01/01/2009" in closure.json()["detail"]
    tomorrow = (training_app(platform_of(api)).today() + timedelta(days=1)).isoformat()
    future = await post(api, f"{calls}/closure", {"on": tomorrow}, api.staff)
    assert future.status_code == 422 and future.json()["extra"]["field"] == "on", future.text
    assert "futur" in future.json()["detail"]
    opened_later = await api.client.post(f"{BASE}/calls", json=call_body(2013, on=tomorrow), headers=api.staff)
    assert opened_later.status_code == 422, opened_later.text
    not_a_date = await post(api, f"{calls}/closure", {"on": "31/03/2012"}, api.staff)
    assert not_a_date.status_code == 400 and "on" in not_a_date.text
    too_early = await read(api, f"{calls}/envelope?as_of=2011-12-31", api.staff, call)
    assert too_early.status_code == 404 and "31/12/2011" in too_early.json()["detail"]
    moment = "2012-01-20T10:00:00Z"
    both = await read(api, f"{calls}/envelope?at={moment}&known_at={moment}", api.staff, call)
    assert both.status_code == 422 and both.json()["extra"]["field"] == "at"


async def test_two_calls_in_a_year_are_told_apart_by_their_label_and_one_can_be_cancelled(api: Api) -> None:
    [lead] = await given_members(api, 1)
    first = await given_2012_call(api)
    again = await api.client.post(f"{BASE}/calls", json=call_body(2012), headers=api.staff)
    assert again.status_code == 409 and "label" in again.json()["detail"]
    body = call_body(2012, label="2e appel", opens_on=OPENS.isoformat(), closes_on=CLOSES.isoformat())
    second = await api.client.post(f"{BASE}/calls", json={**body, "on": OPENS.isoformat()}, headers=api.staff)
    assert second.status_code == 201, second.text
    assert second.json()["id"] != first["id"]
    no_reason = await post(api, f"/calls/{second.json()['id']}/cancellation", {"reason": ""}, api.staff)
    assert no_reason.status_code in (400, 422) and "reason" in no_reason.text
    cancelled = await post(
        api,
        f"/calls/{second.json()['id']}/cancellation",
        {"reason": "Ouvert par erreur", "on": "2012-02-01"},
        api.staff,
    )
    assert cancelled.status_code == 200, cancelled.text
    record = (await read(api, f"/calls/{second.json()['id']}", api.staff, cancelled.json())).json()
    assert (record["status"], record["label"], record["cancelled_on"]) == ("cancelled", "2e appel", "2012-02-01")
    assert record["cancellation_reason"] == "Ouvert par erreur"
    drafted = await api.client.post(
        f"{BASE}/calls/{second.json()['id']}/applications",
        json={"title": "Projet", "requested": "1000.00"},
        headers=admin(api, lead),
    )
    assert drafted.status_code == 422 and "annulé" in drafted.json()["detail"]
    top_up = await post(
        api, f"/calls/{second.json()['id']}/top-ups", {"amount": "10.00", "reason": "x", "on": "2012-02-02"}, api.staff
    )
    assert top_up.status_code == 422 and "annulé" in top_up.json()["detail"]


async def test_a_decision_taken_back_by_its_decider_releases_its_money_and_leaves_the_review_queue(
    api: Api,
) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    application = await given_submitted(api, call, lead)
    await given_scored(api, application)
    url = f"/applications/{application['id']}"
    decided = await post(api, f"{url}/decision", {"outcome": "award", "amount": "3000.00"}, staff(api, "marie"))
    assert decided.status_code == 200, decided.text
    queued = (await read(api, f"/calls/{call['id']}/dashboard", api.staff, decided.json())).json()
    assert [q["application_id"] for q in queued["review_queue"]] == [application["id"]]
    by_other = await post(api, f"{url}/decision-withdrawal", {"reason": "Erreur"}, staff(api, "paul"))
    assert by_other.status_code == 403, by_other.text
    withdrawn = await post(api, f"{url}/decision-withdrawal", {"reason": "Montant erroné"}, staff(api, "marie"))
    assert withdrawn.status_code == 200, withdrawn.text
    envelope = (await read(api, f"/calls/{call['id']}/envelope", api.staff, withdrawn.json())).json()
    assert (envelope["committed"], envelope["available"]) == ("0.00", "100000.00")
    assert envelope["lines"][-1]["kind"] == "released"
    dashboard = (await read(api, f"/calls/{call['id']}/dashboard", api.staff, withdrawn.json())).json()
    assert dashboard["review_queue"] == []
    record = (await read(api, url, api.staff, withdrawn.json())).json()
    assert record["status"] == "submitted"
    redecided = await post(api, f"{url}/decision", {"outcome": "award", "amount": "2500.00"}, staff(api, "paul"))
    assert redecided.status_code == 200, redecided.text


async def test_a_draft_left_at_the_closing_is_withdrawn_and_leaves_the_open_drafts(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    draft = await given_draft(api, call, lead)
    closed = await post(api, f"/calls/{call['id']}/closure", {}, api.staff)
    assert closed.status_code == 200, closed.text
    before = (await read(api, f"/calls/{call['id']}/dashboard", api.staff, closed.json())).json()
    assert before["call"]["applications_draft"] == 1
    withdrawn = await post(api, f"/applications/{draft['id']}/withdrawal", {"reason": "Abandonné"}, admin(api, lead))
    assert withdrawn.status_code == 200, withdrawn.text
    after = (await read(api, f"/calls/{call['id']}/dashboard", api.staff, withdrawn.json())).json()
    assert after["call"]["applications_draft"] == 0


async def test_the_what_if_at_a_date_and_the_decision_file_s_rank_cut_off_and_envelope(api: Api) -> None:
    first, second = await given_members(api, 2)
    call = await given_2012_call(api)
    calls = f"/calls/{call['id']}"
    cheaper = submitted_in_2012(api, call["id"], first, requested="2000.00")
    dearer = submitted_in_2012(api, call["id"], second, requested="3000.00")
    assert (await post(api, f"{calls}/closure", {"on": CLOSES.isoformat()}, api.staff)).status_code == 200
    evaluator = given_person(api, "fund_reviewer")
    for application in (cheaper, dearer):
        url = f"/applications/{application}"
        assert (await post(api, f"{url}/reviewers", {"reviewer_id": evaluator}, api.staff)).status_code == 200
        scored = await post(api, f"{url}/scores", {**scores_body(), "on": "2012-04-10"}, reviewer(api, evaluator))
        assert scored.status_code == 200, scored.text
    award = {"outcome": "award", "amount": "2000.00", "reason": "Retenu", "on": "2012-04-20"}
    decided = await post(api, f"/applications/{cheaper}/decision", award, staff(api, "marie"))
    assert decided.status_code == 200, decided.text
    top_up = {"amount": "50000.00", "reason": "Partenaire", "on": "2012-04-22"}
    topped = await post(api, f"{calls}/top-ups", top_up, api.staff)
    assert topped.status_code == 201, topped.text

    before = (await read(api, f"{calls}/what-if?at=2012-04-21", api.staff, topped.json())).json()
    assert (before["envelope"], before["at"], before["funded"]) == ("100000.00", "2012-04-21", 2)
    now = (await read(api, f"{calls}/what-if", api.staff)).json()
    assert (now["envelope"], now["at"]) == ("150000.00", None)
    tight = (await read(api, f"{calls}/what-if?envelope=2000.00", api.staff)).json()
    assert (tight["funded"], tight["fully_funded"], tight["unfunded"]) == (1, 1, 1)
    both = await read(api, f"{calls}/what-if?envelope=2000.00&at=2012-04-21", api.staff)
    assert both.status_code == 422 and both.json()["extra"]["field"] == "at"

    file = (await read(api, f"/applications/{cheaper}/decision-file", api.staff, topped.json())).json()
    assert (file["rank"], file["ranked"]) == (1, 2)
    assert file["cutoff_score"] == file["score"]
    assert file["envelope"] == {
        "initial": "100000.00",
        "top_ups": [{"amount": "50000.00", "on": "2012-04-22", "reason": "Partenaire"}],
        "total": "150000.00",
    }
    other = (await read(api, f"/applications/{dearer}/decision-file", api.staff)).json()
    assert (other["rank"], other["cutoff_score"]) == (2, file["score"])


async def test_the_dashboard_as_of_a_date_counts_each_act_on_its_own_date(api: Api) -> None:
    first, second = await given_members(api, 2)
    call = await given_2012_call(api)
    calls = f"/calls/{call['id']}"
    retained = submitted_in_2012(api, call["id"], first)
    submitted_in_2012(api, call["id"], second)
    assert (await post(api, f"{calls}/closure", {"on": CLOSES.isoformat()}, api.staff)).status_code == 200
    url = f"/applications/{retained}"
    evaluator = given_person(api, "fund_reviewer")
    assert (await post(api, f"{url}/reviewers", {"reviewer_id": evaluator}, api.staff)).status_code == 200
    scored = await post(api, f"{url}/scores", {**scores_body(), "on": "2012-04-10"}, reviewer(api, evaluator))
    assert scored.status_code == 200, scored.text
    award = {"outcome": "award", "amount": "3000.00", "reason": "Retenu", "on": "2012-04-20"}
    decided = await post(api, f"{url}/decision", award, staff(api, "marie"))
    assert decided.status_code == 200, decided.text
    approved = await post(api, f"{url}/review", {"outcome": "approve", "on": "2012-04-25"}, staff(api, "paul"))
    assert approved.status_code == 200, approved.text

    async def figures(query: str) -> dict[str, Any]:
        response = await read(api, f"{calls}/dashboard?{query}", api.staff, approved.json())
        assert response.status_code == 200, response.text
        return response.json()

    before_submissions = (await figures("as_of=2012-03-01"))["call"]
    assert (before_submissions["applications_draft"], before_submissions["applications_answered"]) == (2, 0)
    in_review = await figures("as_of=2012-04-21")
    assert (in_review["call"]["pending_review"], in_review["call"]["applications_retained"]) == (1, 0)
    assert [q["decided_on"] for q in in_review["review_queue"]] == ["2012-04-20"]
    assert in_review["call"]["committed"] == "3000.00"
    after = await figures("as_of=2012-04-25")
    assert (after["call"]["applications_retained"], after["call"]["awarded"]) == (1, "3000.00")
    assert after["review_queue"] == []
    known_before_approval = await figures(f"as_of=2012-04-25&known_at={_moment(decided.json(), api)}")
    assert known_before_approval["call"]["pending_review"] == 1
    live = (await read(api, f"{calls}/dashboard", api.staff, approved.json())).json()
    today = training_app(platform_of(api)).today().isoformat()
    assert await figures(f"as_of={today}") == live  # the as-of answer is the live one once all took effect


def _moment(written: dict[str, Any], api: Api) -> str:
    """The recording time of a write (its notification's), for `known_at`."""
    app = training_app(platform_of(api))
    [notification] = app.recorder.select_notifications(written["notification_id"], 1)
    event = app.mapper.to_domain_event(notification)
    return event.timestamp.isoformat().replace("+", "%2B")


async def test_national_staff_record_a_past_call_s_applications_through_the_api_on_their_dates(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_2012_call(api)
    url = f"/calls/{call['id']}/recorded-applications"
    body = {**application_body(), "lead_id": lead, "drafted_on": "2012-02-01", "on": "2012-03-15"}
    recorded = await post(api, url, body, api.staff)
    assert recorded.status_code == 201, recorded.text
    record = (await read(api, f"/applications/{recorded.json()['id']}", api.staff, recorded.json())).json()
    assert (record["status"], record["eligibility"]) == ("submitted", "eligible")
    assert (record["drafted_on"], record["submitted_on"]) == ("2012-02-01", "2012-03-15")

    late = await post(api, url, {**body, "on": "2012-04-02"}, api.staff)
    assert late.status_code == 422 and late.json()["extra"]["field"] == "on", late.text
    assert "31/03/2012" in late.json()["detail"] and "02/04/2012" in late.json()["detail"]
    backwards = await post(api, url, {**body, "drafted_on": "2012-03-20"}, api.staff)
    assert backwards.status_code == 422 and "20/03/2012" in backwards.json()["detail"], backwards.text
    unknown = await post(api, url, {**body, "lead_id": "00000000-0000-0000-0000-000000000000"}, api.staff)
    assert unknown.status_code == 422 and unknown.json()["extra"]["field"] == "lead_id", unknown.text
    as_member = await post(api, url, body, admin(api, lead))
    assert as_member.status_code == 403
    listed = (await read(api, f"/calls/{call['id']}/applications", api.staff, recorded.json())).json()
    assert listed["total"] == 1  # the refused ones wrote nothing
