"""Starting a member's assessment, and reopening a validated one (by starting its successor)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from services.assessment.application.base import AssessmentService, now
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.errors import AlreadyInProgress, AssessmentRefused
from shared.as_of import today_in_paris
from shared.auth import Principal
from shared.eventstore import CommandResult


class StartingUseCases(AssessmentService):
    def start_assessment(
        self,
        *,
        tenant_id: str,
        region: str,
        forms: tuple[str, ...],
        scope: str,
        referential_version: str | None,
        started_on: date | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        """Start a member's assessment; it links to (and closes) the member's latest validated one."""
        at = at or now()
        code = referential_version or self.catalogue().latest
        if code is None:
            raise AssessmentRefused("aucune version du référentiel n'est publiée")
        reference = self.referential_version(code)
        if reference.published_at is None:
            raise AssessmentRefused(f"la version {code} du référentiel n'est pas publiée")
        index = self.member_assessments(tenant_id)
        if index.in_progress is not None:
            raise AlreadyInProgress(index.in_progress)
        previous = self.assessment(UUID(index.latest_validated)) if index.latest_validated else None
        assessment = Assessment.start(
            tenant_id=tenant_id,
            region=region,
            forms=forms,
            scope=scope,
            referential=reference.referential(),
            previous=previous,
            # The federation's date (Paris): at 00:30 on 1 December in Paris, UTC is still on 30 November.
            started_on=started_on or today_in_paris(at),
            at=at,
        )
        index.record_start(assessment.id)
        reference.take_into_use(assessment.id)
        if previous is not None:
            previous.supersede(by=assessment.id, at=at)
        return self.save_command(assessment, index, reference, *([previous] if previous else []))

    def reopen(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        region: str,
        forms: tuple[str, ...],
        referential_version: str | None,
        at: datetime | None = None,
    ) -> CommandResult:
        previous = self.for_team(assessment_id, by, admin_or_staff=True)
        previous.require_replaceable()
        if self.member_assessments(previous.tenant_id).latest_validated != str(assessment_id):
            raise AssessmentRefused("seule la dernière évaluation validée de l'adhérent peut être rouverte")
        return self.start_assessment(
            tenant_id=previous.tenant_id,
            region=region,
            forms=forms,
            scope=previous.sheet.scope,
            referential_version=referential_version,
            at=at,
        )
