"""The FundingApplication aggregate: from the draft to the settlement (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.training.domain.eligibility import allowed_maximum, check_eligibility
from services.training.domain.errors import ApplicationRefused, CallRefused, NotPermitted
from services.training.domain.funding_application import FundingApplication
from services.training.domain.values import (
    CriterionScore,
    Training,
    TrainingActual,
)
from shared.errors import InvalidInput
from tests.helpers.training_domain import (
    CLOSES,
    ENVELOPE,
    LEAD,
    ON,
    PARTNER,
    SCORES,
    SST,
    approved,
    content,
    decided,
    drafted,
    facts,
    opened,
    scored,
    submitted,
)


def test_a_draft_is_started_only_while_the_call_accepts_applications() -> None:
    with pytest.raises(CallRefused, match="a clos"):
        FundingApplication.draft(opened(), LEAD, content(), date(2015, 4, 1))
    assert drafted().status == "draft"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"title": ""}, "titre"),
        ({"partners": (LEAD,)}, "deux fois"),
        ({"trainings": (Training(SST, True, 14, 10, Decimal(1), "stranger", True),)}, "entreprises candidates"),
        ({"trainings": (Training("CACES", True, 14, 10, Decimal(1), "lead", True),)}, "formations prioritaires"),
        ({"trainings": (Training(SST, True, 0, 10, Decimal(1), "lead", True),)}, "au moins une heure"),
    ],
)
def test_a_draft_that_makes_no_sense_is_refused(overrides: dict[str, object], words: str) -> None:
    with pytest.raises(ApplicationRefused, match=words):
        drafted(**overrides)


def test_a_cost_finer_than_a_cent_is_refused() -> None:
    with pytest.raises(InvalidInput, match="deux décimales") as refused:
        drafted(trainings=(Training(SST, True, 14, 10, Decimal("1.001"), "lead", True),))
    assert refused.value.details == {"field": "trainings[0].cost"}


def test_submission_needs_trainings_and_a_request() -> None:
    call = opened()
    app = drafted(call, trainings=(), requested=Decimal(0))
    with pytest.raises(ApplicationRefused, match="au moins une formation"):
        app.submit(call, ON)


def test_what_was_submitted_stays_frozen_when_the_application_is_amended() -> None:
    call = opened()
    app = submitted(call)
    app.amend(call, content(requested=Decimal("2500.00")), "devis révisé", ON)
    assert app.submitted is not None and app.submitted.requested == Decimal("3000.00")
    assert app.content.requested == Decimal("2500.00") and app.eligibility == "pending"
    with pytest.raises(ApplicationRefused, match="raison"):
        app.amend(call, content(), " ", ON)


def test_a_draft_is_edited_but_a_submitted_application_is_amended() -> None:
    call = opened()
    app = submitted(call)
    with pytest.raises(ApplicationRefused, match="brouillon"):
        app.edit(call, content(title="Autre"), ON)


def test_a_scored_application_can_no_longer_be_amended() -> None:
    app, call = scored()
    with pytest.raises(ApplicationRefused, match="notée"):
        app.amend(call, content(requested=Decimal("2000.00")), "x", ON)


def test_an_application_is_withdrawn_until_the_closing_date() -> None:
    call = opened()
    app = submitted(call)
    with pytest.raises(CallRefused, match="a clos"):
        app.withdraw(call, "trop tard", date(2015, 4, 2))
    app.withdraw(call, "projet reporté", CLOSES)
    assert app.status == "withdrawn"


# --- eligibility ---------------------------------------------------------------------------------


def test_an_enterprise_outside_the_accord_groupe_makes_the_application_ineligible() -> None:
    app = submitted(partner=facts(PARTNER, accord=None))
    failed = [c for c in app.checks if not c.passed]
    assert [c.code for c in failed] == ["accord_groupe:partner"] and failed[0].observed == "non membre"
    assert app.eligibility == "ineligible"


def test_joining_the_accord_groupe_after_the_check_date_does_not_count() -> None:
    app = submitted(lead=facts(LEAD, accord=date(2015, 9, 1)))
    assert app.eligibility == "ineligible"


def test_staff_override_one_failed_check_with_a_written_reason() -> None:
    app = submitted(partner=facts(PARTNER, accord=None))
    with pytest.raises(ApplicationRefused, match="motivée"):
        app.override_check("accord_groupe:partner", " ", "staff-1", ON)
    with pytest.raises(ApplicationRefused, match="pas en échec"):
        app.override_check("active:lead", "x", "staff-1", ON)
    with pytest.raises(ApplicationRefused, match="aucun critère"):
        app.override_check("unknown", "x", "staff-1", ON)
    app.override_check("accord_groupe:partner", "adhésion en cours", "staff-1", ON)
    assert app.eligibility == "eligible"
    event = app.collect_events()[-1]
    assert (event.check, event.reason, event.by, event.on) == (
        "accord_groupe:partner",
        "adhésion en cours",
        "staff-1",
        ON,
    )


def test_the_request_must_stay_within_the_criteria() -> None:
    call = opened()
    assert allowed_maximum(content(), call.terms) == Decimal("5200.00")  # 6,000 × 70 % + 2,000 × 50 %
    assert submitted().eligibility == "eligible"
    greedy = content(requested=Decimal("5200.01"))
    checks = check_eligibility(LEAD, greedy, call.terms, {"lead": facts(LEAD), "partner": facts(PARTNER)}, ON)
    assert [c.code for c in checks if not c.passed] == ["cofunding_ceiling"]


# --- scoring -----------------------------------------------------------------------------------------


def test_only_an_assigned_reviewer_without_conflict_of_interest_scores() -> None:
    call = opened()
    app = submitted(call)
    with pytest.raises(NotPermitted, match="pas affecté"):
        app.score_by("rev-1", None, True, call.terms.grid, SCORES, ON)
    with pytest.raises(ApplicationRefused, match="conflit"):
        app.assign_reviewer("rev-2", "partner")
    app.assign_reviewer("rev-1", None)
    with pytest.raises(NotPermitted, match="propre entreprise"):
        app.score_by("rev-1", "lead", True, call.terms.grid, SCORES, ON)
    with pytest.raises(ApplicationRefused, match="conflit d'intérêts"):
        app.score_by("rev-1", None, False, call.terms.grid, SCORES, ON)
    with pytest.raises(ApplicationRefused, match="manquants : cout"):
        app.score_by("rev-1", None, True, call.terms.grid, SCORES[:1], ON)
    with pytest.raises(ApplicationRefused, match="entre 0 et 5"):
        app.score_by("rev-1", None, True, call.terms.grid, (SCORES[0], CriterionScore("cout", 6, "x")), ON)
    with pytest.raises(ApplicationRefused, match="commentaire"):
        app.score_by("rev-1", None, True, call.terms.grid, (SCORES[0], CriterionScore("cout", 3, " ")), ON)
    app.score_by("rev-1", None, True, call.terms.grid, SCORES, ON)
    assert app.score == Decimal("72.00")  # (3×4 + 2×3) / (5×5) × 100


def test_an_ineligible_application_is_not_scored() -> None:
    call = opened()
    app = submitted(call, partner=facts(PARTNER, accord=None))
    app.assign_reviewer("rev-1", None)
    with pytest.raises(ApplicationRefused, match="éligibles"):
        app.score_by("rev-1", None, True, call.terms.grid, SCORES, ON)


# --- decision and review ------------------------------------------------------------------------------


def test_an_award_stays_within_the_request_and_the_criteria() -> None:
    app, _ = scored()
    with pytest.raises(ApplicationRefused, match="cofinancement demandé"):
        app.decide_award(Decimal("3000.01"), Decimal("5200.00"), "x", ENVELOPE, "staff-1", ON)
    with pytest.raises(ApplicationRefused, match="plafond"):
        app.decide_award(Decimal("2000.00"), Decimal("1999.99"), "x", ENVELOPE, "staff-1", ON)
    with pytest.raises(ApplicationRefused, match="montant positif"):
        app.decide_award(Decimal("0"), Decimal("5200.00"), "x", ENVELOPE, "staff-1", ON)
    app.decide_award(Decimal("3000.00"), Decimal("5200.00"), "Retenu", ENVELOPE, "staff-1", ON)
    assert app.status == "decided" and app.awarded == 0  # not until it is approved


def test_an_unscored_application_gets_no_award() -> None:
    app = submitted()
    with pytest.raises(ApplicationRefused, match="notée"):
        app.decide_award(Decimal("1000.00"), Decimal("5200.00"), "x", ENVELOPE, "staff-1", ON)


def test_the_maker_of_a_decision_does_not_review_it() -> None:
    app, _ = decided()
    with pytest.raises(NotPermitted, match="un autre membre"):
        app.review(True, "", "staff-1", ON)
    app.review(True, "", "staff-2", ON)
    assert app.status == "awarded" and app.awarded == Decimal("3000.00")


def test_a_decision_sent_back_needs_a_comment_and_a_new_decision() -> None:
    app, _ = decided()
    with pytest.raises(ApplicationRefused, match="explique"):
        app.review(False, " ", "staff-2", ON)
    app.review(False, "montant à revoir", "staff-2", ON)
    assert app.status == "sent_back"
    with pytest.raises(ApplicationRefused, match="relire"):
        app.review(True, "", "staff-2", ON)
    app.decide_rejection("dossier incomplet", ENVELOPE, "staff-1", ON)
    app.review(True, "", "staff-2", ON)
    assert app.status == "rejected" and app.awarded == 0


def test_a_decision_waiting_for_its_review_is_not_taken_twice() -> None:
    app, _ = decided()
    with pytest.raises(ApplicationRefused, match="décision en relecture"):
        app.decide_rejection("x", ENVELOPE, "staff-3", ON)


# --- actuals and settlement ------------------------------------------------------------------------------


def test_actuals_are_reported_for_every_planned_training() -> None:
    app, _ = approved()
    with pytest.raises(ApplicationRefused, match="chacune des 2 formations"):
        app.report_actuals((TrainingActual(0, 10, 14, Decimal("6000.00")),), ON)
    app.report_actuals(
        (TrainingActual(0, 10, 14, Decimal("6000.00")), TrainingActual(1, 5, 20, Decimal("2000.00"))), ON
    )
    assert app.actuals is not None


def test_the_award_is_settled_pro_rata_of_the_trainee_hours_delivered() -> None:
    app, call = approved()
    with pytest.raises(ApplicationRefused, match="pas encore été déclarées"):
        app.settle(call.terms.criteria, ON)
    # 8 of 10 trainees × 14 h, and the partner's training in full: 212 of 240 trainee-hours.
    app.report_actuals((TrainingActual(0, 8, 14, Decimal("6000.00")), TrainingActual(1, 5, 20, Decimal("2000.00"))), ON)
    settlement = app.settle(call.terms.criteria, ON)
    assert (settlement.planned_trainee_hours, settlement.delivered_trainee_hours) == (240, 212)
    assert settlement.amount == Decimal("2650.00") and settlement.released == Decimal("350.00")
    assert app.status == "settled" and app.settled_amount == Decimal("2650.00")


# --- hostile text: refused by the domain too, so that the CLI and the demo cannot store it --------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "Former\x00"}, "title"),
        ({"title": "Former\nles salariés"}, "title"),
        ({"summary": "Résumé\x1b[31m"}, "summary"),
        ({"trainings": (Training("SST\x08", False, 14, 10, Decimal("6000.00"), "lead", True),)}, "trainings[0].title"),
    ],
)
def test_control_characters_in_the_content_are_refused_naming_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(InvalidInput, match="caractère interdit") as refused:
        drafted(**overrides)
    assert refused.value.details == {"field": field}


def test_a_summary_may_hold_line_breaks_and_tabs() -> None:
    assert drafted(summary="Deux lignes\n\tet une tabulation").content.summary.count("\n") == 1


def test_control_characters_in_every_recorded_text_are_refused_and_nothing_is_recorded() -> None:
    bad = "a\x00b"
    call = opened()
    app = submitted(call)
    version = app.version
    for command, field in (
        (lambda: app.amend(call, content(summary="Autre"), bad, ON), "reason"),
        (lambda: app.override_check("active:lead", bad, "staff-1", ON), "reason"),
        (lambda: app.override_check(bad, "motif", "staff-1", ON), "check"),
        (lambda: app.assign_reviewer(bad, None), "reviewer_id"),
        (lambda: app.score_by("rev-1", None, True, call.terms.grid, (CriterionScore("x", 1, bad),), ON), None),
        (lambda: app.decide_rejection(bad, ENVELOPE, "staff-1", ON), "reason"),
        (lambda: app.withdraw(call, bad, ON), "reason"),
    ):
        with pytest.raises((InvalidInput, NotPermitted, ApplicationRefused)) as refused:
            command()
        if field is not None:
            assert isinstance(refused.value, InvalidInput) and refused.value.details == {"field": field}
    assert app.version == version


def test_control_characters_in_a_score_comment_or_a_review_comment_are_refused() -> None:
    call = opened()
    app = submitted(call)
    app.assign_reviewer("rev-1", None)
    comments = (CriterionScore("pertinence", 4, "Solide"), CriterionScore("cout", 3, "Rai\x00sonnable"))
    with pytest.raises(InvalidInput) as refused:
        app.score_by("rev-1", None, True, call.terms.grid, comments, ON)
    assert refused.value.details == {"field": "scores[1].comment"}
    decided_app, _ = decided()
    with pytest.raises(InvalidInput) as refused:
        decided_app.review(False, "à revoir\x00", "staff-2", ON)
    assert refused.value.details == {"field": "comment"}
