"""Values carried by the funding application's events: what was applied for, what was checked,
scored and delivered. Frozen dataclasses, stored by name (`@event_value`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.events import event_value


@event_value("training.enterprise")
@dataclass(frozen=True)
class Enterprise:
    """An applicant enterprise as the register showed it when it was named on the application."""

    member_id: str
    name: str
    region: str
    forms: tuple[str, ...]


@event_value("training.training")
@dataclass(frozen=True)
class Training:
    title: str
    priority: bool  # one of the call's priority trainings (better co-funding terms)
    hours: int  # length of the training
    trainees: int
    cost: Decimal
    enterprise_id: str  # whose employees are trained: planned and actual figures reconcile per partner
    integration_pathway: bool  # the trainees are employees on integration pathways

    @property
    def trainee_hours(self) -> int:
        return self.hours * self.trainees


@event_value("training.content")
@dataclass(frozen=True)
class ApplicationContent:
    title: str
    summary: str
    partners: tuple[Enterprise, ...]
    trainings: tuple[Training, ...]
    requested: Decimal  # the co-funding requested

    @property
    def trainees(self) -> int:
        return sum(t.trainees for t in self.trainings)

    @property
    def hours(self) -> int:
        return sum(t.hours for t in self.trainings)

    @property
    def cost(self) -> Decimal:
        return sum((t.cost for t in self.trainings), Decimal(0))


@event_value("training.enterprise_facts")
@dataclass(frozen=True)
class EnterpriseFacts:
    """What the training service's copy of the register said about an enterprise at a check."""

    member_id: str
    name: str
    region: str
    forms: tuple[str, ...]
    status: str
    accord_groupe_since: date | None


@event_value("training.check")
@dataclass(frozen=True)
class Check:
    """One eligibility check: what was expected, what was seen, and whether it passed."""

    code: str
    label: str
    passed: bool
    expected: str
    observed: str


@event_value("training.criterion_score")
@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    score: int
    comment: str


@event_value("training.training_actual")
@dataclass(frozen=True)
class TrainingActual:
    """What was delivered for one planned training (by its position in the application)."""

    training: int
    trainees: int
    hours: int
    cost: Decimal


@event_value("training.envelope_view")
@dataclass(frozen=True)
class EnvelopeView:
    """The envelope as the decision saw it: recorded with the decision so that it explains itself."""

    total: Decimal
    available_before: Decimal
    available_after: Decimal
