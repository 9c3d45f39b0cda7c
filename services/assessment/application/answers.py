"""The team's use cases while drafting: inviting participants, their answers, settling the
assessment's answer where they disagree, and submitting.

Participants' answers commute (two people answering at once both count): without `If-Match`, a
save that loses a race is decided again on the fresh state, so no answer is lost."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.assessment.application.base import AssessmentService, now, respondent_of
from shared.auth import Principal
from shared.eventstore import CommandResult


class AnswerUseCases(AssessmentService):
    def invite_participant(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        participant_id: str,
        name: str,
        kind: str,
        sub_themes: tuple[str, ...],
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.invite(
                participant_id=participant_id,
                name=name,
                kind=kind,
                sub_themes=sub_themes,
                referential=self.referential_of(a),
                at=at or now(),
            ),
        )

    def assign_sub_themes(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        participant_id: str,
        sub_themes: tuple[str, ...],
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.assign(
                participant_id=participant_id,
                sub_themes=sub_themes,
                referential=self.referential_of(a),
                at=at or now(),
            ),
        )

    def answer(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        indicator: str,
        participant_id: str | None,
        level: int,
        comment: str = "",
        practice: str = "in_place",
        improve: bool = False,
        revisit: bool = False,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.answer(
                indicator=indicator,
                participant_id=participant_id or by.subject,
                level=level,
                comment=comment,
                practice=practice,
                improve=improve,
                revisit=revisit,
                referential=self.referential_of(a),
                at=at or now(),
                respondent=respondent_of(by),
            ),
            commutes=expected_version is None,
        )

    def mark_revisit(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        indicator: str,
        participant_id: str | None,
        revisit: bool,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.mark_revisit(
                indicator=indicator,
                participant_id=participant_id or by.subject,
                revisit=revisit,
                at=at or now(),
                respondent=respondent_of(by),
            ),
            commutes=expected_version is None,
        )

    def settle(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        indicator: str,
        level: int,
        practice: str = "in_place",
        improve: bool = False,
        comment: str = "",
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.settle(
                indicator=indicator,
                level=level,
                practice=practice,
                improve=improve,
                comment=comment,
                referential=self.referential_of(a),
                at=at or now(),
            ),
        )

    def submit(
        self, assessment_id: UUID, *, by: Principal, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.submit(referential=self.referential_of(a), at=at or now()),
        )
