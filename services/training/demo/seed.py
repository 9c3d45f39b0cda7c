"""`coorace demo seed` for the training service: the 2015 call replayed through the same commands
users send (applicants draft and submit, reviewers score, one staff member decides and another
reviews, applicants report actuals, staff settle), with the dates of 2015.

The enterprises are drawn from the training service's own copy of the demo register (caught up
first), Accord Groupe members for the eligible applications. Idempotent: when the 2015 call exists
already, nothing is done.
"""

from __future__ import annotations

import asyncio
import random
import typing
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg

from services.people.demo.people_for import demo_person
from services.people.demo.seed import demo_member
from services.training.application import ContentRequest, TrainingApplication
from services.training.application.people import PersonDirectory
from services.training.demo import call_2015 as plan
from services.training.demo.call_2015 import DemoApplication
from services.training.demo.open_call import seed_open_call
from services.training.domain.call import Call, CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.values import CriterionScore, EnterpriseFacts, Training, TrainingActual
from shared.auth import Role
from shared.events import command_context
from shared.platform import init_connection
from shared.projection import catch_up

if TYPE_CHECKING:
    from shared.platform import Platform
    from shared.service import Progress

ACCORD_BEFORE = date(2015, 1, 1)  # members of the Accord Groupe before the call opened


def seed_training_demo(platform: Platform, progress: Progress) -> None:
    app = platform.application("training")
    assert isinstance(app, TrainingApplication)
    # This runs in a worker thread: it catches up the register copy on a connection of its own.
    asyncio.run(_catch_up_register_copy(platform))
    if app.has_call(plan.YEAR):
        progress("training: the 2015 call (already seeded)", 1, 1)
    else:
        _replay_2015(platform, app, progress)
    member = asyncio.run(demo_member(platform))
    seed_open_call(platform, app, cast_directory(platform.application("people")), member.member_id if member else "")
    progress("training: this year's open call", 1, 1)


def _replay_2015(platform: Platform, app: TrainingApplication, progress: Progress) -> None:
    applications = plan.call_2015()
    cast = Cast.drawn_from(app.register.everyone(), applications)
    # The fund reviewers are people of the directory (the people service seeds first), checked by
    # the assignment as the API's is; the demo's account fonds@ is the first of them.
    reviewers = {
        label: demo_person(platform, email=email, name=name, role=Role.FUND_REVIEWER)
        for label, (email, name) in zip(plan.REVIEWERS, FUND_REVIEWERS, strict=True)
    }
    Replay(app, applications, cast, progress, reviewers, cast_directory(platform.application("people"))).run()


FUND_REVIEWERS = (
    ("fonds@demo.coorace.fr", "Paul Girard"),
    ("evaluateur2@demo.coorace.fr", "Camille Faure"),
    ("evaluateur3@demo.coorace.fr", "Thomas Renaud"),
)


def cast_directory(application: object) -> PersonDirectory:
    return typing.cast(PersonDirectory, application)


async def _catch_up_register_copy(platform: Platform) -> None:
    store, projection = platform.projection("training", "register_copy")
    conn = await asyncpg.connect(platform.database.url())
    try:
        await init_connection(conn)
        live = await store.live(conn, projection)
        if live is None:
            raise RuntimeError("the training service's register copy has no live generation: run the migrations")
        await catch_up(conn, store, projection, live["generation"])
    finally:
        await conn.close()


@dataclass(frozen=True)
class Cast:
    """Which demo member plays which applicant enterprise (position 0: the lead)."""

    enterprises: dict[int, tuple[EnterpriseFacts, ...]]

    @classmethod
    def drawn_from(cls, register: list[EnterpriseFacts], applications: list[DemoApplication]) -> Cast:
        rng = random.Random(plan.YEAR)
        active = [f for f in register if f.status == "active"]
        pools = {
            "accord": [f for f in active if f.accord_groupe_since and f.accord_groupe_since < ACCORD_BEFORE],
            "late": [f for f in active if f.accord_groupe_since and f.accord_groupe_since > plan.CLOSES_ON],
            "outside": [f for f in active if f.accord_groupe_since is None],
        }
        for pool in pools.values():
            rng.shuffle(pool)
        if not pools["late"]:
            pools["late"] = pools["outside"]  # a smaller register: the override then covers a non-member
        enterprises = {}
        for demo in applications:
            lead = _take(pools, demo.lead_kind)
            partners = tuple(_take(pools, "accord") for _ in range(demo.partners))
            enterprises[demo.key] = (lead, *partners)
        return cls(enterprises)


