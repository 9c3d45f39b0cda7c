"""The Call aggregate: its terms, its life, and its envelope ledger (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.training.domain.call import Call, EligibilityCriteria, ScoringCriterion
from services.training.domain.errors import CallRefused, EnvelopeExceeded
from shared.errors import InvalidInput
from tests.helpers.training_domain import CLOSES, OPENS, opened, terms


def test_an_opened_call_records_its_terms_to_the_cent() -> None:
    call = opened()
    assert call.status == "open" and call.terms.envelope == Decimal("290000.00")
    assert (call.envelope_total, call.committed, call.paid, call.available) == (
        Decimal("290000.00"),
        0,
        0,
        Decimal("290000.00"),
    )


def test_a_call_without_a_label_keeps_the_id_of_its_year_others_are_told_apart_by_their_label() -> None:
    assert opened().id == Call.create_id(2015) != Call.create_id(2016)
    second = Call.open(2015, terms(), OPENS, " 2e appel ")
    assert second.label == "2e appel" and second.id == Call.create_id(2015, "2e appel") != opened().id


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"envelope": Decimal("289999.99")}, "40 %"),
        ({"envelope": Decimal(800_000)}, "dépasser le fonds"),
        ({"closes_on": OPENS}, "clôture"),
        ({"grid": ()}, "grille"),
        ({"grid": (ScoringCriterion("a", "A", 1), ScoringCriterion("a", "B", 1))}, "même code"),
        ({"grid": (ScoringCriterion("a", "A", 0),)}, "poids"),
        ({"title": " "}, "titre"),
        ({"criteria": EligibilityCriteria(True, True, Decimal("0.80"), Decimal("0.70"), Decimal(500))}, "prioritaires"),
        ({"criteria": EligibilityCriteria(True, True, Decimal("0"), Decimal("0.7"), Decimal(500))}, "taux"),
    ],
)
def test_a_call_that_breaks_the_rules_is_refused(overrides: dict[str, object], words: str) -> None:
    with pytest.raises(CallRefused, match=words):
        opened(**overrides)


def test_amounts_finer_than_a_cent_are_refused() -> None:
    with pytest.raises(InvalidInput, match="deux décimales") as refused:
        opened(envelope=Decimal("290000.001"))
    assert refused.value.details == {"field": "envelope"}


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+1000000", "-1", "1.5", "0.12345"])
def test_a_rate_that_is_not_a_share_of_one_with_four_decimals_is_refused(value: str) -> None:
    criteria = EligibilityCriteria(True, True, Decimal(value), Decimal("0.70"), Decimal(500))
    with pytest.raises(InvalidInput, match="taux compris entre 0 et 1") as refused:
        opened(criteria=criteria)
    assert refused.value.details == {"field": "criteria.max_cofunding_rate"}


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "1E+1000000", "-0.01", "1000000000.00"])
def test_an_amount_that_is_not_finite_positive_and_bounded_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        opened(fund_amount=Decimal(value))
    assert refused.value.details == {"field": "fund_amount"} and "montant" in refused.value.message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "FMS\x002015"}, "title"),
        ({"title": "FMS\n2015"}, "title"),
        ({"grid": (ScoringCriterion("pertinence", "Perti\x1bnence", 3),)}, "grid[0].label"),
        ({"priority_trainings": ("SST\x85",)}, "priority_trainings[0]"),
    ],
)
def test_control_characters_in_the_terms_are_refused_naming_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(InvalidInput, match="caractère interdit") as refused:
        opened(**overrides)
    assert refused.value.details == {"field": field}


@pytest.mark.parametrize("text", ["a\x00b", "a\x7fb", "a\u009fb"])
def test_control_characters_in_reasons_and_ids_recorded_on_the_call_are_refused(text: str) -> None:
    call = opened()
    for command, field in (
        (lambda: call.top_up(Decimal(10), text, OPENS), "reason"),
        (lambda: call.grant_audit(text, "contrôle"), "auditor_id"),
        (lambda: call.grant_audit("auditrice", text), "reason"),
        (lambda: call.amend(terms(title="Autre"), text, OPENS), "reason"),
    ):
        with pytest.raises(InvalidInput) as refused:
            command()
        assert refused.value.details == {"field": field}
    assert call.version == 1  # nothing was recorded


def test_terms_are_amended_until_the_first_application_is_received() -> None:
    call = opened()
    call.amend(terms(title="FMS 2015 (rectifié)"), "coquille", OPENS)
    assert call.terms.title == "FMS 2015 (rectifié)"
    with pytest.raises(CallRefused, match="rien à modifier"):
        call.amend(terms(title="FMS 2015 (rectifié)"), "encore", OPENS)
    call.receive_first_application()
    with pytest.raises(CallRefused, match="déjà été déposée"):
        call.amend(terms(title="Autre"), "trop tard", OPENS)


def test_the_first_application_is_recorded_once() -> None:
    call = opened()
    call.receive_first_application()
    call.receive_first_application()
    assert [type(e).__name__ for e in call.collect_events()] == ["Opened", "FirstApplicationReceived"]


def test_applications_are_accepted_between_the_opening_and_closing_dates_of_an_open_call() -> None:
    call = opened()
    call.require_accepting_applications(CLOSES)
    with pytest.raises(CallRefused, match="n'ouvre que"):
        call.require_accepting_applications(date(2015, 1, 1))
    with pytest.raises(CallRefused, match="a clos le 31/03/2015"):
        call.require_accepting_applications(date(2015, 4, 1))
    call.close(date(2015, 3, 1))
    with pytest.raises(CallRefused, match="clos"):
        call.require_accepting_applications(date(2015, 3, 2))


def test_results_are_published_once_the_call_is_closed() -> None:
    call = opened()
    with pytest.raises(CallRefused, match="résultats"):
        call.publish_results(date(2015, 6, 1))
    call.close(CLOSES)
    call.publish_results(date(2015, 6, 1))
    assert call.status == "results_published"


def test_awards_are_committed_within_the_envelope_and_refused_beyond_it() -> None:
    call = opened(envelope=Decimal(290_000))
    first, second = uuid4(), uuid4()
    call.commit(first, Decimal("289000.00"), CLOSES)
    with pytest.raises(EnvelopeExceeded) as refusal:
        call.commit(second, Decimal("1000.01"), CLOSES)
    assert refusal.value.details == {"amount": "1000.01", "available": "1000.00"}
    call.commit(second, Decimal("1000.00"), CLOSES)
    assert call.available == 0


def test_a_new_decision_replaces_the_commitment_the_application_held() -> None:
    call = opened()
    application = uuid4()
    call.commit(application, Decimal("5000.00"), CLOSES)
    call.commit(application, Decimal("4000.00"), CLOSES)
    assert call.committed == Decimal("4000.00")
    event = call.collect_events()[-1]
    assert (event.amount, event.replaced, event.available_after) == (
        Decimal("4000.00"),
        Decimal("5000.00"),
        Decimal("286000.00"),
    )


def test_a_rejection_releases_the_commitment() -> None:
    call = opened()
    application = uuid4()
    call.commit(application, Decimal("5000.00"), CLOSES)
    call.release(application, "rejet", CLOSES)
    assert call.available == Decimal("290000.00")
    call.release(application, "rejet", CLOSES)  # nothing held: nothing to record
    assert [type(e).__name__ for e in call.collect_events()][-2:] == ["AwardCommitted", "CommitmentReleased"]


def test_a_settlement_pays_what_is_due_and_returns_the_rest_to_the_envelope() -> None:
    call = opened()
    application = uuid4()
    call.commit(application, Decimal("5000.00"), CLOSES)
    with pytest.raises(CallRefused, match="dépasser le montant engagé"):
        call.settle(application, Decimal("5000.01"), CLOSES)
    call.settle(application, Decimal("4200.00"), CLOSES)
    assert (call.committed, call.paid, call.available) == (0, Decimal("4200.00"), Decimal("285800.00"))
    assert call.collect_events()[-1].released == Decimal("800.00")


def test_top_ups_add_to_the_envelope_with_their_origin() -> None:
    call = opened()
    call.top_up(Decimal("50000.00"), "Enveloppe complémentaire du partenaire", date(2015, 4, 1))
    assert call.envelope_total == Decimal("340000.00")
    with pytest.raises(CallRefused, match="origine"):
        call.top_up(Decimal("1.00"), " ", date(2015, 4, 1))
    with pytest.raises(CallRefused, match="positif"):
        call.top_up(Decimal("0"), "x", date(2015, 4, 1))


def test_no_commitment_once_results_are_published() -> None:
    call = opened()
    call.close(CLOSES)
    call.publish_results(date(2015, 6, 1))
    with pytest.raises(CallRefused, match="publiés"):
        call.commit(uuid4(), Decimal("1.00"), CLOSES)


def test_an_auditor_is_granted_access_once() -> None:
    call = opened()
    call.grant_audit("auditrice-1", "contrôle")
    with pytest.raises(CallRefused, match="déjà accès"):
        call.grant_audit("auditrice-1", "encore")
