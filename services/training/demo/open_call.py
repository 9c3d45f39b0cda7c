"""The demo's call open today, beside the 2015 call's whole story: something for the demo member to
apply to, an application for the demo's fund reviewer to score, so that each role has its job
waiting in the portal. Its dates follow today's (Paris); idempotent per year."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from services.people.demo.people_for import demo_person
from services.training.application import ContentRequest, TrainingApplication
from services.training.application.people import PersonDirectory
from services.training.demo import call_2015 as plan
from services.training.domain.call import Call, CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.values import EnterpriseFacts, Training
from shared.as_of import today_in_paris
from shared.auth import Role
from shared.events import command_context

if TYPE_CHECKING:
    from shared.platform import Platform

LABEL = "Appel en cours"
FUND = Decimal("400000")
ENVELOPE = Decimal("200000")  # half the fund (at least 40 % by the fund's rules)
FUND_REVIEWER = ("fonds@demo.coorace.fr", "Paul Girard")


def seed_open_call(platform: Platform, app: TrainingApplication, directory: PersonDirectory, demo_member: str) -> None:
    """Open this year's demo call (30 days ago, closing in 45 days) and have one applicant, not the
    demo member, submit an application the demo's fund reviewer is assigned to."""
    today = today_in_paris()
    if app.has_call(today.year, LABEL):
        return
    terms = CallTerms(
        title=f"Fonds Mutualisés Solidaires : appel à projets {today.year}",
        fund_amount=FUND,
        envelope=ENVELOPE,
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=45),
        criteria=EligibilityCriteria(
            accord_groupe_required=True,
            integration_pathway_required=True,
            max_cofunding_rate=plan.MAX_COFUNDING_RATE,
            priority_cofunding_rate=plan.PRIORITY_COFUNDING_RATE,
            max_per_trainee=plan.MAX_PER_TRAINEE,
        ),
        grid=tuple(ScoringCriterion(code=c, label=label, weight=w) for c, label, w in plan.GRID),
        priority_trainings=plan.PRIORITY_TRAININGS,
    )
    call_id = Call.create_id(today.year, LABEL)
    with command_context(
        actor_id=plan.DECIDER, actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-open-call"
    ):
        app.open_call(year=today.year, terms=terms, on=terms.opens_on, label=LABEL)
    applicant = _applicant(app.register.everyone(), demo_member)
    if applicant is None:
        return
    content = ContentRequest(
        title="Parcours de remobilisation et premiers gestes professionnels",
        summary="Deux sessions pour les salariés en insertion entrés cette année.",
        partner_ids=(),
        trainings=(
            Training(
                title=plan.PRIORITY_TRAININGS[0],
                priority=True,
                hours=35,
                trainees=8,
                cost=Decimal("5600"),
                enterprise_id=applicant.member_id,
                integration_pathway=True,
            ),
        ),
        requested=Decimal("4000"),
    )
    lead = applicant.member_id
    with command_context(
        actor_id=f"admin.{lead[:8]}", actor_role="member_admin", tenant_id=lead, correlation_id="demo-seed-open-call"
    ):
        drafted = app.draft_application(call_id, lead_id=lead, content=content, on=today - timedelta(days=10))
        app.submit(UUID(drafted.id), acting_for=lead, on=today - timedelta(days=3))
    reviewer = demo_person(platform, email=FUND_REVIEWER[0], name=FUND_REVIEWER[1], role=Role.FUND_REVIEWER)
    with command_context(
        actor_id=plan.DECIDER, actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-open-call"
    ):
        app.assign_reviewer(UUID(drafted.id), reviewer_id=reviewer, reviewer_enterprise=None, directory=directory)


def _applicant(register: list[EnterpriseFacts], demo_member: str) -> EnterpriseFacts | None:
    """An active Accord Groupe member other than the demo member (the first by id: the same each time)."""
    candidates = sorted(
        (f for f in register if f.status == "active" and f.accord_groupe_since and f.member_id != demo_member),
        key=lambda f: f.member_id,
    )
    return candidates[0] if candidates else None


def _as(actor: str, role: str, tenant: str | None = None):  # noqa: ANN202 - a context manager
    return command_context(actor_id=actor, actor_role=role, tenant_id=tenant, correlation_id="demo-seed-open-call")
