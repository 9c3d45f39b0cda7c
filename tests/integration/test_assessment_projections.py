"""Le Cap's read models on a real PostgreSQL: a rebuild by replay equals the live read models row for
row (whatever the batch boundaries), the plan and positioning read from them equal the pure
functions over the stored events, the auditor's replay matches what the read model said at the
time, and row-level security keeps members apart."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from services.assessment import queries
from services.assessment.application import AssessmentApplication
from services.assessment.domain.errors import AlreadyInProgress, AssessmentRefused, ReferentialRefused
from services.assessment.domain.plan import plan_of, progress_plan
from services.assessment.domain.positioning import positioning_of
from services.assessment.domain.referential import Referential, load_document
from services.assessment.domain.replay import Moment, sheet_as_of
from shared.auth import Principal, Role
from shared.events import command_context
from shared.projection import apply_next_batch, rebuild
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.siret import fresh_siret

DOCUMENT = load_document()
REFERENTIAL = Referential.parse(DOCUMENT)
CODES = list(REFERENTIAL.indicators)


def make_siret() -> str:
    """A fresh valid SIRET (Luhn)."""
    return fresh_siret()


def member(platform: Any, name: str, region: str = "NPC", forms: tuple[str, ...] = ("AI",)) -> str:
    from shared.personal import PersonalDetails

    app = platform.application("membership")
    app.establish_regions()
    return app.register_member(
        name=name,
        siret=make_siret(),
        forms=forms,
        region=region,
        joined_on=date(2011, 5, 1),
        contact=PersonalDetails(name="Jeanne", email="j@exemple.fr", phone="0102030405"),
        city="Arras",
    ).id


def team(tenant: str) -> Principal:
    return Principal(subject=f"admin-{tenant[:6]}", roles=frozenset({Role.MEMBER_ADMIN}), tenant=tenant)


class Scenario:
    """Members at several stages, built through the application's commands."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform
        self.app: AssessmentApplication = platform.application("assessment")
        self.clock = datetime(2016, 3, 1, 9, tzinfo=UTC)

    def at(self) -> datetime:
        self.clock += timedelta(hours=1)
        return self.clock

    def start(self, tenant: str, region: str = "NPC") -> UUID:
        with command_context(actor_id=team(tenant).subject, actor_role="member_admin", tenant_id=tenant):
            return UUID(
                self.app.start_assessment(
                    tenant_id=tenant,
                    region=region,
                    forms=("AI",),
                    scope="member",
                    referential_version="2016.1",
                    at=self.at(),
                ).id
            )

    def answer_all(self, tenant: str, assessment: UUID, level: Any) -> None:
        by = team(tenant)
        with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
            self.app.invite_participant(
                assessment,
                directory=None,
                by=by,
                participant_id=by.subject,
                name="Admin",
                kind="staff",
                sub_themes=(),
                at=self.at(),
            )
            self.app.invite_participant(
                assessment,
                directory=None,
                by=by,
                participant_id="benevole",
                name="Bénévole",
                kind="volunteer",
                sub_themes=("1.1", "1.2"),
                at=self.at(),
            )
            for code in CODES:
                self.app.answer(
                    assessment,
                    by=by,
                    indicator=code,
                    participant_id=by.subject,
                    level=level(code),
                    improve=code.endswith(".3"),
                    at=self.at(),
                )
            self.app.answer(assessment, by=by, indicator="1.1.1", participant_id="benevole", level=4, at=self.at())
            self.app.settle(assessment, by=by, indicator="1.1.1", level=3, at=self.at())

    def submit_and_review(self, tenant: str, assessment: UUID) -> None:
        by = team(tenant)
        delegate = Principal(subject="delegue", roles=frozenset({Role.REGIONAL_DELEGATE}), region="NPC")
        with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
            self.app.submit(assessment, by=by, at=self.at())
            self.app.request_review(
                assessment,
                directory=None,
                by=by,
                kind="third_party",
                reviewer_id="delegue",
                reviewer_role="regional_delegate",
                at=self.at(),
            )
        with command_context(actor_id="delegue", actor_role="regional_delegate", tenant_id=None):
            for code, level in (("2.1.1", 4), ("3.1.1", 1)):
                self.app.comment_review(
                    assessment,
                    "r" + str(self._request_version(assessment)),
                    by=delegate,
                    indicator=code,
                    comment="vu",
                    proposed_level=level,
                    reason="sur pièces",
                    at=self.at(),
                )
            self.app.complete_review(
                assessment, "r" + str(self._request_version(assessment)), by=delegate, summary="ok", at=self.at()
            )
        with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
            proposals = sorted(self.app.assessment(assessment).sheet.proposals)
            self.app.accept_proposal(assessment, proposals[0], by=by, at=self.at())
            self.app.reject_proposal(assessment, proposals[1], by=by, reason="non", at=self.at())

    def _request_version(self, assessment: UUID) -> int:
        return next(iter(self.app.assessment(assessment).sheet.reviews.values())).version

    def validate_and_plan(self, tenant: str, assessment: UUID) -> None:
        by = team(tenant)
        with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
            self.app.validate(assessment, by=by, at=self.at())
            actions = plan_of(self.app.assessment(assessment).sheet, REFERENTIAL).actions
            self.app.adopt_action(assessment, actions[0].indicator, by=by, at=self.at())
            self.app.schedule_action(
                assessment, actions[1].indicator, by=by, owner="Directrice", due_on=date(2016, 6, 30), at=self.at()
            )
            self.app.complete_action(
                assessment, actions[0].indicator, by=by, completed_on=date(2016, 5, 1), at=self.at()
            )
            self.app.drop_action(assessment, actions[2].indicator, by=by, reason="plus tard", at=self.at())

    def build(self) -> dict[str, Any]:
        with command_context(actor_id="staff", actor_role="national_staff", tenant_id=None):
            self.app.load_referential(DOCUMENT)
        a, b, c = (
            member(self.platform, "AI Arras"),
            member(self.platform, "AI Lens"),
            member(self.platform, "ACI Caen", region="BNO"),
        )
        first = self.start(a)
        self.answer_all(a, first, lambda code: 1 + int(code[-1]) % 4)
        self.submit_and_review(a, first)
        self.validate_and_plan(a, first)
        second = self.start(a)  # a year later: linked to the first
        self.answer_all(a, second, lambda code: 3)
        other = self.start(b)
        self.answer_all(b, other, lambda code: 2)
        third = self.start(c, region="BNO")
        with command_context(actor_id="staff", actor_role="national_staff", tenant_id=None):
            self.app.grant_access(
                auditor_id="auditrice",
                tenant_id=None,
                assessment_id=first,
                valid_from=self.clock,
                valid_until=self.clock + timedelta(days=30),
                reason="audit",
            )
        return {"a": a, "b": b, "c": c, "first": first, "second": second, "other": other, "third": third}


