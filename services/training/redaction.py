"""Read-model rows turned into what each reader may see.

Applicants and regional delegates see a decision only once it is approved and notified (until then
the application is "under review"); scores, reviewers and comments stay with national staff and
auditors; a fund reviewer sees the application and their own scores.
"""

from __future__ import annotations

from typing import Any

from services.training.access import Access
from services.training.projections.call_dashboard import FIGURE_NAMES
from services.training.read_models import (
    ApplicationRecord,
    ApplicationSummary,
    CallRecord,
    DashboardFigures,
    EnvelopeFigures,
    VisibleStatus,
)

UNDER_REVIEW: dict[str, VisibleStatus] = {"decided": "under_review", "sent_back": "under_review"}

_NEXT_STEPS = {
    "draft": ("complete_and_submit", "Compléter et déposer la candidature avant la clôture de l'appel"),
    "submitted": ("none", "Aucune action attendue : la candidature est en cours d'instruction"),
    "decided": ("none", "Aucune action attendue : la candidature est en cours d'instruction"),
    "sent_back": ("none", "Aucune action attendue : la candidature est en cours d'instruction"),
    "withdrawn": ("none", "Aucune action attendue : la candidature a été retirée"),
    "rejected": ("none", "Aucune action attendue : la candidature n'a pas été retenue"),
    "settled": ("none", "Aucune action attendue : l'aide est soldée"),
}


def next_step(row: dict[str, Any]) -> tuple[str, str]:
    """What the applicant is expected to do next."""
    if row["status"] == "submitted" and row["eligibility"] == "ineligible":
        return (
            "review_eligibility",
            "Vérifier les critères d'éligibilité non remplis : la candidature peut être "
            "modifiée jusqu'à la clôture de l'appel",
        )
    if row["status"] == "awarded":
        if row["actuals"] is None:
            return (
                "report_actuals",
                "Déclarer les réalisations (stagiaires formés, heures, coûts) pour le solde de l'aide",
            )
        return ("none", "Aucune action attendue : le solde de l'aide est en cours de calcul")
    return _NEXT_STEPS[row["status"]]


def visible_status(row: dict[str, Any], access: Access) -> VisibleStatus:
    return row["status"] if access.sees_deliberation else UNDER_REVIEW.get(row["status"], row["status"])


def application_record(row: dict[str, Any], access: Access) -> ApplicationRecord:
    code, label = next_step(row)
    fields = {name: row[name] for name in ApplicationRecord.__struct_fields__ if name in row}
    fields.update(
        status=visible_status(row, access),
        next_step=code,
        next_step_label=label,
        reviewers=None,
        scores=None,
        score=None,
        decision=None,
        review=None,
        decided_on=None,
    )
    if access.sees_deliberation:
        fields.update(
            reviewers=row["reviewers"],
            scores=row["scores"],
            score=row["score"],
            decision=row["decision"],
            review=row["review"],
            decided_on=row["decided_on"],
        )
    elif access.is_reviewer:
        fields["scores"] = [s for s in row["scores"] if s["reviewer_id"] == access.principal.subject]
    elif row["notified_on"] is not None:
        fields["decision"] = _notified_decision(row["decision"])
    return ApplicationRecord(**fields)


def _notified_decision(decision: dict[str, Any]) -> dict[str, Any]:
    return {"kind": decision["kind"], "amount": decision["amount"], "reason": decision["reason"], "on": decision["on"]}


def application_summary(row: dict[str, Any], access: Access) -> ApplicationSummary:
    code, label = next_step(row)
    fields = {name: row[name] for name in ApplicationSummary.__struct_fields__ if name in row}
    fields.update(
        status=visible_status(row, access),
        enterprises=len(row["enterprises"]),
        next_step=code,
        next_step_label=label,
        score=row["score"] if access.sees_deliberation else None,
    )
    return ApplicationSummary(**fields)


def call_record(row: dict[str, Any], *, with_envelope: bool) -> CallRecord:
    fields = {name: row[name] for name in CallRecord.__struct_fields__ if name in row and name != "envelope"}
    envelope = (
        EnvelopeFigures(**{name: row[name] for name in EnvelopeFigures.__struct_fields__}) if with_envelope else None
    )
    return CallRecord(**fields, envelope=envelope)


def dashboard_figures(row: dict[str, Any]) -> DashboardFigures:
    keep = (*FIGURE_NAMES, "call_id", "breakdown", "key", "envelope_total", "committed", "paid", "available")
    return DashboardFigures(**{name: row[name] for name in keep})
