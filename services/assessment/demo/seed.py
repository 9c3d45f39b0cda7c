"""`coorace demo seed` for le Cap: assessments at every stage, made through the same commands a
member's team, a delegate or a peer would send, with the times they would have happened.

Runs after the member register's seed. It reads the members from le Cap's own member directory
(caught up first, from the register's log), picks the region and form with the most members, and
tells these stories there:
- eight members with a validated assessment (so that peer benchmarks show: at least five others
  of the same form in the region), one of them with its previous assessment a year earlier, some
  reviewed by the regional delegate or by a peer (proposals accepted and rejected), and their plans
  under way (actions adopted, scheduled, some overdue, done, dropped);
- one reviewed and waiting for validation, one under review, one submitted, one in progress and
  active, one in progress and stalled for two months.
Every assessment is answered collectively: two or three participants, sub-themes assigned,
divergences settled by the team. Participants and reviewers are people of the directory (the people
service seeds first; the first member's team and reviewers are the demo accounts one signs in
with), and the commands check them as the API's do. Idempotent: a member that already has an
assessment is skipped.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast
from uuid import UUID

import asyncpg
from eventsourcing.utils import get_topic

from services.assessment.application import AssessmentApplication
from services.assessment.application.people import PersonDirectory
from services.assessment.domain.access_grant import AccessGrant
from services.assessment.domain.plan import plan_of
from services.assessment.domain.referential import Referential, load_document
from services.people.demo.people_for import demo_person
from shared.auth import Principal, Role
from shared.events import command_context
from shared.platform import init_connection
from shared.projection import catch_up, ensure_live_generation

if TYPE_CHECKING:
    from shared.platform import Platform
    from shared.service import Progress

# The demo auditor account (the people seed's): her grant names her person id, as the portal's grants do.
AUDITOR = ("auditrice@demo.coorace.fr", "Hélène Dubois")
STAGES = ("validated",) * 8 + ("reviewed", "under_review", "submitted", "in_progress", "stalled")
PARTICIPANTS = (  # (key, role in the directory, kind, sub-themes)
    ("direction", Role.MEMBER_ADMIN, "staff", ()),
    ("accompagnement", Role.MEMBER_CONTRIBUTOR, "staff", ("2.1", "2.2", "2.3", "4.2")),
    ("benevole", Role.MEMBER_CONTRIBUTOR, "volunteer", ("1.1", "1.2", "3.2", "3.3")),
)
FIRST_NAMES = ("Agnès", "Bruno", "Chantal", "David", "Élodie", "Fabrice", "Gaëlle", "Hugo", "Inès", "Jérôme")
LAST_NAMES = ("Bernard", "Carré", "Durand", "Fournier", "Garnier", "Lambert", "Mercier", "Perrin", "Roux", "Vidal")
# The first member's team and its reviewers are the people seed's demo accounts (same e-mails).
DEMO_ACCOUNTS = {
    "direction": ("admin@demo.coorace.fr", "Claire Martin"),
    "accompagnement": ("contributeur@demo.coorace.fr", "Karim Benali"),
}
DELEGATE = ("delegue@demo.coorace.fr", "Yann Kerouac")
PEER_REVIEWER = ("pair@demo.coorace.fr", "Sophie Le Gall")


@dataclass(frozen=True)
class DemoMember:
    member_id: str
    name: str
    region: str
    forms: tuple[str, ...]


def seed_assessment_demo(platform: Platform, progress: Progress) -> None:
    app = platform.application("assessment")
    assert isinstance(app, AssessmentApplication)
    with command_context(
        actor_id="demo-seed", actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-assessment"
    ):
        app.load_referential(load_document())
    members = asyncio.run(_directory(platform))
    if not members:
        return
    region, form = Counter((m.region, m.forms[0]) for m in members).most_common(1)[0][0]
    chosen = sorted((m for m in members if (m.region, m.forms[0]) == (region, form)), key=lambda m: m.name)
    stories = list(zip(chosen, STAGES, strict=False))  # fewer members than stages: fewer stories
    now = datetime.now(UTC).replace(microsecond=0)
    referential = app.referential(app.catalogue().latest or "2016.1")
    peer = chosen[0].member_id
    story_cast = Cast(
        directory=cast_directory(platform.application("people")),
        delegate=demo_person(platform, email=DELEGATE[0], name=DELEGATE[1], role=Role.REGIONAL_DELEGATE, region=region),
        peer_reviewer=demo_person(
            platform, email=PEER_REVIEWER[0], name=PEER_REVIEWER[1], role=Role.PEER_REVIEWER, tenant=peer
        ),
    )
    for done, (member, stage) in enumerate(stories, start=1):
        if not app.member_assessments(member.member_id).assessments:
            team = _team(platform, member, first=done == 1)
            Story(app, referential, member, now, random.Random(member.member_id), story_cast, team).tell(
                stage, twice=done == 1, peer=peer if done in (3, 10) else None
            )
        progress(f"assessment: le Cap in {region} ({form})", done, len(stories))
    auditor = demo_person(platform, email=AUDITOR[0], name=AUDITOR[1], role=Role.AUDITOR)
    _grant_auditor(app, auditor, chosen[0], now)


async def _directory(platform: Platform) -> list[DemoMember]:
    """The active members, from le Cap's member directory caught up with the register's log (in
    this worker thread's own event loop and connection)."""
    store, projection = platform.projection("assessment", "member_directory")
    conn = await asyncpg.connect(platform.database.url())
    try:
        await init_connection(conn)
        generation = await ensure_live_generation(conn, store, projection)
        await catch_up(conn, store, projection, generation)
        rows = await conn.fetch(
            "SELECT member_id, name, region, forms FROM assessment.member_directory WHERE status = 'active'"
        )
    finally:
        await conn.close()
    return [DemoMember(r["member_id"], r["name"], r["region"], tuple(r["forms"])) for r in rows]


@dataclass(frozen=True)
class Cast:
    """Who the stories name besides each member's team: people of the directory."""

    directory: PersonDirectory
    delegate: str  # the region's delegate: third-party reviews
    peer_reviewer: str  # the first member's peer reviewer: peer reviews


def cast_directory(application: object) -> PersonDirectory:
    return cast(PersonDirectory, application)


def _team(platform: Platform, member: DemoMember, *, first: bool) -> dict[str, str]:
    """The member's participants in the directory (key → person id)."""
    rng = random.Random(f"team-{member.member_id}")
    team = {}
    for key, role, _, _ in PARTICIPANTS:
        email, name = (
            DEMO_ACCOUNTS[key]
            if first and key in DEMO_ACCOUNTS
            else (
                f"{key}.{member.member_id[:8]}@demo.coorace.fr",
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            )
        )
        team[key] = demo_person(platform, email=email, name=name, role=role, tenant=member.member_id)
    return team


def _grant_auditor(app: AssessmentApplication, auditor: str, member: DemoMember, now: datetime) -> None:
    if any(True for _ in app.recorder.select_notifications(start=1, limit=1, topics=[get_topic(AccessGrant.Granted)])):
        return
    with command_context(
        actor_id="staff-demo", actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-audit"
    ):
        app.grant_access(
            auditor_id=auditor,
            tenant_id=member.member_id,
            assessment_id=None,
            valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=90),
            reason="Audit annuel du réseau : suivi de la démarche le Cap",
        )


