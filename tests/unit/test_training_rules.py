"""The training service's pure rules: settlement, what-if ranking, amendments, exports, the read
side's folds (application rows per enterprise, the register copy), and the 2015 demo data."""

from __future__ import annotations

import io
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from services.training.demo.call_2015 import APPLICATIONS, ENVELOPE, FUND, MAX_PER_TRAINEE, call_2015
from services.training.domain.amendments import content_changes
from services.training.domain.settlement import settle
from services.training.domain.values import Training, TrainingActual
from services.training.domain.what_if import Candidate, simulate
from services.training.exports import HEADERS, as_csv, as_xlsx, decision_lines
from services.training.projections.funding_application_rows import (
    apply_funding_application_event,
    as_json,
    enterprise_rows,
    state_from_row,
)
from services.training.projections.register_copy import apply_member_fact
from shared.projection import ForeignEvent
from tests.helpers.training_domain import ON, approved, content, opened, scored

TRAININGS = (
    Training("SST", True, 10, 10, Decimal("5000.00"), "lead", True),
    Training("Savoirs", False, 20, 5, Decimal("2000.00"), "partner", True),
)


# --- settlement --------------------------------------------------------------------------------------


def test_a_settlement_never_pays_more_than_the_award_even_when_more_was_delivered() -> None:
    actuals = (TrainingActual(0, 12, 10, Decimal("6000.00")), TrainingActual(1, 5, 20, Decimal("2000.00")))
    result = settle(Decimal("3000.00"), TRAININGS, actuals, opened().terms.criteria)
    assert result.ratio == 1 and result.amount == Decimal("3000.00") and result.released == 0


def test_a_settlement_stays_within_the_criteria_applied_to_actual_costs() -> None:
    # Everything delivered, but for much less than planned: 30 % of 2,000 € at 50 % is the ceiling.
    actuals = (TrainingActual(0, 10, 10, Decimal("1000.00")), TrainingActual(1, 5, 20, Decimal("1000.00")))
    result = settle(Decimal("3000.00"), TRAININGS, actuals, opened().terms.criteria)
    assert result.ceiling_on_actuals == Decimal("1200.00") and result.amount == Decimal("1200.00")


def test_nothing_delivered_nothing_paid() -> None:
    actuals = (TrainingActual(0, 0, 0, Decimal("0")), TrainingActual(1, 0, 0, Decimal("0")))
    result = settle(Decimal("3000.00"), TRAININGS, actuals, opened().terms.criteria)
    assert result.amount == 0 and result.released == Decimal("3000.00")


# --- what-if ---------------------------------------------------------------------------------------------


def candidate(name: str, score: str, requested: str, maximum: str = "100000") -> Candidate:
    return Candidate(name, name, "lead", Decimal(score), Decimal(requested), Decimal(maximum))


def test_what_if_funds_the_best_scores_first_and_the_last_one_partly() -> None:
    outcomes = simulate(
        [candidate("b", "60", "4000"), candidate("a", "80", "5000"), candidate("c", "40", "3000")], Decimal("7000")
    )
    assert [(o.candidate.application_id, o.funded, o.outcome) for o in outcomes] == [
        ("a", Decimal("5000"), "full"),
        ("b", Decimal("2000"), "partial"),
        ("c", Decimal("0.00"), "unfunded"),
    ]


def test_what_if_leaves_out_scores_under_the_cutoff_and_caps_at_the_criteria() -> None:
    outcomes = simulate(
        [candidate("a", "80", "5000", maximum="4500"), candidate("b", "49.99", "1000")],
        Decimal("100000"),
        Decimal("50"),
    )
    assert [(o.funded, o.outcome) for o in outcomes] == [(Decimal("4500"), "full"), (Decimal("0.00"), "below_cutoff")]


# --- amendments -----------------------------------------------------------------------------------------


