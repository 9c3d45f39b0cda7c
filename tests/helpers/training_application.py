"""Scenario helpers of the training tests (no tests here): members registered in the membership
service and copied into the training service's register, a call, applications brought to the state
a test needs through the service layer, acting as the users who would send each command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from services.training.application import ContentRequest, TrainingApplication
from services.training.domain.call import CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.values import CriterionScore, Training
from shared.events import command_context
from shared.platform import Platform
from shared.projection import catch_up
from tests.helpers.membership_application import membership, register

TODAY = date.today()
GRID = (ScoringCriterion("pertinence", "Pertinence du projet", 3), ScoringCriterion("cout", "Coût par stagiaire", 2))
TOP_SCORES = (CriterionScore("pertinence", 4, "Projet solide"), CriterionScore("cout", 3, "Coût raisonnable"))


def terms(**overrides: object) -> CallTerms:
    values: dict[str, object] = dict(
        title="Appel à projets de test",
        fund_amount=Decimal("250000.00"),
        envelope=Decimal("100000.00"),
        opens_on=TODAY - timedelta(days=10),
        closes_on=TODAY + timedelta(days=30),
        criteria=EligibilityCriteria(
            accord_groupe_required=True,
            integration_pathway_required=True,
            max_cofunding_rate=Decimal("0.50"),
            priority_cofunding_rate=Decimal("0.70"),
            max_per_trainee=Decimal("800.00"),
        ),
        grid=GRID,
        priority_trainings=("Sauveteur secouriste du travail (SST)",),
    )
    values.update(overrides)
    return CallTerms(**values)  # type: ignore[arg-type]


@contextmanager
def acting(actor: str, role: str, tenant: str | None = None) -> Iterator[None]:
    with command_context(actor_id=actor, actor_role=role, tenant_id=tenant):
        yield


def staff(name: str = "staff-1") -> object:
    return acting(name, "national_staff")


def member(tenant: str) -> object:
    return acting(f"admin-{tenant[:8]}", "member_admin", tenant)


def training_app(platform: Platform) -> TrainingApplication:
    app = platform.application("training")
    assert isinstance(app, TrainingApplication)
    return app


def given_members(
    platform: Platform, count: int, *, accord: bool = True, region: str = "BRE", forms: tuple[str, ...] = ("AI",)
) -> list[str]:
    """Members registered (and in the Accord Groupe since 2012 unless `accord` is False)."""
    app = membership(platform)
    ids = []
    for _ in range(count):
        result = register(app, region=region, forms=forms)
        if accord:
            app.join_accord_groupe(UUID(result.id), effective_on=date(2012, 1, 1))
        ids.append(result.id)
    return ids


async def catch_up_all(platform: Platform, service: str = "training") -> None:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for store, projection in platform.projections[service]:
            live = await store.live(conn, projection)
            await catch_up(conn, store, projection, live["generation"])


def content(
    lead: str,
    *,
    partners: tuple[str, ...] = (),
    requested: str = "3000.00",
    trainees: int = 10,
    hours: int = 14,
    cost: str = "8000.00",
    title: str = "Former les salariés en parcours",
) -> ContentRequest:
    trainings = [
        Training(
            title="Sauveteur secouriste du travail (SST)",
            priority=True,
            hours=hours,
            trainees=trainees,
            cost=Decimal(cost),
            enterprise_id=lead,
            integration_pathway=True,
        )
    ]
    trainings += [
        Training(
            title=f"Savoirs de base ({p[:8]})",
            priority=False,
            hours=7,
            trainees=4,
            cost=Decimal("1000.00"),
            enterprise_id=p,
            integration_pathway=True,
        )
        for p in partners
    ]
    return ContentRequest(
        title=title,
        summary="Un projet de formation",
        partner_ids=partners,
        trainings=tuple(trainings),
        requested=Decimal(requested),
    )


def open_call(platform: Platform, *, year: int = 2015, **overrides: object) -> UUID:
    with staff():
        return UUID(training_app(platform).open_call(year=year, terms=terms(**overrides), on=TODAY).id)


def submitted(platform: Platform, call_id: UUID, lead: str, **kwargs: object) -> UUID:
    app = training_app(platform)
    with member(lead):
        application_id = UUID(
            app.draft_application(
                call_id,
                lead_id=lead,
                content=content(lead, **kwargs),  # type: ignore[arg-type]
                on=TODAY,
            ).id
        )
        app.submit(application_id, acting_for=lead, on=TODAY)
    return application_id


def scored(platform: Platform, application_id: UUID, reviewer: str = "reviewer-1") -> None:
    app = training_app(platform)
    with staff():
        app.assign_reviewer(application_id, reviewer_id=reviewer, directory=None, reviewer_enterprise=None)
    with acting(reviewer, "fund_reviewer"):
        app.score(
            application_id,
            by=reviewer,
            reviewer_enterprise=None,
            no_conflict_declared=True,
            scores=TOP_SCORES,
            on=TODAY,
        )


def awarded(platform: Platform, application_id: UUID, amount: str = "3000.00") -> None:
    """Decided by staff-1 and approved by staff-2."""
    app = training_app(platform)
    with staff("staff-1"):
        app.decide_award(application_id, amount=Decimal(amount), reason="Projet retenu", by="staff-1", on=TODAY)
    with staff("staff-2"):
        app.review_decision(application_id, approve=True, comment="", by="staff-2", on=TODAY)