async def catch_up_all(platform: Any, *, limit: int = 1000) -> None:
    async with platform.write_pool.acquire() as conn:
        for pairs in platform.projections.values():
            for store, projection in pairs:
                live = await store.live(conn, projection)
                while await apply_next_batch(conn, store, projection, live["generation"], limit=limit):
                    pass


async def test_rebuilt_read_models_equal_the_live_ones_row_for_row(platform: Any) -> None:
    Scenario(platform).build()
    await catch_up_all(platform, limit=7)  # live: small batches, cutting through assessments
    for store, projection in platform.projections["assessment"]:
        report = await rebuild(platform.write_pool, store, projection, verify_only=True)
        assert report.differences == [], (projection.name, report.differences[:3])
        assert report.events > 0


async def test_read_models_follow_events_recorded_after_a_rebuild(platform: Any) -> None:
    scenario = Scenario(platform)
    built = scenario.build()
    await catch_up_all(platform)
    for store, projection in platform.projections["assessment"]:
        report = await rebuild(platform.write_pool, store, projection)  # switches to the new generation
        assert report.switched and not report.differences
    by = team(built["b"])
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=built["b"]):
        scenario.app.submit(built["other"], by=by, at=scenario.at())
    await catch_up_all(platform)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        assert (await queries.summary(conn, str(built["other"]))).status == "submitted"


async def test_the_plan_and_positioning_read_are_the_pure_functions_of_the_stored_events(platform: Any) -> None:
    scenario = Scenario(platform)
    built = scenario.build()
    await catch_up_all(platform)
    for key in ("first", "second", "other"):
        events = scenario.app.assessment_events(built[key])
        expected = progress_plan(events, REFERENTIAL)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            actions = await queries.plan_actions(conn, str(built[key]))
            positions = await queries.positions(conn, str(built[key]))
        assert tuple(actions) == expected.actions
        assert sorted(positions, key=lambda p: p.code) == sorted(
            positioning_of(sheet_as_of(events), REFERENTIAL).all(), key=lambda p: p.code
        )


