"""The Assessment aggregate's rules: given events (built through commands), when a command, then
its events or a refusal. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.assessment.domain.answers import effective_answer
from services.assessment.domain.assessment import Assessment, Reviewer
from services.assessment.domain.errors import AlreadyInProgress, AssessmentRefused, Forbidden, UnknownIndicator
from services.assessment.domain.member_assessments import MemberAssessments
from services.assessment.domain.sheet import fold
from tests.helpers.assessment_domain import (
    DELEGATE,
    MARIE,
    REFERENTIAL,
    T0,
    TENANT,
    answer,
    answered,
    new_event_names,
    started,
    submitted,
    under_review,
    with_participants,
)


def test_an_assessment_keeps_the_referential_version_it_started_with() -> None:
    assessment = started()
    assert assessment.sheet.referential_version == "2016.1"
    assert new_event_names(assessment) == ["Started"]


def test_only_a_ges_may_assess_its_group() -> None:
    with pytest.raises(AssessmentRefused, match="GES"):
        started(forms=("AI",), scope="group")
    assert started(forms=("GES", "AI"), scope="group").sheet.scope == "group"


def test_a_member_has_one_assessment_in_progress_at_a_time() -> None:
    index = MemberAssessments(tenant_id=TENANT)
    first = started()
    index.record_start(first.id)
    with pytest.raises(AlreadyInProgress):
        index.record_start(started().id)
    index.record_validation(first.id)
    index.record_start(started().id)
    assert index.has_completed_one


# --- participants and answers -----------------------------------------------------------------------


def test_a_participant_must_be_invited_before_answering() -> None:
    assessment = started()
    with pytest.raises(AssessmentRefused, match="invité"):
        answer(assessment, "1.1.1", 2, participant="inconnu")


def test_an_indicator_not_in_the_version_is_refused() -> None:
    assessment = with_participants("marie")
    with pytest.raises(UnknownIndicator, match="9.9.9"):
        answer(assessment, "9.9.9", 2)


def test_a_participant_with_sub_themes_answers_only_those() -> None:
    assessment = with_participants("paul", sub_themes={"paul": ("2.1",)})
    answer(assessment, "2.1.1", 3, participant="paul")
    with pytest.raises(AssessmentRefused, match="ne lui est pas confié"):
        answer(assessment, "1.1.1", 3, participant="paul")


def test_answers_of_several_participants_are_kept_side_by_side() -> None:
    assessment = with_participants("marie", "paul")
    answer(assessment, "1.1.1", 2, participant="marie")
    answer(assessment, "1.1.1", 3, participant="paul")
    given = assessment.sheet.answers["1.1.1"]
    assert {p: a.level for p, a in given.items()} == {"marie": 2, "paul": 3}
    assert effective_answer(assessment.sheet, "1.1.1") is None  # they diverge: no answer yet


def test_participants_who_agree_give_the_assessment_its_answer() -> None:
    assessment = with_participants("marie", "paul")
    answer(assessment, "1.1.1", 3, participant="marie")
    answer(assessment, "1.1.1", 3, participant="paul", improve=True)
    found = effective_answer(assessment.sheet, "1.1.1")
    assert found is not None and (found.level, found.source, found.improve) == (3, "consensus", True)
    assert [s.participant_id for s in found.sources] == ["marie", "paul"]


def test_diverging_answers_block_submission_until_the_team_settles() -> None:
    assessment = answered(2)
    assessment.invite(
        participant_id="paul", name="Paul", kind="volunteer", sub_themes=(), referential=REFERENTIAL, at=T0
    )
    answer(assessment, "1.1.1", 4, participant="paul")
    with pytest.raises(AssessmentRefused, match="pas d'accord sur : 1.1.1"):
        assessment.submit(referential=REFERENTIAL, at=T0)
    assessment.settle(
        indicator="1.1.1", level=3, practice="in_place", improve=False, comment="", referential=REFERENTIAL, at=T0
    )
    assessment.submit(referential=REFERENTIAL, at=T0)
    assert assessment.status == "submitted"


def test_a_settled_answer_is_an_event_and_survives_a_later_change_of_mind() -> None:
    assessment = with_participants("marie", "paul")
    answer(assessment, "1.1.1", 2, participant="marie")
    answer(assessment, "1.1.1", 3, participant="paul")
    assessment.settle(
        indicator="1.1.1",
        level=2,
        practice="in_place",
        improve=False,
        comment="arbitré",
        referential=REFERENTIAL,
        at=T0,
    )
    answer(assessment, "1.1.1", 4, participant="paul")
    found = effective_answer(assessment.sheet, "1.1.1")
    assert found is not None and (found.level, found.source) == (2, "settled")
    assert new_event_names(assessment)[-2:] == ["AnswerSettled", "Answered"]


def test_submission_needs_every_indicator_answered() -> None:
    assessment = with_participants("marie")
    answer(assessment, "1.1.1", 2)
    with pytest.raises(AssessmentRefused, match="sans réponse"):
        assessment.submit(referential=REFERENTIAL, at=T0)


def test_an_answer_marked_revisit_blocks_submission() -> None:
    assessment = answered(2)
    assessment.mark_revisit(indicator="2.1.1", participant_id="marie", revisit=True, at=T0, respondent=MARIE)
    with pytest.raises(AssessmentRefused, match="à revoir"):
        assessment.submit(referential=REFERENTIAL, at=T0)
    assessment.mark_revisit(indicator="2.1.1", participant_id="marie", revisit=False, at=T0, respondent=MARIE)
    assessment.submit(referential=REFERENTIAL, at=T0)


def test_answers_cannot_change_after_submission() -> None:
    assessment = submitted()
    with pytest.raises(AssessmentRefused, match="soumise"):
        answer(assessment, "1.1.1", 4)


def test_event_times_never_go_backwards() -> None:
    assessment = with_participants("marie")
    assessment.answer(
        indicator="1.1.1",
        participant_id="marie",
        level=2,
        comment="",
        practice="in_place",
        improve=False,
        revisit=False,
        referential=REFERENTIAL,
        at=T0 - timedelta(days=3),
        respondent=MARIE,
    )
    assert [e.at for e in assessment.collect_events()][-1] == T0


# --- reviews ---------------------------------------------------------------------------------------


def test_a_review_cannot_be_requested_before_submission() -> None:
    with pytest.raises(AssessmentRefused, match="avant de demander une relecture"):
        answered().request_review(
            kind="third_party", reviewer_id="d", reviewer_role="trainer", reviewer_tenant=None, at=T0
        )


def test_a_peer_reviewer_comes_from_another_member() -> None:
    with pytest.raises(AssessmentRefused, match="autre adhérent"):
        submitted().request_review(kind="peer", reviewer_id=None, reviewer_role=None, reviewer_tenant=TENANT, at=T0)


def test_a_third_party_reviewer_is_not_a_participant() -> None:
    with pytest.raises(AssessmentRefused, match="participe"):
        submitted().request_review(
            kind="third_party", reviewer_id="marie", reviewer_role="trainer", reviewer_tenant=None, at=T0
        )


def test_a_comment_without_a_review_request_is_refused() -> None:
    with pytest.raises(AssessmentRefused, match="aucune demande de relecture r99"):
        submitted().comment(
            request_id="r99",
            reviewer=DELEGATE,
            indicator="1.1.1",
            comment="?",
            proposed_level=None,
            reason=None,
            referential=REFERENTIAL,
            at=T0,
        )


def test_only_the_named_reviewer_comments() -> None:
    assessment, request_id = under_review()
    other = Reviewer(subject="delegue-autre", roles=frozenset({"regional_delegate"}), tenant=None)
    with pytest.raises(Forbidden):
        assessment.comment(
            request_id=request_id,
            reviewer=other,
            indicator="1.1.1",
            comment="?",
            proposed_level=None,
            reason=None,
            referential=REFERENTIAL,
            at=T0,
        )


def test_a_reviewer_from_the_assessed_member_itself_is_refused() -> None:
    assessment = submitted()
    request_id = assessment.request_review(
        kind="peer", reviewer_id=None, reviewer_role=None, reviewer_tenant="member-2", at=T0
    )
    insider = Reviewer(subject="x", roles=frozenset({"peer_reviewer"}), tenant=TENANT)
    with pytest.raises(Forbidden, match="adhérent évalué"):
        assessment.comment(
            request_id=request_id,
            reviewer=insider,
            indicator="1.1.1",
            comment="?",
            proposed_level=None,
            reason=None,
            referential=REFERENTIAL,
            at=T0,
        )


def test_a_proposal_needs_a_reason_and_another_level() -> None:
    assessment, request_id = under_review(2)
    with pytest.raises(AssessmentRefused, match="raison"):
        assessment.comment(
            request_id=request_id,
            reviewer=DELEGATE,
            indicator="1.1.1",
            comment="à revoir",
            proposed_level=3,
            reason="",
            referential=REFERENTIAL,
            at=T0,
        )
    with pytest.raises(AssessmentRefused, match="déjà le niveau 2"):
        assessment.comment(
            request_id=request_id,
            reviewer=DELEGATE,
            indicator="1.1.1",
            comment="à revoir",
            proposed_level=2,
            reason="vu",
            referential=REFERENTIAL,
            at=T0,
        )


def test_an_accepted_proposal_becomes_the_answer_and_a_rejected_one_does_not() -> None:
    assessment, request_id = under_review(2)
    accepted = assessment.comment(
        request_id=request_id,
        reviewer=DELEGATE,
        indicator="1.1.1",
        comment="mieux",
        proposed_level=3,
        reason="vu",
        referential=REFERENTIAL,
        at=T0,
    )
    rejected = assessment.comment(
        request_id=request_id,
        reviewer=DELEGATE,
        indicator="1.1.2",
        comment="moins bien",
        proposed_level=1,
        reason="vu",
        referential=REFERENTIAL,
        at=T0,
    )
    assert accepted and rejected
    assessment.complete_review(request_id=request_id, reviewer=DELEGATE, summary="ok", at=T0)
    assessment.accept_proposal(proposal_id=accepted, at=T0)
    assessment.reject_proposal(proposal_id=rejected, reason="nous maintenons", at=T0)
    first, second = effective_answer(assessment.sheet, "1.1.1"), effective_answer(assessment.sheet, "1.1.2")
    assert first is not None and (first.level, first.source) == (3, "review")
    assert second is not None and second.level == 2
    assert assessment.sheet.self_view["1.1.1"] == 2  # the self view stays as submitted
    with pytest.raises(AssessmentRefused, match="déjà été acceptée"):
        assessment.accept_proposal(proposal_id=accepted, at=T0)


def test_validation_waits_for_open_reviews_and_undecided_proposals() -> None:
    assessment, request_id = under_review(2)
    proposal = assessment.comment(
        request_id=request_id,
        reviewer=DELEGATE,
        indicator="1.1.1",
        comment="mieux",
        proposed_level=3,
        reason="vu",
        referential=REFERENTIAL,
        at=T0,
    )
    with pytest.raises(AssessmentRefused, match="relectures sont en cours"):
        assessment.validate(at=T0)
    assessment.complete_review(request_id=request_id, reviewer=DELEGATE, summary="ok", at=T0)
    with pytest.raises(AssessmentRefused, match="propositions"):
        assessment.validate(at=T0)
    assessment.accept_proposal(proposal_id=str(proposal), at=T0)
    assessment.validate(at=T0)
    assert assessment.status == "validated"


def test_a_validated_assessment_is_read_only() -> None:
    assessment = submitted()
    assessment.validate(at=T0)
    with pytest.raises(AssessmentRefused, match="validée"):
        answer(assessment, "1.1.1", 3)
    with pytest.raises(AssessmentRefused, match="validée"):
        assessment.request_review(
            kind="third_party", reviewer_id="d", reviewer_role="trainer", reviewer_tenant=None, at=T0
        )


def test_a_validated_assessment_can_be_replaced_once() -> None:
    previous = submitted()
    with pytest.raises(AssessmentRefused, match="validée"):
        Assessment.start(
            tenant_id=TENANT,
            region="NPC",
            forms=("AI",),
            scope="member",
            referential=REFERENTIAL,
            previous=previous,
            started_on=date(2017, 3, 1),
            at=T0,
        )
    previous.validate(at=T0)
    following = Assessment.start(
        tenant_id=TENANT,
        region="NPC",
        forms=("AI",),
        scope="member",
        referential=REFERENTIAL,
        previous=previous,
        started_on=date(2017, 3, 1),
        at=T0,
    )
    previous.supersede(by=following.id, at=T0)
    assert following.sheet.previous_assessment_id == str(previous.id)
    with pytest.raises(AssessmentRefused, match="déjà été rouverte"):
        previous.supersede(by=following.id, at=T0)


# --- the plan's follow-up ------------------------------------------------------------------------------


def test_a_plan_action_exists_only_for_an_indicator_in_the_plan() -> None:
    assessment = answered(4)  # everything at or above its objective: an empty plan
    with pytest.raises(AssessmentRefused, match="ne contient pas d'action"):
        assessment.adopt_action(indicator="1.1.1", referential=REFERENTIAL, at=T0)


def test_a_plan_action_goes_from_adopted_to_scheduled_to_done() -> None:
    assessment = submitted(1)
    with pytest.raises(AssessmentRefused, match="adoptez"):
        assessment.complete_action(indicator="1.1.1", completed_on=date(2016, 6, 1), referential=REFERENTIAL, at=T0)
    assessment.adopt_action(indicator="1.1.1", referential=REFERENTIAL, at=T0)
    assessment.schedule_action(
        indicator="1.1.1", owner="Directrice", due_on=date(2016, 9, 1), referential=REFERENTIAL, at=T0
    )
    assessment.complete_action(indicator="1.1.1", completed_on=date(2016, 8, 1), referential=REFERENTIAL, at=T0)
    with pytest.raises(AssessmentRefused, match="déjà réalisée"):
        assessment.drop_action(indicator="1.1.1", reason="trop tard", referential=REFERENTIAL, at=T0)
    follow_up = assessment.sheet.actions["1.1.1"]
    assert (follow_up.status, follow_up.owner, follow_up.completed_on) == ("done", "Directrice", date(2016, 8, 1))


def test_the_aggregate_state_is_the_fold_of_its_events() -> None:
    assessment, request_id = under_review(2)
    assessment.comment(
        request_id=request_id,
        reviewer=DELEGATE,
        indicator="1.1.1",
        comment="mieux",
        proposed_level=3,
        reason="vu",
        referential=REFERENTIAL,
        at=T0,
    )
    assert fold(assessment.collect_events()) == assessment.sheet
