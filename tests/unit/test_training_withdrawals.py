"""Taking back: a decision not yet reviewed, by the one who took it (its money returns to the
envelope); the application then awaits a decision again, dated no earlier than the withdrawal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from services.training.domain.errors import ApplicationRefused, DateOutOfOrder, NotPermitted
from tests.helpers.training_domain import ENVELOPE, ON, decided


def test_the_decider_takes_back_an_unreviewed_decision_and_its_money_returns() -> None:
    app, call = decided()
    call.commit(app.id, Decimal("3000.00"), ON)
    with pytest.raises(NotPermitted, match="qui a pris la décision"):
        app.withdraw_decision("staff-2", "erreur de montant", ON)
    with pytest.raises(ApplicationRefused, match="motivé"):
        app.withdraw_decision("staff-1", " ", ON)
    with pytest.raises(DateOutOfOrder):
        app.withdraw_decision("staff-1", "erreur de montant", ON - timedelta(days=1))
    app.withdraw_decision("staff-1", "erreur de montant", ON + timedelta(days=1))
    call.release(app.id, "retrait de la décision", ON + timedelta(days=1))
    assert (app.status, app.decision, app.decided_by) == ("submitted", None, None)
    assert call.committed == 0 and call.available == Decimal("290000.00")
    with pytest.raises(DateOutOfOrder, match="retrait"):
        app.decide_award(Decimal(2500), Decimal(4600), "Retenu", ENVELOPE, "staff-1", ON)
    app.decide_award(Decimal(2500), Decimal(4600), "Retenu", ENVELOPE, "staff-2", ON + timedelta(days=2))
    assert app.decided_by == "staff-2"


def test_a_reviewed_decision_is_not_taken_back() -> None:
    app, _ = decided()
    app.review(True, "", "staff-2", ON)
    with pytest.raises(ApplicationRefused, match="retirer la décision"):
        app.withdraw_decision("staff-1", "trop tard", ON)