def test_the_difference_with_the_submitted_version_names_each_changed_field() -> None:
    before = as_json(content())
    after = as_json(content(requested=Decimal("2500.00"), trainings=content().trainings[:1]))
    assert content_changes(before, after) == [
        {"field": "requested", "before": "3000.00", "after": "2500.00"},
        {"field": "trainings[1]", "before": before["trainings"][1], "after": None},
    ]
    assert content_changes(before, before) == []


# --- read side: folds ---------------------------------------------------------------------------------


def fold(aggregate: object) -> dict:
    state = None
    for event in aggregate.collect_events():  # type: ignore[attr-defined]
        state = apply_funding_application_event(state, event)
    assert state is not None
    return state


def test_each_applicant_enterprise_gets_its_own_row_with_its_share_of_the_trainings() -> None:
    app, _ = scored()
    rows = {r["enterprise_id"]: r for r in enterprise_rows(fold(app))}
    assert set(rows) == {"lead", "partner"}
    assert (rows["lead"]["tenant_id"], rows["lead"]["role"], rows["lead"]["enterprise_planned_trainees"]) == (
        "lead",
        "lead",
        10,
    )
    assert (rows["partner"]["tenant_id"], rows["partner"]["role"], rows["partner"]["enterprise_planned_hours"]) == (
        "partner",
        "partner",
        20,
    )
    assert rows["partner"]["lead_name"] == "AI du Relais" and rows["partner"]["score"] == Decimal("72.00")


def test_a_row_gives_back_the_state_it_was_made_from() -> None:
    app, call = approved()
    app.report_actuals(
        (TrainingActual(0, 10, 14, Decimal("6000.00")), TrainingActual(1, 5, 20, Decimal("2000.00"))), ON
    )
    app.settle(call.terms.criteria, ON)
    state = fold(app)
    for row in enterprise_rows(state):
        assert state_from_row(row) == state
    partner = next(r for r in enterprise_rows(state) if r["role"] == "partner")
    assert (partner["enterprise_delivered_trainees"], partner["enterprise_delivered_hours"]) == (5, 20)


def member_event(kind: str, version: int, member_id: uuid.UUID, **state: object) -> ForeignEvent:
    return ForeignEvent(
        topic=f"services.membership.domain.member:{kind}",
        name=kind,
        originator_id=member_id,
        originator_version=version,
        timestamp=datetime(2015, 1, 1, tzinfo=UTC),
        state=state,
    )


def test_the_register_copy_follows_the_membership_events_it_needs() -> None:
    member_id = uuid.uuid4()
    row = apply_member_fact(
        None,
        member_event(
            "Member.Registered",
            1,
            member_id,
            name="AI Lens",
            siret="x",
            forms=("AI", "ETTI"),
            region="NPC",
            joined_on=date(2010, 1, 1),
            contact={},
            city="Lens",
        ),
    )
    row = apply_member_fact(row, member_event("Member.JoinedAccordGroupe", 2, member_id, effective_on=date(2012, 3, 1)))
    row = apply_member_fact(
        row,
        member_event(
            "Member.MovedToRegion", 3, member_id, region="HDF", effective_on=date(2016, 1, 1), reason="fusion"
        ),
    )
    row = apply_member_fact(
        row, member_event("Member.Resigned", 4, member_id, effective_on=date(2016, 6, 30), reason="x")
    )
    assert row == {
        "member_id": str(member_id),
        "tenant_id": str(member_id),
        "region": "HDF",
        "name": "AI Lens",
        "forms": ["AI", "ETTI"],
        "primary_form": "AI",
        "status": "resigned",
        "accord_groupe_since": date(2012, 3, 1),
        "version": 4,
    }
    assert apply_member_fact(None, member_event("Member.Resigned", 2, member_id, effective_on=date(2016, 1, 1))) is None


# --- exports --------------------------------------------------------------------------------------------