def _take(pools: dict[str, list[EnterpriseFacts]], kind: str) -> EnterpriseFacts:
    if not pools[kind]:
        raise RuntimeError(
            f"the demo register has too few members of kind {kind!r} for the 2015 call (seed the membership demo first)"
        )
    return pools[kind].pop()


class Replay:
    def __init__(
        self,
        app: TrainingApplication,
        applications: list[DemoApplication],
        cast: Cast,
        progress: Progress,
        reviewers: dict[str, str],
        directory: PersonDirectory,
    ) -> None:
        self.app = app
        self.reviewers, self.directory = reviewers, directory
        self.applications = applications
        self.cast = cast
        self.progress = progress
        self.ids: dict[int, UUID] = {}
        self.call_id = Call.create_id(plan.YEAR)

    def run(self) -> None:
        self._open_call()
        for step, (what, act) in enumerate(self._steps(), start=1):
            act()
            self.progress(f"training: the 2015 call ({what})", step, 7)

    def _steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("applications", self._apply),
            ("eligibility", self._override),
            ("scoring", self._score),
            ("decisions", self._decide),
            ("reviews", self._review),
            ("results", self._publish),
            ("settlements", self._settle),
        ]

    def _as(self, actor: str, role: str, tenant: str | None = None):  # noqa: ANN202 - a context manager
        return command_context(actor_id=actor, actor_role=role, tenant_id=tenant, correlation_id="demo-seed-training")

    def _open_call(self) -> None:
        terms = CallTerms(
            title="Fonds Mutualisés Solidaires : appel à projets 2015",
            fund_amount=plan.FUND,
            envelope=plan.ENVELOPE,
            opens_on=plan.OPENS_ON,
            closes_on=plan.CLOSES_ON,
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
        with self._as(plan.DECIDER, "national_staff"):
            self.app.open_call(year=plan.YEAR, terms=terms, on=plan.OPENS_ON)

    def _apply(self) -> None:
        for demo in sorted(self.applications, key=lambda a: (a.drafted_on, a.key)):
            lead, *partners = self.cast.enterprises[demo.key]
            content = ContentRequest(
                title=demo.title,
                summary=demo.summary,
                partner_ids=tuple(p.member_id for p in partners),
                trainings=tuple(
                    Training(
                        title=t.title,
                        priority=t.priority,
                        hours=t.hours,
                        trainees=t.trainees,
                        cost=t.cost,
                        enterprise_id=self.cast.enterprises[demo.key][t.enterprise].member_id,
                        integration_pathway=True,
                    )
                    for t in demo.trainings
                ),
                requested=demo.requested,
            )
            with self._as(f"admin.{lead.member_id[:8]}", "member_admin", lead.member_id):
                result = self.app.draft_application(
                    self.call_id, lead_id=lead.member_id, content=content, on=demo.drafted_on
                )
                self.ids[demo.key] = UUID(result.id)
            if partners:
                # The partner's contributor completes the shared draft before the lead submits it.
                partner = partners[0]
                with self._as(f"contrib.{partner.member_id[:8]}", "member_contributor", partner.member_id):
                    self.app.edit_draft(
                        self.ids[demo.key],
                        acting_for=partner.member_id,
                        on=demo.drafted_on,
                        content=replace(
                            content,
                            summary=f"{demo.summary} Projet porté en commun "
                            f"avec {len(partners)} entreprise(s) partenaire(s).",
                        ),
                    )
            with self._as(f"admin.{lead.member_id[:8]}", "member_admin", lead.member_id):
                self.app.submit(self.ids[demo.key], acting_for=lead.member_id, on=demo.submitted_on)
        with self._as(plan.DECIDER, "national_staff"):
            self.app.close_call(self.call_id, on=plan.CLOSES_ON + timedelta(days=1))

    def _override(self) -> None:
        for demo in self.applications:
            if demo.lead_kind != "late":
                continue
            lead = self.cast.enterprises[demo.key][0]
            joined = f"le {lead.accord_groupe_since:%d/%m/%Y}" if lead.accord_groupe_since else "depuis"
            with self._as(plan.CHECKER, "national_staff"):
                self.app.override_check(
                    self.ids[demo.key],
                    check=f"accord_groupe:{lead.member_id}",
                    by=plan.CHECKER,
                    on=date(2015, 4, 8),  # the commission that lifted it
                    reason=(
                        f"Bulletin d'adhésion à l'Accord Groupe signé avant le dépôt, enregistré {joined} par "
                        "AGEFOS PME : critère levé par la commission du 8 avril 2015"
                    ),
                )

    def _score(self) -> None:
        for demo in self.applications:
            for n, review in enumerate(demo.scores):
                reviewer = self.reviewers[plan.REVIEWERS[(demo.key + n) % len(plan.REVIEWERS)]]
                with self._as(plan.DECIDER, "national_staff"):
                    self.app.assign_reviewer(
                        self.ids[demo.key], reviewer_id=reviewer, reviewer_enterprise=None, directory=self.directory
                    )
                with self._as(reviewer, "fund_reviewer"):
                    self.app.score(
                        self.ids[demo.key],
                        by=reviewer,
                        reviewer_enterprise=None,
                        no_conflict_declared=True,
                        scores=tuple(CriterionScore(criterion=c, score=s, comment=text) for c, s, text in review),
                        on=date(2015, 4, 15) + timedelta(days=demo.key % 14),
                    )

    def _decide(self) -> None:
        for demo in self.applications:  # the retained ones first: they were ranked best
            with self._as(plan.DECIDER, "national_staff"):
                if demo.award is None:
                    self.app.decide_rejection(
                        self.ids[demo.key], reason=demo.reason, by=plan.DECIDER, on=demo.decided_on
                    )
                else:
                    self.app.decide_award(
                        self.ids[demo.key],
                        amount=demo.first_award or demo.award,
                        reason=demo.reason,
                        by=plan.DECIDER,
                        on=demo.decided_on,
                    )
            if demo.first_award is not None and demo.award is not None:  # sent back, then decided again
                with self._as(plan.CHECKER, "national_staff"):
                    self.app.review_decision(
                        self.ids[demo.key],
                        approve=False,
                        by=plan.CHECKER,
                        on=demo.decided_on + timedelta(days=2),
                        comment="Montant à ramener au coût moyen par stagiaire retenu par le comité",
                    )
                with self._as(plan.DECIDER, "national_staff"):
                    self.app.decide_award(
                        self.ids[demo.key],
                        amount=demo.award,
                        reason=demo.reason,
                        by=plan.DECIDER,
                        on=demo.decided_on + timedelta(days=3),
                    )

    def _review(self) -> None:
        for demo in self.applications:
            with self._as(plan.CHECKER, "national_staff"):
                self.app.review_decision(
                    self.ids[demo.key],
                    approve=True,
                    comment="Conforme à l'avis du comité",
                    by=plan.CHECKER,
                    on=date(2015, 5, 27),
                )

    def _publish(self) -> None:
        with self._as(plan.DECIDER, "national_staff"):
            self.app.publish_results(self.call_id, on=date(2015, 6, 1))

    def _settle(self) -> None:
        for demo in self.applications:
            if demo.award is None or demo.actuals_on is None:
                continue
            lead = self.cast.enterprises[demo.key][0]
            actuals = tuple(
                TrainingActual(training=i, trainees=t.trainees, hours=t.hours, cost=t.cost)
                for i, t in enumerate(demo.trainings)
            )
            with self._as(f"admin.{lead.member_id[:8]}", "member_admin", lead.member_id):
                self.app.report_actuals(
                    self.ids[demo.key], acting_for=lead.member_id, actuals=actuals, on=demo.actuals_on
                )
            with self._as(plan.CHECKER, "national_staff"):
                self.app.settle(self.ids[demo.key], on=demo.actuals_on + timedelta(days=10))
