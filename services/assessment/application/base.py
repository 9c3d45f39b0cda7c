"""What every le Cap use case stands on: the application's settings, loading each aggregate (or the
service's "not found"), and who may act on an assessment.

Who may act is decided here, from the caller's principal (`by`, passed in by every use case): the
member's own team (its tenant), or the reviewer a review request names. Anyone else gets "no such
assessment" (404), exactly as the read side answers, so that a command never reveals another
member's assessment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.assessment.domain.assessment import Assessment, Respondent, Reviewer
from services.assessment.domain.errors import AssessmentNotFound, Forbidden, ReferentialNotFound
from services.assessment.domain.member_assessments import MemberAssessments
from services.assessment.domain.referential import Referential
from services.assessment.domain.referential_version import ReferentialCatalogue, ReferentialVersion
from services.assessment.events_log import SCHEMA
from shared.auth import Principal, Role
from shared.eventstore import ServiceApplication

TEAM_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR})


def now() -> datetime:
    return datetime.now(UTC)


def respondent_of(by: Principal) -> Respondent:
    return Respondent(subject=by.subject, admin=by.has(Role.MEMBER_ADMIN))


def reviewer_of(by: Principal) -> Reviewer:
    return Reviewer(subject=by.subject, roles=frozenset(r.value for r in by.roles), tenant=by.tenant)


class AssessmentService(ServiceApplication):
    """The base every use-case area of `AssessmentApplication` extends."""

    schema = SCHEMA
    # Answering re-loads a growing assessment at every command: keep recent ones in memory (the
    # library fast-forwards a cached aggregate from the store and hands out copies).
    env = {"AGGREGATE_CACHE_MAXSIZE": "500"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Versions in use never change (their aggregate refuses it): safe to keep once parsed.
        self._referentials_in_use: dict[str, Referential] = {}

    # --- the referential ----------------------------------------------------------------------

    def referential_version(self, code: str, expected_version: int | None = None) -> ReferentialVersion:
        return self.load(
            ReferentialVersion,
            ReferentialVersion.create_id(code),
            lambda _: ReferentialNotFound(code),
            expected_version,
        )

    def referential(self, code: str) -> Referential:
        cached = self._referentials_in_use.get(code)
        if cached is not None:
            return cached
        version = self.referential_version(code)
        referential = version.referential()
        if version.in_use:
            self._referentials_in_use[code] = referential
        return referential

    def referential_of(self, assessment: Assessment) -> Referential:
        return self.referential(assessment.sheet.referential_version)

    def catalogue(self) -> ReferentialCatalogue:
        return self.find(ReferentialCatalogue, ReferentialCatalogue.ID) or ReferentialCatalogue()

    # --- a member's assessments ---------------------------------------------------------------

    def member_assessments(self, tenant_id: str) -> MemberAssessments:
        return self.find(MemberAssessments, MemberAssessments.create_id(tenant_id)) or MemberAssessments(
            tenant_id=tenant_id
        )

    def assessment(self, assessment_id: UUID, expected_version: int | None = None) -> Assessment:
        return self.load(Assessment, assessment_id, AssessmentNotFound, expected_version)

    # --- who may act ----------------------------------------------------------------------------

    def for_team(
        self, assessment_id: UUID, by: Principal, expected_version: int | None = None, *, admin_or_staff: bool = False
    ) -> Assessment:
        """The assessment, for its member's team (and, with `admin_or_staff`, national staff)."""
        assessment = self.assessment(assessment_id, expected_version)
        if by.tenant == assessment.tenant_id and by.roles & TEAM_ROLES:
            return assessment
        if admin_or_staff and by.has(Role.NATIONAL_STAFF):
            return assessment
        if by.has(Role.NATIONAL_STAFF):
            raise Forbidden("seule l'équipe de l'adhérent répond à son auto-évaluation et décide de son plan")
        raise AssessmentNotFound(assessment_id)

    def for_reviewer(
        self, assessment_id: UUID, by: Principal, request_id: str, expected_version: int | None = None
    ) -> Assessment:
        """The assessment, for the reviewer its request `request_id` names (or anyone who sees it:
        the aggregate then refuses a reviewer it does not name, with 403)."""
        assessment = self.assessment(assessment_id, expected_version)
        review = assessment.sheet.reviews.get(request_id)
        named = review is not None and (
            by.subject == review.reviewer_id
            if review.kind == "third_party"
            else by.tenant is not None and by.tenant == review.reviewer_tenant
        )
        sees_it = (
            by.has(Role.NATIONAL_STAFF)
            or by.tenant == assessment.tenant_id
            or (by.region is not None and by.region == assessment.sheet.region)
        )
        if not named and not sees_it:
            raise AssessmentNotFound(assessment_id)  # not theirs to see: it does not exist for them
        return assessment
