"""AssessmentApplication: le Cap's use cases (load, decide, save), one short method each.

Every command answers a `CommandResult`. `expected_version` is the version the client last read
(HTTP `If-Match`): a stale one is refused with 409. Commands take `at`, the time they happen
(now, unless the demo seeder replays a past year).

Who may act on an assessment is decided here, from the caller's principal: the member's own team
(its tenant), or the reviewer a review request names. Anyone else gets "no such assessment" (404),
exactly as the read side answers, so that a command never reveals another member's assessment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.assessment.domain.access_grant import AccessGrant, AuditRead
from services.assessment.domain.assessment import Assessment, Respondent, Reviewer
from services.assessment.domain.errors import (
    AlreadyInProgress,
    AssessmentNotFound,
    AssessmentRefused,
    Forbidden,
    GrantNotFound,
    ReferentialNotFound,
    ReferentialVersionExists,
    VersionMismatch,
)
from services.assessment.domain.member_assessments import MemberAssessments
from services.assessment.domain.referential import Referential
from services.assessment.domain.referential_version import ReferentialCatalogue, ReferentialVersion
from services.assessment.events_log import SCHEMA
from shared.auth import Principal, Role
from shared.eventstore import CommandResult, IntegrityError, ServiceApplication

TEAM_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR})
CONFLICT_RETRIES = 3


def now() -> datetime:
    return datetime.now(UTC)


class AssessmentApplication(ServiceApplication):
    name = "assessment"
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
        try:
            version: ReferentialVersion = self.repository.get(ReferentialVersion.create_id(code))
        except AggregateNotFoundError:
            raise ReferentialNotFound(code) from None
        _check_version(version, expected_version)
        return version

    def referential(self, code: str) -> Referential:
        cached = self._referentials_in_use.get(code)
        if cached is not None:
            return cached
        version = self.referential_version(code)
        referential = version.referential()
        if version.in_use:
            self._referentials_in_use[code] = referential
        return referential

    def catalogue(self) -> ReferentialCatalogue:
        try:
            return self.repository.get(ReferentialCatalogue.ID)
        except AggregateNotFoundError:
            return ReferentialCatalogue()

    def load_referential(self, document: dict[str, Any], at: datetime | None = None) -> CommandResult | None:
        """Draft and publish a version from a document (the versioned file); nothing when that
        exact version is already published (so loading the file again is harmless)."""
        code = document.get("version") if isinstance(document, dict) else None
        try:
            existing = self.referential_version(str(code))
        except ReferentialNotFound:
            version = ReferentialVersion.draft(document)
            version.publish(at or now())
            catalogue = self.catalogue()
            catalogue.record_publication(version.version_code)
            return self.save_command(version, catalogue)
        if existing.published_at is not None and existing.document == document:
            return None
        raise ReferentialVersionExists(str(code))

    def draft_referential(
        self, *, document: dict[str, Any] | None, based_on: str | None, code: str | None
    ) -> CommandResult:
        if document is None:
            if based_on is None or code is None:
                raise AssessmentRefused(
                    "donnez le document complet, ou la version de départ (based_on) et le "
                    "numéro de la nouvelle version (version)"
                )
            document = {**self.referential_version(based_on).document, "version": code}
        try:
            self.referential_version(str(document.get("version")))
        except ReferentialNotFound:
            return self.save_command(ReferentialVersion.draft(document, based_on))
        raise ReferentialVersionExists(str(document.get("version")))

    def revise_indicator(
        self, code: str, indicator: dict[str, Any], expected_version: int | None = None
    ) -> CommandResult:
        version = self.referential_version(code, expected_version)
        version.revise_indicator(indicator)
        return self.save_command(version)

    def remove_indicator(self, code: str, indicator: str, expected_version: int | None = None) -> CommandResult:
        version = self.referential_version(code, expected_version)
        version.remove_indicator(indicator)
        return self.save_command(version)

    def publish_referential(
        self, code: str, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        version = self.referential_version(code, expected_version)
        version.publish(at or now())
        catalogue = self.catalogue()
        catalogue.record_publication(code)
        return self.save_command(version, catalogue)

    # --- starting, reopening --------------------------------------------------------------------

    def member_assessments(self, tenant_id: str) -> MemberAssessments:
        try:
            return self.repository.get(MemberAssessments.create_id(tenant_id))
        except AggregateNotFoundError:
            return MemberAssessments(tenant_id=tenant_id)

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
            started_on=started_on or at.date(),
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
        previous = self._for_team(assessment_id, by, admin_or_staff=True)
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

    # --- loading, and who may act -------------------------------------------------------------

    def assessment(self, assessment_id: UUID, expected_version: int | None = None) -> Assessment:
        try:
            assessment = self.repository.get(assessment_id)
        except AggregateNotFoundError:
            raise AssessmentNotFound(assessment_id) from None
        if not isinstance(assessment, Assessment):
            raise AssessmentNotFound(assessment_id)
        _check_version(assessment, expected_version)
        return assessment

    def _for_team(
        self, assessment_id: UUID, by: Principal, expected_version: int | None = None, *, admin_or_staff: bool = False
    ) -> Assessment:
        assessment = self.assessment(assessment_id, expected_version)
        if by.tenant == assessment.tenant_id and by.roles & TEAM_ROLES:
            return assessment
        if admin_or_staff and by.has(Role.NATIONAL_STAFF):
            return assessment
        if by.has(Role.NATIONAL_STAFF):
            raise Forbidden("seule l'équipe de l'adhérent répond à son auto-évaluation et décide de son plan")
        raise AssessmentNotFound(assessment_id)

    def _for_reviewer(
        self, assessment_id: UUID, by: Principal, request_id: str, expected_version: int | None
    ) -> Assessment:
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

    def _change(
        self,
        assessment_id: UUID,
        by: Principal,
        expected_version: int | None,
        change: Callable[[Assessment], Any],
        *,
        load: Callable[..., Assessment] | None = None,
        also: Callable[[Assessment], tuple[Any, ...]] = lambda _: (),
        retry: bool = False,
    ) -> CommandResult:
        """Load, decide, save. With `retry` (commands that commute, like participants' answers) and no
        `If-Match`, a save that loses a race on the aggregate is decided again on the new state:
        both answers are kept, none is lost. Otherwise the loser gets 409."""
        attempts = CONFLICT_RETRIES if retry and expected_version is None else 1
        for attempt in range(1, attempts + 1):
            assessment = (load or self._for_team)(assessment_id, by, expected_version)
            change(assessment)
            try:
                return self.save_command(assessment, *also(assessment))
            except IntegrityError:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    def _referential_of(self, assessment: Assessment) -> Referential:
        return self.referential(assessment.sheet.referential_version)

    # --- participants and answers ----------------------------------------------------------------

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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.invite(
                participant_id=participant_id,
                name=name,
                kind=kind,
                sub_themes=sub_themes,
                referential=self._referential_of(a),
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.assign(
                participant_id=participant_id,
                sub_themes=sub_themes,
                referential=self._referential_of(a),
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.answer(
                indicator=indicator,
                participant_id=participant_id or by.subject,
                level=level,
                comment=comment,
                practice=practice,
                improve=improve,
                revisit=revisit,
                referential=self._referential_of(a),
                at=at or now(),
                respondent=_respondent(by),
            ),
            retry=True,
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.mark_revisit(
                indicator=indicator,
                participant_id=participant_id or by.subject,
                revisit=revisit,
                at=at or now(),
                respondent=_respondent(by),
            ),
            retry=True,
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.settle(
                indicator=indicator,
                level=level,
                practice=practice,
                improve=improve,
                comment=comment,
                referential=self._referential_of(a),
                at=at or now(),
            ),
        )

    def submit(
        self, assessment_id: UUID, *, by: Principal, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        return self._change(
            assessment_id, by, expected_version, lambda a: a.submit(referential=self._referential_of(a), at=at or now())
        )

    # --- reviews ------------------------------------------------------------------------------

    def request_review(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        kind: str,
        reviewer_id: str | None = None,
        reviewer_role: str | None = None,
        reviewer_tenant: str | None = None,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        if kind == "peer" and reviewer_tenant and not self._has_completed_one(reviewer_tenant):
            raise AssessmentRefused(
                "ce pair n'a pas encore validé d'évaluation du Cap : un pair relecteur est "
                "un adhérent qui a lui-même utilisé l'outil"
            )
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.request_review(
                kind=kind,
                reviewer_id=reviewer_id,
                reviewer_role=reviewer_role,
                reviewer_tenant=reviewer_tenant,
                at=at or now(),
            ),
        )

    def _has_completed_one(self, tenant_id: str) -> bool:
        try:
            index: MemberAssessments = self.repository.get(MemberAssessments.create_id(tenant_id))
        except AggregateNotFoundError:
            return False
        return index.has_completed_one

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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.comment(
                request_id=request_id,
                reviewer=_reviewer(by),
                indicator=indicator,
                comment=comment,
                proposed_level=proposed_level,
                reason=reason,
                referential=self._referential_of(a),
                at=at or now(),
            ),
            load=lambda i, p, v: self._for_reviewer(i, p, request_id, v),
            retry=True,
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.complete_review(request_id=request_id, reviewer=_reviewer(by), summary=summary, at=at or now()),
            load=lambda i, p, v: self._for_reviewer(i, p, request_id, v),
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
        return self._change(
            assessment_id, by, expected_version, lambda a: a.accept_proposal(proposal_id=proposal_id, at=at or now())
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.reject_proposal(proposal_id=proposal_id, reason=reason, at=at or now()),
        )

    def validate(
        self, assessment_id: UUID, *, by: Principal, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        def index(assessment: Assessment) -> tuple[Any, ...]:
            members = self.member_assessments(assessment.tenant_id)
            members.record_validation(assessment.id)
            return (members,)

        return self._change(assessment_id, by, expected_version, lambda a: a.validate(at=at or now()), also=index)

    # --- the plan's follow-up ------------------------------------------------------------------

    def adopt_action(
        self,
        assessment_id: UUID,
        indicator: str,
        *,
        by: Principal,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.adopt_action(indicator=indicator, referential=self._referential_of(a), at=at or now()),
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.schedule_action(
                indicator=indicator, owner=owner, due_on=due_on, referential=self._referential_of(a), at=at or now()
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.complete_action(
                indicator=indicator,
                completed_on=completed_on or (at or now()).date(),
                referential=self._referential_of(a),
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
        return self._change(
            assessment_id,
            by,
            expected_version,
            lambda a: a.drop_action(
                indicator=indicator, reason=reason, referential=self._referential_of(a), at=at or now()
            ),
        )

    # --- auditors -------------------------------------------------------------------------------

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
        try:
            grant = self.repository.get(grant_id)
        except AggregateNotFoundError:
            raise GrantNotFound(grant_id) from None
        if not isinstance(grant, AccessGrant):
            raise GrantNotFound(grant_id)
        _check_version(grant, expected_version)
        grant.revoke(reason)
        return self.save_command(grant)

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

    # --- replay -------------------------------------------------------------------------------

    def assessment_events(self, assessment_id: UUID, *, lte: int | None = None) -> list[Any]:
        """The assessment's events in order (up to version `lte`): what the auditor's replay folds."""
        events = list(self.events.get(assessment_id, lte=lte))
        if not events or type(events[0]).__qualname__ != "Assessment.Started":
            raise AssessmentNotFound(assessment_id)
        return events


def _respondent(by: Principal) -> Respondent:
    return Respondent(subject=by.subject, admin=by.has(Role.MEMBER_ADMIN))


def _reviewer(by: Principal) -> Reviewer:
    return Reviewer(subject=by.subject, roles=frozenset(r.value for r in by.roles), tenant=by.tenant)


def _check_version(aggregate: Any, expected_version: int | None) -> None:
    if expected_version is not None and aggregate.version != expected_version:
        raise VersionMismatch(expected_version, aggregate.version)