class Story:
    """One member's assessment(s), told through the application's commands."""

    def __init__(
        self,
        app: AssessmentApplication,
        referential: Referential,
        member: DemoMember,
        now: datetime,
        rng: random.Random,
        cast: Cast,
        people: dict[str, str],
    ) -> None:
        self.app, self.referential, self.member, self.now, self.rng = app, referential, member, now, rng
        self.cast, self.people = cast, people
        self.team = Principal(
            subject=people["direction"], roles=frozenset({Role.MEMBER_ADMIN}), tenant=member.member_id
        )
        self.clock = now

    def tell(self, stage: str, *, twice: bool, peer: str | None) -> None:
        days_ago = {
            "validated": 120,
            "reviewed": 50,
            "under_review": 40,
            "submitted": 25,
            "in_progress": 6,
            "stalled": 75,
        }[stage]
        if twice:  # last year's assessment, validated, a year before this year's
            last_year = self._assessment(self.now - timedelta(days=days_ago + 365), maturity=-0.6)
            self._complete(last_year, third_party=True, plan=True)
        assessment = self._assessment(
            self.now - timedelta(days=days_ago),
            maturity=self.rng.uniform(-0.3, 0.5),
            partial=stage in ("in_progress", "stalled"),
        )
        if stage in ("in_progress", "stalled"):
            return
        self._as_team(lambda: self.app.submit(assessment, by=self.team, at=self._tick(days=2)))
        if stage == "submitted":
            return
        if stage == "validated" and not peer and not twice:  # validated without a review
            self._validate(assessment)
            self._follow_plan(assessment)
            return
        self._review(assessment, peer=peer, complete=stage != "under_review")
        if stage == "under_review":
            return
        self._decide_proposals(assessment)
        if stage == "validated":
            self._validate(assessment)
            self._follow_plan(assessment)

    # --- steps ----------------------------------------------------------------------------------

    def _tick(self, *, days: float = 0, hours: float = 0) -> datetime:
        self.clock += timedelta(days=days, hours=hours)
        return min(self.clock, self.now)

    def _as_team(self, command, subject: str | None = None, role: str = "member_admin"):  # noqa: ANN001, ANN202
        with command_context(
            actor_id=subject or self.team.subject,
            actor_role=role,
            tenant_id=self.member.member_id,
            correlation_id=f"demo-{self.member.member_id[:8]}",
        ):
            return command()

    def _assessment(self, started: datetime, *, maturity: float, partial: bool = False) -> UUID:
        self.clock = started
        result = self._as_team(
            lambda: self.app.start_assessment(
                tenant_id=self.member.member_id,
                region=self.member.region,
                forms=self.member.forms,
                scope="member",
                referential_version=self.referential.version,
                at=self._tick(),
            )
        )
        assessment = UUID(result.id)
        # The others first, then the director herself (the order the team's story has always had).
        for key, _, kind, sub_themes in (*PARTICIPANTS[1:], PARTICIPANTS[0]):
            self._as_team(
                lambda p=self.people[key], k=kind, s=sub_themes: self.app.invite_participant(
                    assessment,
                    by=self.team,
                    participant_id=p,
                    kind=k,
                    sub_themes=s,
                    directory=self.cast.directory,
                    at=self._tick(hours=1),
                )
            )
        codes = list(self.referential.indicators)
        if partial:
            codes = codes[: len(codes) // 2]
        for code in codes:
            self._answer_collectively(assessment, code, maturity)
        return assessment

    def _level(self, maturity: float) -> int:
        return max(1, min(4, round(2.6 + maturity + self.rng.gauss(0, 0.8))))

    def _answer_collectively(self, assessment: UUID, code: str, maturity: float) -> None:
        sub_theme = self.referential.indicators[code].sub_theme
        level = self._level(maturity)
        answered = []
        for key, _, _, sub_themes in PARTICIPANTS:
            participant = self.people[key]
            if sub_themes and sub_theme not in sub_themes:
                continue
            given = level if self.rng.random() < 0.8 else max(1, min(4, level + self.rng.choice((-1, 1))))
            answered.append(given)
            self._as_team(
                lambda p=participant, g=given: self.app.answer(
                    assessment,
                    by=self.team,
                    indicator=code,
                    participant_id=p,
                    level=g,
                    comment=self.rng.choice(
                        (
                            "",
                            "",
                            "À confirmer avec le conseil d'administration",
                            "Pratique en place depuis 2014",
                            "Point discuté en réunion d'équipe",
                        )
                    ),
                    practice="planned" if g <= 2 and self.rng.random() < 0.4 else "in_place",
                    improve=self.rng.random() < 0.1,
                    at=self._tick(hours=2),
                ),
                subject=participant,
                role="member_contributor" if participant != self.team.subject else "member_admin",
            )
        if len(set(answered)) > 1:  # the team settles where its participants diverge
            self._as_team(
                lambda: self.app.settle(
                    assessment,
                    by=self.team,
                    indicator=code,
                    level=round(sum(answered) / len(answered)),
                    comment="Arbitré collectivement en réunion",
                    at=self._tick(hours=1),
                )
            )

    def _review(self, assessment: UUID, *, peer: str | None, complete: bool) -> str:
        delegate = self.cast.delegate
        if peer:
            self._as_team(
                lambda: self.app.request_review(
                    assessment,
                    by=self.team,
                    kind="peer",
                    reviewer_id=self.cast.peer_reviewer,
                    directory=self.cast.directory,
                    at=self._tick(days=3),
                )
            )
            reviewer = Principal(subject=self.cast.peer_reviewer, roles=frozenset({Role.PEER_REVIEWER}), tenant=peer)
        else:
            self._as_team(
                lambda: self.app.request_review(
                    assessment,
                    by=self.team,
                    kind="third_party",
                    reviewer_id=delegate,
                    reviewer_role="regional_delegate",
                    directory=self.cast.directory,
                    at=self._tick(days=3),
                )
            )
            reviewer = Principal(subject=delegate, roles=frozenset({Role.REGIONAL_DELEGATE}), region=self.member.region)
        request_id = next(iter(self.app.assessment(assessment).sheet.reviews))
        if not complete:
            return request_id
        sheet = self.app.assessment(assessment).sheet
        for code in self.rng.sample(sorted(sheet.self_view), 3):
            current = sheet.self_view[code]
            proposed = current + 1 if current < 4 else current - 1
            with command_context(
                actor_id=reviewer.subject,
                actor_role=reviewer.main_role,
                tenant_id=reviewer.tenant,
                correlation_id=f"demo-review-{self.member.member_id[:8]}",
            ):
                self.app.comment_review(
                    assessment,
                    request_id,
                    by=reviewer,
                    indicator=code,
                    comment="Échange avec l'équipe lors de la visite",
                    proposed_level=proposed,
                    reason="Constaté sur pièces lors de la relecture",
                    at=self._tick(days=1),
                )
        with command_context(
            actor_id=reviewer.subject,
            actor_role=reviewer.main_role,
            tenant_id=reviewer.tenant,
            correlation_id=f"demo-review-{self.member.member_id[:8]}",
        ):
            self.app.complete_review(
                assessment,
                request_id,
                by=reviewer,
                summary="Démarche sérieuse et collective ; trois points discutés.",
                at=self._tick(days=1),
            )
        return request_id

    def _decide_proposals(self, assessment: UUID) -> None:
        proposals = sorted(self.app.assessment(assessment).sheet.proposals)
        for i, proposal_id in enumerate(proposals):
            if i % 3 == 2:
                self._as_team(
                    lambda p=proposal_id: self.app.reject_proposal(
                        assessment,
                        p,
                        by=self.team,
                        reason="L'équipe maintient sa réponse : pratique déjà en place",
                        at=self._tick(days=1),
                    )
                )
            else:
                self._as_team(
                    lambda p=proposal_id: self.app.accept_proposal(assessment, p, by=self.team, at=self._tick(days=1))
                )

    def _validate(self, assessment: UUID) -> None:
        self._as_team(lambda: self.app.validate(assessment, by=self.team, at=self._tick(days=2)))

    def _complete(self, assessment: UUID, *, third_party: bool, plan: bool) -> None:
        self._as_team(lambda: self.app.submit(assessment, by=self.team, at=self._tick(days=2)))
        if third_party:
            self._review(assessment, peer=None, complete=True)
            self._decide_proposals(assessment)
        self._validate(assessment)
        if plan:
            self._follow_plan(assessment)

    def _follow_plan(self, assessment: UUID) -> None:
        actions = plan_of(self.app.assessment(assessment).sheet, self.referential).actions
        for action in actions[:5]:
            code = action.indicator
            self._as_team(lambda c=code: self.app.adopt_action(assessment, c, by=self.team, at=self._tick(days=1)))
            due = (self.now + timedelta(days=self.rng.choice((-20, 30, 90, 180)))).date()
            self._as_team(
                lambda c=code, d=due: self.app.schedule_action(
                    assessment,
                    c,
                    by=self.team,
                    owner=self.rng.choice(("Directrice", "Chargé d'accompagnement", "Conseil d'administration")),
                    due_on=d,
                    at=self._tick(hours=2),
                )
            )
        if len(actions) > 5:
            first = actions[0].indicator
            self._as_team(lambda: self.app.complete_action(assessment, first, by=self.team, at=self._tick(days=20)))
            last = actions[-1].indicator
            self._as_team(
                lambda: self.app.drop_action(
                    assessment, last, by=self.team, reason="Priorité reportée à l'an prochain", at=self._tick(days=1)
                )
            )
