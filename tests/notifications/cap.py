"""Le Cap scenarios for the notification tests: a member's assessment brought to the state a test
needs through the application's commands, acting as the users who would send them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from services.assessment.application import AssessmentApplication
from services.assessment.domain.plan import plan_of
from services.assessment.domain.referential import Referential, load_document
from shared.auth import Principal, Role
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.helpers.siret import fresh_siret

DOCUMENT = load_document()
REFERENTIAL = Referential.parse(DOCUMENT)


def cap(platform: Platform) -> AssessmentApplication:
    app = platform.application("assessment")
    assert isinstance(app, AssessmentApplication)
    return app


def referential(platform: Platform) -> None:
    with command_context(actor_id="staff", actor_role="national_staff", tenant_id=None):
        cap(platform).load_referential(DOCUMENT)


def member(platform: Platform, name: str, region: str = "NPC") -> str:
    app: Any = platform.application("membership")
    app.establish_regions()
    return str(
        app.register_member(
            name=name,
            siret=fresh_siret(),
            forms=("AI",),
            region=region,
            joined_on=date(2011, 5, 1),
            contact=PersonalDetails(name="Jeanne", email="j@exemple.fr", phone="0102030405"),
            city="Arras",
        ).id
    )


def team(tenant: str) -> Principal:
    return Principal(subject=f"admin-{tenant[:6]}", roles=frozenset({Role.MEMBER_ADMIN}), tenant=tenant)


def submitted(platform: Platform, tenant: str) -> UUID:
    """An assessment of the member, every indicator answered, submitted."""
    app, by = cap(platform), team(tenant)
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
        assessment = UUID(
            app.start_assessment(
                tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version="2016.1"
            ).id
        )
        app.invite_participant(
            assessment, directory=None, by=by, participant_id=by.subject, name="Admin", kind="staff", sub_themes=()
        )
        for code in REFERENTIAL.indicators:
            app.answer(assessment, by=by, indicator=code, participant_id=by.subject, level=1, improve=True)
        app.submit(assessment, by=by)
    return assessment


def review_asked(platform: Platform, tenant: str, assessment: UUID, **ask: Any) -> str:
    """The member asks for a review; the request's id."""
    app, by = cap(platform), team(tenant)
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
        app.request_review(assessment, by=by, directory=platform.application("people"), **ask)  # type: ignore[arg-type]
    return str(next(iter(app.assessment(assessment).sheet.reviews)))


def validated_with_plan(platform: Platform, tenant: str, assessment: UUID, dues: list[date]) -> list[str]:
    """The assessment validated (the review skipped), and one plan action scheduled per due date;
    the indicators of those actions."""
    app, by = cap(platform), team(tenant)
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
        app.validate(assessment, by=by)
        actions = plan_of(app.assessment(assessment).sheet, REFERENTIAL).actions
        for action, due in zip(actions, dues, strict=False):
            app.schedule_action(assessment, action.indicator, by=by, owner="Directrice", due_on=due)
    return [a.indicator for a in actions[: len(dues)]]


def granted(platform: Platform, auditor_id: str, tenant: str, days: int = 30) -> str:
    start = datetime.now(UTC)
    with command_context(actor_id="staff", actor_role="national_staff", tenant_id=None):
        return (
            cap(platform)
            .grant_access(
                auditor_id=auditor_id,
                tenant_id=tenant,
                assessment_id=None,
                valid_from=start,
                valid_until=start + timedelta(days=days),
                reason="Contrôle annuel du Fonds",
            )
            .id
        )
