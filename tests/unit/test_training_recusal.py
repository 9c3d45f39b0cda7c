"""A fund reviewer's recusal: an assigned reviewer declares a conflict of interest and steps aside,
before scoring; the read side keeps them listed (marked) and drops their assignment."""

from __future__ import annotations

import pytest

from services.training.domain.errors import ApplicationRefused, NotPermitted
from services.training.domain.funding_application import FundingApplication
from services.training.projections.funding import assignment_rows
from services.training.projections.funding_application_rows import apply_funding_application_event
from tests.helpers.training_domain import ON, SCORES, opened, submitted


def assigned() -> FundingApplication:
    app = submitted()
    app.assign_reviewer("rev-1", None)
    return app


def test_an_assigned_reviewer_who_declares_a_conflict_steps_aside() -> None:
    app = assigned()
    app.declare_conflict("rev-1", "Je siège au conseil d'administration du porteur", ON)
    event = app.collect_events()[-1]
    assert isinstance(event, FundingApplication.ConflictDeclared)
    assert (event.reviewer_id, event.on) == ("rev-1", ON)
    assert "rev-1" not in app.reviewers and "rev-1" in app.recused


def test_a_reviewer_who_stepped_aside_cannot_score() -> None:
    app = assigned()
    app.declare_conflict("rev-1", "Lien familial", ON)
    with pytest.raises(NotPermitted):
        app.score_by("rev-1", None, True, opened().terms.grid, SCORES, ON)


def test_a_reviewer_who_stepped_aside_is_not_assigned_again() -> None:
    app = assigned()
    app.declare_conflict("rev-1", "Lien familial", ON)
    with pytest.raises(ApplicationRefused, match="déporté"):
        app.assign_reviewer("rev-1", None)


def test_a_conflict_is_described() -> None:
    app = assigned()
    with pytest.raises(ApplicationRefused) as refused:
        app.declare_conflict("rev-1", "  ", ON)
    assert refused.value.details.get("field") == "reason"


def test_only_an_assigned_reviewer_declares_a_conflict() -> None:
    with pytest.raises(NotPermitted):
        assigned().declare_conflict("rev-2", "Lien familial", ON)


def test_a_reviewer_who_already_scored_cannot_step_aside() -> None:
    app = assigned()
    app.score_by("rev-1", None, True, opened().terms.grid, SCORES, ON)
    with pytest.raises(ApplicationRefused, match="déjà noté"):
        app.declare_conflict("rev-1", "Lien familial", ON)


def test_the_read_side_marks_the_reviewer_and_drops_their_assignment() -> None:
    app = submitted()
    app.assign_reviewer("rev-1", None)
    app.assign_reviewer("rev-2", None)
    app.declare_conflict("rev-1", "Lien familial", ON)
    state = None
    for event in app.collect_events():
        state = apply_funding_application_event(state, event)
    assert state is not None
    marked = {r["reviewer_id"]: r.get("conflict_declared_on") for r in state["reviewers"]}
    assert marked == {"rev-1": ON.isoformat(), "rev-2": None}
    assert [r["reviewer_id"] for r in assignment_rows(state)] == ["rev-2"]
