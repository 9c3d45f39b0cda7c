"""Reviews: the team asks a third party or a peer for a review, the reviewer comments (and may
propose another level), the team accepts or rejects each proposal, then validates the assessment.

Reviewers' comments commute like participants' answers (decided again after a lost race, without
`If-Match`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.assessment.application.base import AssessmentService, now, reviewer_of
from services.assessment.application.people import PersonDirectory, require_peer, require_third_party
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.errors import AssessmentRefused
from services.assessment.domain.member_assessments import MemberAssessments
from shared.auth import Principal
from shared.eventstore import CommandResult


class ReviewUseCases(AssessmentService):
    def request_review(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        kind: str,
        reviewer_id: str | None = None,
        reviewer_role: str | None = None,
        reviewer_tenant: str | None = None,
        directory: PersonDirectory | None,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        """`directory`: where a named reviewer must be (see `people.py`); None only where no directory
        exists (history replays, unit tests). A peer review goes to a member: naming one of its peer
        reviewers (`reviewer_id`) names their member; naming the member alone still works."""

        def request(assessment: Assessment) -> None:  # the request's id is derived from the version saved
            nonlocal reviewer_tenant, reviewer_role
            if directory is not None and reviewer_id:
                if kind == "third_party":
                    person = require_third_party(
                        directory, reviewer_id, region=assessment.sheet.region, role=reviewer_role
                    )
                    reviewer_role = person.role.value
                elif kind == "peer":
                    reviewer_tenant = require_peer(
                        directory, reviewer_id, assessed_tenant=assessment.tenant_id, reviewer_tenant=reviewer_tenant
                    )
            if kind == "peer" and reviewer_tenant and not self.has_completed_one(reviewer_tenant):
                raise AssessmentRefused(
                    "ce pair n'a pas encore validé d'évaluation du Cap : un pair relecteur est "
                    "un adhérent qui a lui-même utilisé l'outil"
                )
            assessment.request_review(
                kind=kind,
                reviewer_id=reviewer_id,
                reviewer_role=reviewer_role,
                reviewer_tenant=reviewer_tenant,
                at=at or now(),
            )

        return self.change(lambda: self.for_team(assessment_id, by, expected_version), request)

    def has_completed_one(self, tenant_id: str) -> bool:
        """Whether the member has validated an assessment (a peer reviewer must have)."""
        index = self.find(MemberAssessments, MemberAssessments.create_id(tenant_id))
        return index is not None and index.has_completed_one

    def comment_review(
        self,
        assessment_id: UUID,
        request_id: str,
        *,
        by: Principal,
        indicator: str,
        comment: str,
        proposed_level: int | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:

        def comment_on(assessment: Assessment) -> None:  # a proposal's id is derived from the version saved
            assessment.comment(
                request_id=request_id,
                reviewer=reviewer_of(by),
                indicator=indicator,
                comment=comment,
                proposed_level=proposed_level,
                reason=reason,
                referential=self.referential_of(assessment),
                at=at or now(),
            )

        return self.change(
            lambda: self.for_reviewer(assessment_id, by, request_id, expected_version),
            comment_on,
            commutes=expected_version is None,
        )

    def complete_review(
        self,
        assessment_id: UUID,
        request_id: str,
        *,
        by: Principal,
        summary: str,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_reviewer(assessment_id, by, request_id, expected_version),
            lambda a: a.complete_review(
                request_id=request_id, reviewer=reviewer_of(by), summary=summary, at=at or now()
            ),
        )

    def accept_proposal(
        self,
        assessment_id: UUID,
        proposal_id: str,
        *,
        by: Principal,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.accept_proposal(proposal_id=proposal_id, at=at or now()),
        )

    def reject_proposal(
        self,
        assessment_id: UUID,
        proposal_id: str,
        *,
        by: Principal,
        reason: str,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.reject_proposal(proposal_id=proposal_id, reason=reason, at=at or now()),
        )

    def validate(
        self, assessment_id: UUID, *, by: Principal, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        def validate(assessment: Assessment) -> tuple[Any, ...]:
            assessment.validate(at=at or now())
            members = self.member_assessments(assessment.tenant_id)
            members.record_validation(assessment.id)
            return (members,)

        return self.change(lambda: self.for_team(assessment_id, by, expected_version), validate)