async def test_the_replay_as_of_a_version_is_what_the_read_model_said_then(platform: Any) -> None:
    scenario = Scenario(platform)
    built = scenario.build()
    await catch_up_all(platform)
    first = str(built["first"])
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        before = await queries.plan_actions(conn, first)
        version_then = (await queries.summary(conn, first)).version
    by = team(built["a"])
    # More follow-up on last year's plan is refused now (superseded), so move the second one on.
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=built["a"]):
        scenario.app.submit(built["second"], by=by, at=scenario.at())
    await catch_up_all(platform)
    events = scenario.app.assessment_events(built["first"])
    replayed = plan_of(sheet_as_of(events, Moment(version=version_then)), REFERENTIAL)
    assert list(replayed.actions) == before
    known_then = plan_of(sheet_as_of(events, Moment(known_at=events[version_then - 1].timestamp)), REFERENTIAL)
    assert known_then == replayed


async def test_a_referential_version_in_use_can_no_longer_change(platform: Any) -> None:
    scenario = Scenario(platform)
    scenario.build()
    indicator = copy.deepcopy(DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0])
    indicator["question"]["fr"] = "Une autre question ?"
    with (
        pytest.raises(ReferentialRefused, match="utilisée"),
        command_context(actor_id="staff", actor_role="national_staff", tenant_id=None),
    ):
        scenario.app.revise_indicator("2016.1", indicator)
    await catch_up_all(platform)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        versions = await queries.referential_versions(conn)
    assert [(v.code, v.status, v.in_use, v.indicators) for v in versions] == [("2016.1", "published", True, 38)]


async def test_a_member_cannot_start_a_second_assessment_while_one_is_in_progress(platform: Any) -> None:
    scenario = Scenario(platform)
    built = scenario.build()
    with pytest.raises(AlreadyInProgress):
        scenario.start(built["b"])


async def test_row_level_security_keeps_each_member_to_its_own_assessments(platform: Any) -> None:
    built = Scenario(platform).build()
    await catch_up_all(platform)
    async with scoped_connection(platform.read_pool, ReadScope.of_tenants([built["b"]])) as conn:
        for table in ("assessments", "sheets", "positioning", "plan_actions", "member_directory"):
            tenants = {r["tenant_id"] for r in await conn.fetch(f"SELECT DISTINCT tenant_id FROM assessment.{table}")}
            assert tenants == {built["b"]}, table
        assert await conn.fetchval("SELECT count(*) FROM assessment.review_requests") == 0  # only A's exist
        assert await conn.fetchval("SELECT count(*) FROM assessment.access_grants") == 0
        assert await conn.fetchval("SELECT count(*) FROM assessment.referential_versions") == 0
    async with scoped_connection(platform.read_pool, ReadScope("none")) as conn:
        assert await conn.fetchval("SELECT count(*) FROM assessment.assessments") == 0


async def test_the_member_directory_follows_moves_and_form_changes_from_the_register(platform: Any) -> None:
    tenant = member(platform, "AI Béthune")
    membership = platform.application("membership")
    membership.move_to_region(UUID(tenant), region="PAC", effective_on=date(2016, 1, 1), reason="déménagement")
    membership.change_forms(UUID(tenant), forms=("ACI", "AI"), effective_on=date(2016, 1, 1), reason="nouvel atelier")
    await catch_up_all(platform)
    async with scoped_connection(platform.read_pool, ReadScope.of_region("PAC")) as conn:
        entry = await queries.directory_entry(conn, tenant)
    assert entry is not None and (entry.region, entry.forms, entry.primary_form) == ("PAC", ["ACI", "AI"], "ACI")


async def test_a_peer_review_needs_a_peer_that_validated_an_assessment(platform: Any) -> None:
    scenario = Scenario(platform)
    built = scenario.build()
    by = team(built["b"])
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=built["b"]):
        scenario.app.submit(built["other"], by=by, at=scenario.at())
        with pytest.raises(AssessmentRefused, match="pas encore validé"):
            scenario.app.request_review(built["other"], directory=None, by=by, kind="peer", reviewer_tenant=built["c"])
        scenario.app.request_review(built["other"], directory=None, by=by, kind="peer", reviewer_tenant=built["a"])
    peer = Principal(subject="pair-a", roles=frozenset({Role.PEER_REVIEWER}), tenant=built["a"])
    request_id = next(iter(scenario.app.assessment(built["other"]).sheet.reviews))
    with command_context(actor_id="pair-a", actor_role="peer_reviewer", tenant_id=built["a"]):
        scenario.app.comment_review(built["other"], request_id, by=peer, indicator="1.1.1", comment="belle démarche")
    assert scenario.app.assessment(built["other"]).sheet.comments[0].author_role == "peer_reviewer"
