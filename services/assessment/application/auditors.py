"""Auditors: national staff grant (and revoke) read-only access; every read under a grant is
recorded; the replay reads an assessment's events."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.assessment.application.base import AssessmentService
from services.assessment.domain.access_grant import AccessGrant, AuditRead
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.errors import AssessmentNotFound, AssessmentRefused, GrantNotFound
from shared.eventstore import CommandResult


class AuditUseCases(AssessmentService):
    def grant_access(
        self,
        *,
        auditor_id: str,
        tenant_id: str | None,
        assessment_id: UUID | None,
        valid_from: datetime,
        valid_until: datetime,
        reason: str,
    ) -> CommandResult:
        if assessment_id is not None:
            tenant_id = self.assessment(assessment_id).tenant_id
        if tenant_id is None:
            raise AssessmentRefused("une habilitation nomme une évaluation (assessment_id) ou un adhérent (tenant_id)")
        return self.save_command(
            AccessGrant.grant(
                auditor_id=auditor_id,
                tenant_id=tenant_id,
                assessment_id=str(assessment_id) if assessment_id else None,
                valid_from=valid_from,
                valid_until=valid_until,
                reason=reason,
            )
        )

    def revoke_access(self, grant_id: UUID, *, reason: str, expected_version: int | None = None) -> CommandResult:
        return self.change(
            lambda: self.load(AccessGrant, grant_id, GrantNotFound, expected_version), lambda g: g.revoke(reason)
        )

    def record_audit_read(
        self,
        *,
        auditor_id: str,
        grant_id: str,
        tenant_id: str,
        assessment_id: str | None,
        resource: str,
        path: str,
        query: str,
    ) -> CommandResult:
        return self.save_command(
            AuditRead(
                auditor_id=auditor_id,
                grant_id=grant_id,
                tenant_id=tenant_id,
                assessment_id=assessment_id,
                resource=resource,
                path=path,
                query=query,
            )
        )

    def assessment_events(self, assessment_id: UUID, *, lte: int | None = None) -> list[Any]:
        """The assessment's events in order (up to version `lte`): what the auditor's replay folds."""
        events = list(self.events.get(assessment_id, lte=lte))
        if not events or not isinstance(events[0], Assessment.Started):
            raise AssessmentNotFound(assessment_id)
        return events
