"""The progress plan is a pure function of an assessment's events and its referential version.

Property tests (hypothesis) drive the aggregate with random command sequences (refused commands
are skipped, as a user would see them refused) and check that:
- the plan depends only on the events: rebuilt from them (decoded again from their stored form,
  folded in any batches with the sheet stored as JSON in between, as the projection does) it is
  the live plan;
- replaying any prefix gives the plan as of that point (by version and by time);
- its actions are the indicators below objective or flagged, by priority, each naming its answers.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import Mapper
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.assessment.domain.assessment import Assessment, Respondent, Reviewer
from services.assessment.domain.plan import plan_of, priority_score, progress_plan
from services.assessment.domain.positioning import positioning_of
from services.assessment.domain.referential import Referential, load_document
from services.assessment.domain.replay import Moment, NotYetStarted, VersionNotFound, sheet_as_of
from services.assessment.domain.sheet import dump_sheet, fold, load_sheet
from shared.as_of import PARIS, end_of_day
from shared.errors import DomainError
from shared.eventstore import event_transcoder


def small_referential() -> Referential:
    """The real referential cut down to three indicators of the first sub-theme of each theme, so
    that random sequences reach submission, review and validation."""
    document = copy.deepcopy(load_document())
    document["version"] = "test.1"
    for theme in document["themes"]:
        theme["sub_themes"] = theme["sub_themes"][:1]
        theme["sub_themes"][0]["indicators"] = theme["sub_themes"][0]["indicators"][:3]
    return Referential.parse(document)


REFERENTIAL = small_referential()
CODES = list(REFERENTIAL.indicators)
PARTICIPANTS = ("marie", "paul", "lea")
DELEGATE = Reviewer(subject="delegue", roles=frozenset({"regional_delegate"}), tenant=None)
PEER = Reviewer(subject="pair", roles=frozenset({"peer_reviewer"}), tenant="member-2")
T0 = datetime(2016, 3, 1, 9, tzinfo=UTC)
COMMANDS = (
    "invite",
    "answer",
    "answer",
    "answer",
    "answer_all",
    "settle",
    "settle",
    "revisit",
    "submit",
    "submit",
    "request",
    "comment",
    "comment",
    "comment",
    "complete",
    "decide",
    "decide",
    "validate",
    "adopt",
    "schedule",
    "done",
    "drop",
)


def run(choices: list[tuple[str, int]], step: timedelta = timedelta(minutes=1)) -> tuple[Assessment, list[Any]]:
    """Apply the commands a random sequence names (each `step` after the previous one); return the
    aggregate and its events."""
    clock = iter(T0 + step * i for i in range(10_000))
    assessment = Assessment.start(
        tenant_id="member-1",
        region="NPC",
        forms=("AI",),
        scope="member",
        referential=REFERENTIAL,
        previous=None,
        started_on=date(2016, 3, 1),
        at=next(clock),
    )
    for name, seed in choices:
        rng = random.Random(seed)
        try:
            _apply(assessment, name, rng, clock)
        except DomainError:
            pass  # refused, as it would be for a user: no event
    return assessment, list(assessment.collect_events())


def _apply(a: Assessment, name: str, rng: random.Random, clock: Any) -> None:
    code, participant, level = rng.choice(CODES), rng.choice(PARTICIPANTS), rng.randint(1, 4)
    sheet = a.sheet
    if name == "invite":
        a.invite(
            participant_id=participant,
            name=participant,
            kind="staff",
            sub_themes=(),
            referential=REFERENTIAL,
            at=next(clock),
        )
    elif name == "answer":
        a.answer(
            indicator=code,
            participant_id=participant,
            level=level,
            comment="",
            practice="in_place",
            improve=rng.random() < 0.2,
            revisit=rng.random() < 0.1,
            referential=REFERENTIAL,
            at=next(clock),
            respondent=Respondent(subject=participant, admin=False),
        )
    elif name == "answer_all":
        for each in CODES:
            a.answer(
                indicator=each,
                participant_id=participant,
                level=rng.randint(1, 4),
                comment="",
                practice="planned",
                improve=rng.random() < 0.2,
                revisit=False,
                referential=REFERENTIAL,
                at=next(clock),
                respondent=Respondent(subject=participant, admin=False),
            )
    elif name == "settle":
        a.settle(
            indicator=code,
            level=level,
            practice="in_place",
            improve=rng.random() < 0.3,
            comment="",
            referential=REFERENTIAL,
            at=next(clock),
        )
    elif name == "revisit":
        a.mark_revisit(
            indicator=code,
            participant_id=participant,
            revisit=rng.random() < 0.5,
            at=next(clock),
            respondent=Respondent(subject=participant, admin=False),
        )
    elif name == "submit":
        a.submit(referential=REFERENTIAL, at=next(clock))
    elif name == "request":
        if rng.random() < 0.5:
            a.request_review(
                kind="third_party",
                reviewer_id="delegue",
                reviewer_role="regional_delegate",
                reviewer_tenant=None,
                at=next(clock),
            )
        else:
            a.request_review(
                kind="peer", reviewer_id=None, reviewer_role=None, reviewer_tenant="member-2", at=next(clock)
            )
    elif name in ("comment", "complete") and sheet.reviews:
        review = rng.choice(sorted(sheet.reviews.values(), key=lambda r: r.request_id))
        reviewer = DELEGATE if review.kind == "third_party" else PEER
        if name == "comment":
            a.comment(
                request_id=review.request_id,
                reviewer=reviewer,
                indicator=code,
                comment="vu",
                proposed_level=level if rng.random() < 0.7 else None,
                reason="constaté",
                referential=REFERENTIAL,
                at=next(clock),
            )
        else:
            a.complete_review(request_id=review.request_id, reviewer=reviewer, summary="", at=next(clock))
    elif name == "decide" and sheet.proposals:
        proposal = rng.choice(sorted(sheet.proposals))
        if rng.random() < 0.5:
            a.accept_proposal(proposal_id=proposal, at=next(clock))
        else:
            a.reject_proposal(proposal_id=proposal, reason="non", at=next(clock))
    elif name == "validate":
        a.validate(at=next(clock))
    elif name == "adopt":
        a.adopt_action(indicator=code, referential=REFERENTIAL, at=next(clock))
    elif name == "schedule":
        a.schedule_action(
            indicator=code, owner="Directrice", due_on=date(2016, 9, 1), referential=REFERENTIAL, at=next(clock)
        )
    elif name == "done":
        a.complete_action(indicator=code, completed_on=date(2016, 8, 1), referential=REFERENTIAL, at=next(clock))
    elif name == "drop":
        a.drop_action(indicator=code, reason="plus tard", referential=REFERENTIAL, at=next(clock))


command_sequences = st.lists(st.tuples(st.sampled_from(COMMANDS), st.integers(0, 2**32)), min_size=1, max_size=80)
prefix_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def stored_and_back(events: list[Any]) -> list[Any]:
    """The events as the store would hand them back: encoded by the event transcoder, decoded again."""
    mapper: Mapper[Any] = Mapper(transcoder=event_transcoder())
    return [mapper.to_domain_event(mapper.to_stored_event(e)) for e in events]


@prefix_settings
@given(command_sequences)
def test_the_plan_rebuilt_from_the_events_is_the_live_plan(choices: list[tuple[str, int]]) -> None:
    assessment, events = run([("invite", 1), ("answer_all", 2), *choices])
    live = plan_of(assessment.sheet, REFERENTIAL)
    assert progress_plan(events, REFERENTIAL) == live
    assert progress_plan(stored_and_back(events), REFERENTIAL) == live


@prefix_settings
@given(command_sequences, st.lists(st.integers(1, 30), max_size=8))
def test_folding_in_any_batches_through_stored_sheets_gives_the_same_plan(
    choices: list[tuple[str, int]], cuts: list[int]
) -> None:
    """What the projection does: fold a batch, store the sheet as JSON, load it, fold the next."""
    assessment, events = run([("invite", 1), ("answer_all", 2), *choices])
    sheet, start = None, 0
    for end in [*sorted({min(c, len(events)) for c in cuts}), len(events)]:
        sheet = fold(events[start:end], sheet)
        sheet = load_sheet(dump_sheet(sheet)) if sheet is not None else None
        start = end
    assert sheet == assessment.sheet
    assert plan_of(sheet, REFERENTIAL) == plan_of(assessment.sheet, REFERENTIAL)
    assert positioning_of(sheet, REFERENTIAL) == positioning_of(assessment.sheet, REFERENTIAL)


@prefix_settings
@given(command_sequences, st.data())
def test_replaying_any_prefix_gives_the_plan_as_of_that_point(choices: list[tuple[str, int]], data: Any) -> None:
    # Seven hours apart, the events cross midnight in Paris (in winter and in summer time).
    _, events = run(choices, step=timedelta(hours=7))
    k = data.draw(st.integers(1, len(events)))
    expected = progress_plan(events[:k], REFERENTIAL)
    assert plan_of(sheet_as_of(events, Moment(version=k)), REFERENTIAL) == expected
    # As of a date: every event before the next midnight in Paris, whatever its time that day.
    day = events[k - 1].at.astimezone(PARIS).date()
    that_day = max(i for i, e in enumerate(events, start=1) if e.at.astimezone(PARIS).date() <= day)
    assert plan_of(sheet_as_of(events, Moment(as_of=day)), REFERENTIAL) == progress_plan(events[:that_day], REFERENTIAL)
    # As known at a moment: every event the store had recorded by then.
    recorded = events[k - 1].timestamp
    known = max(i for i, e in enumerate(events, start=1) if e.timestamp <= recorded)
    assert plan_of(sheet_as_of(events, Moment(known_at=recorded)), REFERENTIAL) == progress_plan(
        events[:known], REFERENTIAL
    )
    # The plan of a prefix is the plan the aggregate had at that version.
    replayed = Assessment.__new__(Assessment)
    for event in events[:k]:
        replayed = event.mutate(None if event is events[0] else replayed)
    assert plan_of(replayed.sheet, REFERENTIAL) == expected


def test_a_replay_past_the_last_version_or_before_the_start_is_not_found() -> None:
    _, events = run([("invite", 1), ("answer_all", 2)], step=timedelta(hours=7))
    with pytest.raises(VersionNotFound, match=f"n'a pas de version {len(events) + 1} .*dernière version est la"):
        sheet_as_of(events, Moment(version=len(events) + 1))
    assert sheet_as_of(events, Moment(version=len(events))).version == len(events)
    the_day_before = T0.astimezone(PARIS).date() - timedelta(days=1)
    with pytest.raises(NotYetStarted, match="n'existait pas encore à la fin du 29/02/2016"):
        sheet_as_of(events, Moment(as_of=the_day_before))
    with pytest.raises(NotYetStarted, match="tel qu'enregistré le"):
        sheet_as_of(events, Moment(known_at=events[0].timestamp - timedelta(microseconds=1)))
    # The start's own day is the first one with a state; a naive known_at is read as UTC.
    assert sheet_as_of(events, Moment(as_of=T0.astimezone(PARIS).date())).version >= 1
    naive = events[0].timestamp.astimezone(UTC).replace(tzinfo=None)
    assert sheet_as_of(events, Moment(known_at=naive)).version == 1


def test_as_of_a_date_means_the_end_of_that_day_in_paris() -> None:
    # 22:30 UTC on 31 March 2016 is already 1 April in Paris (summer time: UTC+2).
    late = datetime(2016, 3, 31, 22, 30, tzinfo=UTC)
    assert end_of_day(date(2016, 3, 31)) == datetime(2016, 3, 31, 22, 0, tzinfo=UTC)
    assert not late < end_of_day(date(2016, 3, 31)) and late < end_of_day(date(2016, 4, 1))
    assert end_of_day(date(2016, 1, 15)) == datetime(2016, 1, 15, 23, 0, tzinfo=UTC)  # winter: UTC+1


@prefix_settings
@given(command_sequences)
def test_plan_actions_are_the_indicators_below_objective_or_flagged_by_priority(choices: list[tuple[str, int]]) -> None:
    assessment, events = run([("invite", 1), ("answer_all", 2), *choices])
    plan = progress_plan(events, REFERENTIAL)
    assert [a.rank for a in plan.actions] == list(range(1, len(plan.actions) + 1))
    assert [a.score for a in plan.actions] == sorted((a.score for a in plan.actions), reverse=True)
    for action in plan.actions:
        indicator = REFERENTIAL.indicators[action.indicator]
        assert action.level < indicator.objective_level or action.improve
        assert action.gap == max(indicator.objective_level - action.level, 0)
        assert action.score == priority_score(indicator.weight, action.gap, action.improve)
        assert action.suggested_action == indicator.action_for(action.level)
        assert action.service == indicator.service
        assert action.from_answers and all(s.version <= len(events) for s in action.from_answers)
        follow_up = assessment.sheet.actions.get(action.indicator)
        assert action.status == (follow_up.status if follow_up else "proposed")


def test_the_plan_calls_on_the_federation_service_for_each_gap() -> None:
    assessment, events = run([("invite", 1), ("answer_all", 2)])
    plan = progress_plan(events, REFERENTIAL)
    assert {a.service_label for a in plan.actions} <= {REFERENTIAL.service_label(k) for k in REFERENTIAL.services}
