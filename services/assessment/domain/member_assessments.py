"""Each member's assessments, in one small aggregate per member (its id derives from the tenant).

It holds what decisions about *other* aggregates need, consistently: a member has at most one
assessment in progress at a time, and a peer reviewer must come from a member that has completed
(validated) an assessment itself. It is saved in the same transaction as the assessment it records.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.assessment.domain.errors import AlreadyInProgress
from shared.events import AuditedAggregate


class MemberAssessments(AuditedAggregate):
    # --- events: each declared once (the class name is part of the stored topic) --------------

    class Opened(AuditedAggregate.Created):
        tenant_id: str

    class AssessmentStarted(AuditedAggregate.Event):
        assessment_id: str

    class AssessmentValidated(AuditedAggregate.Event):
        assessment_id: str

    @staticmethod
    def create_id(tenant_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"coorace:cap-member:{tenant_id}")

    @event(Opened)
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.assessments: list[str] = []
        self.validated: list[str] = []
        self.in_progress: str | None = None

    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): the member's."""
        return self.tenant_id

    @property
    def latest_validated(self) -> str | None:
        return self.validated[-1] if self.validated else None

    @property
    def has_completed_one(self) -> bool:
        return bool(self.validated)

    def record_start(self, assessment_id: UUID) -> None:
        if self.in_progress is not None:
            raise AlreadyInProgress(self.in_progress)
        self._assessment_started(str(assessment_id))

    def record_validation(self, assessment_id: UUID) -> None:
        self._assessment_validated(str(assessment_id))

    @event(AssessmentStarted)
    def _assessment_started(self, assessment_id: str) -> None:
        self.assessments = [*self.assessments, assessment_id]
        self.in_progress = assessment_id

    @event(AssessmentValidated)
    def _assessment_validated(self, assessment_id: str) -> None:
        self.validated = [*self.validated, assessment_id]
        if self.in_progress == assessment_id:
            self.in_progress = None