def decision_row() -> dict:
    return {
        "application_id": "a1",
        "title": "Projet",
        "lead_name": "AI Lens",
        "lead_region": "NPC",
        "enterprises": [{"name": "AI Lens"}, {"name": "ACI du Port"}],
        "status": "awarded",
        "eligibility": "eligible",
        "score": Decimal("72.00"),
        "requested": Decimal("3000.00"),
        "decision": {
            "kind": "award",
            "amount": "2800.00",
            "reason": "Retenu",
            "decided_by": "marie",
            "on": "2015-05-12",
        },
        "review": {"outcome": "approved", "reviewer_id": "paul"},
        "awarded": Decimal("2800.00"),
        "settled": None,
        "planned_trainees": 14,
        "planned_hours": 34,
        "delivered_trainees": None,
        "delivered_hours": None,
    }


def test_decisions_export_as_a_french_csv() -> None:
    text = as_csv(decision_lines([decision_row()])).decode("utf-8-sig").splitlines()
    assert text[0].split(";") == list(HEADERS)
    assert text[1].split(";")[:12] == [
        "a1",
        "Projet",
        "AI Lens",
        "NPC",
        "AI Lens, ACI du Port",
        "aide accordée",
        "éligible",
        "72,00",
        "3000,00",
        "aide",
        "2800,00",
        "Retenu",
    ]


def test_decisions_export_as_an_xlsx_workbook() -> None:
    workbook = load_workbook(io.BytesIO(as_xlsx(decision_lines([decision_row()]), "Décisions 2015")))
    sheet = workbook["Décisions 2015"]
    assert [c.value for c in sheet[1]][:3] == ["Candidature", "Intitulé", "Entreprise cheffe de file"]
    assert sheet["K2"].value == 2800.0


def test_texts_a_spreadsheet_would_take_for_formulas_are_exported_as_text() -> None:
    hostile = {
        **decision_row(),
        "title": '=HYPERLINK("http://exemple.invalid","Cliquez")',
        "lead_name": "+33 AI",
        "decision": {**decision_row()["decision"], "reason": "@SUM(A1)"},
    }
    lines = decision_lines([hostile])
    csv_line = as_csv(lines).decode("utf-8-sig").splitlines()[1].split(";")
    assert (csv_line[2], csv_line[11]) == ("'+33 AI", "'@SUM(A1)") and csv_line[1].startswith("\"'=HYPERLINK")
    sheet = load_workbook(io.BytesIO(as_xlsx(lines, "Décisions")))["Décisions"]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (hostile["title"], "s")


# --- the 2015 demo data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> list:
    return call_2015()


def test_the_2015_call_has_the_reports_figures(demo: list) -> None:
    retained = [a for a in demo if a.award is not None]
    assert (len(demo), sum(1 + a.partners for a in demo)) == (APPLICATIONS, 56) == (51, 56)
    assert (len(retained), sum(1 + a.partners for a in retained)) == (37, 38)
    assert sum(a.award for a in retained) == 280_153
    assert (sum(a.trainees for a in retained), sum(a.hours for a in retained)) == (1_063, 3_085)
    assert ENVELOPE == Decimal("0.40") * FUND and sum(a.award for a in retained) <= ENVELOPE


def test_the_2015_call_is_the_same_at_every_run(demo: list) -> None:
    assert call_2015() == demo


def test_every_2015_request_fits_the_criteria_and_every_award_its_request(demo: list) -> None:
    for a in demo:
        rate_ceiling = sum(t.cost * (Decimal("0.7") if t.priority else Decimal("0.5")) for t in a.trainings)
        assert a.requested <= min(rate_ceiling, MAX_PER_TRAINEE * a.trainees), a.key
        assert a.award is None or a.award <= a.requested
        assert {t.enterprise for t in a.trainings} == set(range(a.partners + 1))  # each partner trains


def test_the_2015_applications_not_retained_have_their_reasons(demo: list) -> None:
    reasons = Counter(a.reason.split(" ")[0] for a in demo if a.award is None)
    assert reasons == {"Note": 6, "Projet": 5, "Candidature": 3}
    assert [a.key for a in demo if a.lead_kind == "late"] == [10]
    assert [a.key for a in demo if a.first_award is not None] == [20]
