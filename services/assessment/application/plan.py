"""The progress plan's follow-up: the team adopts, schedules, completes or drops each action
(also after validation, until a new assessment replaces this one)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from services.assessment.application.base import AssessmentService, now
from shared.auth import Principal
from shared.eventstore import CommandResult


class PlanUseCases(AssessmentService):
    def adopt_action(
        self,
        assessment_id: UUID,
        indicator: str,
        *,
        by: Principal,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.adopt_action(indicator=indicator, referential=self.referential_of(a), at=at or now()),
        )

    def schedule_action(
        self,
        assessment_id: UUID,
        indicator: str,
        *,
        by: Principal,
        owner: str,
        due_on: date,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.schedule_action(
                indicator=indicator, owner=owner, due_on=due_on, referential=self.referential_of(a), at=at or now()
            ),
        )

    def complete_action(
        self,
        assessment_id: UUID,
        indicator: str,
        *,
        by: Principal,
        completed_on: date | None = None,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.complete_action(
                indicator=indicator,
                completed_on=completed_on or (at or now()).date(),
                referential=self.referential_of(a),
                at=at or now(),
            ),
        )

    def drop_action(
        self,
        assessment_id: UUID,
        indicator: str,
        *,
        by: Principal,
        reason: str,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.drop_action(
                indicator=indicator, reason=reason, referential=self.referential_of(a), at=at or now()
            ),
        )
