"""Bi-temporal training records: every act takes effect on its own date, checked against the call's
life (opening ≤ applications ≤ closing ≤ scores and decisions ≤ reviews ≤ publication ≤
settlement); events stored before they carried that date read it as their recording day (Paris);
the call's figures as of a date and as known at a moment come from the live projection's fold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from services.training.domain.call import Call
from services.training.domain.errors import CallRefused, DateOutOfOrder
from services.training.domain.funding_application import FundingApplication
from services.training.projections.call_rows import apply_call_event, call_as_of, effective_on
from tests.helpers.training_domain import CLOSES, ENVELOPE, LEAD, ON, OPENS, content, opened, scored, terms

FAR = date(2100, 1, 1)
LATER = datetime(2100, 1, 1, tzinfo=UTC)


def refusal(command: Any) -> DateOutOfOrder:
    with pytest.raises(DateOutOfOrder) as refused:
        command()
    return refused.value


def test_a_top_up_or_a_closure_before_the_call_opened_is_refused_naming_both_dates() -> None:
    call = opened()
    top_up = refusal(lambda: call.top_up(Decimal(1000), "Partenaire", date(1999, 1, 1)))
    assert top_up.details["field"] == "on"
    assert "01/01/1999" in top_up.message and "26/01/2015" in top_up.message
    closure = refusal(lambda: call.close(date(2009, 1, 1)))
    assert "01/01/2009" in closure.message and f"{OPENS:%d/%m/%Y}" in closure.message
    call.close(CLOSES)
    assert call.closed_on == CLOSES


def test_a_past_call_takes_applications_dated_within_its_own_dates() -> None:
    call = Call.open(2012, terms(opens_on=date(2012, 1, 16), closes_on=date(2012, 3, 31)), date(2012, 1, 16))
    app = FundingApplication.draft(call, LEAD, content(), date(2012, 2, 1))
    app.submit(call, date(2012, 3, 30))  # the deadline is judged on the submission's date, not today
    assert app.submitted_on == date(2012, 3, 30)
    late = FundingApplication.draft(call, LEAD, content(), date(2012, 3, 1))
    with pytest.raises(Exception, match="clos le 31/03/2012"):
        late.submit(call, date(2012, 4, 2))


def test_a_submission_cannot_precede_its_draft() -> None:
    call = opened()
    app = FundingApplication.draft(call, LEAD, content(), ON)
    refused = refusal(lambda: app.submit(call, ON - timedelta(days=1)))
    assert f"{ON:%d/%m/%Y}" in refused.message


def test_decisions_come_after_the_closing_and_reviews_after_the_decision() -> None:
    app, call = scored()
    call.close(CLOSES)
    refused = refusal(lambda: call.commit(app.id, Decimal(1000), CLOSES - timedelta(days=1)))
    assert "clôture" in refused.message and f"{CLOSES:%d/%m/%Y}" in refused.message
    decided_on = CLOSES + timedelta(days=10)
    app.decide_award(Decimal(1000), Decimal(4600), "Retenu", ENVELOPE, "staff-1", decided_on)
    call.commit(app.id, Decimal(1000), decided_on)
    review = refusal(lambda: app.review(True, "", "staff-2", decided_on - timedelta(days=1)))
    assert "relecture" in review.message and f"{decided_on:%d/%m/%Y}" in review.message
    app.review(True, "", "staff-2", decided_on)
    publication = refusal(lambda: call.publish_results(decided_on - timedelta(days=1)))
    assert "dernière décision" in publication.message
    call.publish_results(decided_on + timedelta(days=5))
    settlement = refusal(lambda: call.settle(app.id, Decimal(500), decided_on))
    assert "publication" in settlement.message


def test_a_draft_left_at_the_closing_can_still_be_withdrawn_a_submission_cannot() -> None:
    call = opened()
    draft = FundingApplication.draft(call, LEAD, content(), ON)
    submitted = FundingApplication.draft(call, LEAD, content(), ON)
    submitted.submit(call, ON)
    call.close(CLOSES)
    draft.withdraw(call, "projet abandonné", CLOSES + timedelta(days=5))
    assert draft.status == "withdrawn"
    with pytest.raises(Exception, match="clos"):
        submitted.withdraw(call, "trop tard", CLOSES + timedelta(days=5))


@pytest.mark.parametrize(
    ("recorded", "day"),
    [
        (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), date(2026, 4, 1)),  # 00:30 in Paris (summer time)
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), date(2026, 1, 15)),
    ],
)
def test_events_stored_before_their_effective_date_read_it_as_their_paris_recording_day(
    recorded: datetime, day: date
) -> None:
    for event_class in (Call.Amended, Call.AwardCommitted, Call.CommitmentReleased, Call.AwardSettled):
        state: dict[str, Any] = {"timestamp": recorded}
        event_class.upcast_v1_v2(state)  # type: ignore[attr-defined]
        assert state["on"] == day, event_class


def _history() -> list[Call.Event]:
    """A 2015 call: top-up on 10 April, an award on 20 April then re-decided lower on 5 May."""
    call = opened()
    call.close(CLOSES)
    call.top_up(Decimal(10_000), "Partenaire", date(2015, 4, 10))
    application = uuid4()
    call.commit(application, Decimal(5_000), date(2015, 4, 20))
    call.commit(application, Decimal(4_000), date(2015, 5, 5))
    return list(call.collect_events())  # type: ignore[arg-type]


def test_the_figures_as_of_a_date_keep_only_what_had_taken_effect_by_its_end() -> None:
    events = _history()
    before, _ = call_as_of(events, date(2015, 4, 9), LATER)
    assert before is not None and (before["envelope_total"], before["committed"]) == (Decimal(290_000), 0)
    topped, lines = call_as_of(events, date(2015, 4, 10), LATER)
    assert topped is not None and topped["envelope_total"] == Decimal(300_000)
    assert [line["kind"] for line in lines] == ["initial", "top_up"]
    assert lines[-1]["effective_on"] == date(2015, 4, 10)
    first_award, _ = call_as_of(events, date(2015, 4, 30), LATER)
    assert first_award is not None and first_award["committed"] == Decimal(5_000)
    assert call_as_of(events, OPENS - timedelta(days=1), LATER)[0] is None


def test_the_figures_as_known_at_a_moment_leave_out_what_was_recorded_after() -> None:
    events = _history()
    known, _ = call_as_of(events, FAR, events[2].timestamp)  # up to the top-up's recording
    assert known is not None and known["top_ups"] == Decimal(10_000) and known["committed"] == 0


def test_the_live_figures_are_the_as_of_fold_with_nothing_left_out() -> None:
    events = _history()
    live: dict[str, Any] | None = None
    for event in events:
        live = apply_call_event(live, event)
    as_of_now, lines = call_as_of(events, FAR, LATER)
    assert as_of_now == live
    assert [effective_on(e) for e in events][:2] == [OPENS, CLOSES] and len(lines) == 4


def test_a_cancelled_call_takes_no_more_applications_decisions_or_money() -> None:
    app, call = scored()
    with pytest.raises(CallRefused, match="motivée"):
        call.cancel(" ", CLOSES)
    refused = refusal(lambda: call.cancel("ouvert par erreur", date(2014, 1, 1)))
    assert "annulation" in refused.message
    call.cancel("ouvert par erreur", CLOSES)
    assert call.status == "cancelled"
    for command in (
        lambda: FundingApplication.draft(call, LEAD, content(), ON),
        lambda: call.top_up(Decimal(1000), "Partenaire", CLOSES),
        lambda: call.commit(app.id, Decimal(1000), CLOSES),
        lambda: call.require_deliberation_date(CLOSES, "la décision"),
        lambda: call.close(CLOSES),
        lambda: call.cancel("encore", CLOSES),
    ):
        with pytest.raises(CallRefused, match="annulé"):
            command()


def test_a_call_that_committed_money_is_not_cancelled() -> None:
    call = opened()
    call.commit(uuid4(), Decimal(1000), CLOSES)
    with pytest.raises(CallRefused, match="1000"):
        call.cancel("erreur", CLOSES)


def test_the_cancellation_is_on_the_call_row() -> None:
    call = opened()
    call.cancel("ouvert par erreur", OPENS)
    row: dict[str, Any] | None = None
    for event in call.collect_events():
        row = apply_call_event(row, event)  # type: ignore[arg-type]
    assert row is not None
    assert (row["status"], row["cancelled_on"], row["cancellation_reason"]) == ("cancelled", OPENS, "ouvert par erreur")


def test_a_closure_cannot_follow_a_decision_already_recorded() -> None:
    call = opened()
    call.commit(uuid4(), Decimal(1000), CLOSES - timedelta(days=5))
    refused = refusal(lambda: call.close(CLOSES))
    assert "première décision" in refused.message and f"{CLOSES - timedelta(days=5):%d/%m/%Y}" in refused.message
    call.close(CLOSES - timedelta(days=5))
