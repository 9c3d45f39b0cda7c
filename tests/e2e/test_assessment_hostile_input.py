"""Le Cap under hostile input, through the real HTTP app: a clear 4xx that names the field, nothing
written, never a 500 — control characters in texts, paths and queries, numbers beyond every bound,
values of the wrong type; and a participant acts in their own name only.

One world is built for the module (a member with an assessment in progress and its participants, a
submitted assessment under review, a grant); tests that must change state start their own assessment.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
import pytest_asyncio

from shared.events import command_context
from tests.conftest import TEMPLATE
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    DOCUMENT,
    answer_everything,
    cap_app,
    caught_up,
    given_member,
    platform_of,
    principal,
)
from tests.helpers.people import given_person
from tests.helpers.settings import make_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")

HUGE = 2**63  # one beyond PostgreSQL's bigint


@dataclass
class World:
    api: Api
    a: str  # member A (NPC): assessment a1 in progress, participants admin, marie, paul, benevole
    b: str  # member B (NPC): assessment b1 submitted, a third-party review r requested of delegue-npc
    a1: str
    b1: str
    request_id: str
    grant_id: str

    def admin(self, tenant: str | None = None) -> dict[str, str]:
        tenant = tenant or self.a
        return self.api.token("member_admin", tenant=tenant, subject=f"admin-{tenant[:8]}")

    def contributor(self, subject: str, tenant: str | None = None) -> dict[str, str]:
        return self.api.token("member_contributor", tenant=tenant or self.a, subject=subject)

    @property
    def delegate(self) -> dict[str, str]:
        return self.api.token("regional_delegate", region="NPC", subject="delegue-npc")

    def head(self) -> int:
        return cap_app(self.api).recorder.max_notification_id() or 0


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(server: Any, template: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    from litestar.testing import AsyncTestClient

    from services.bootstrap import build_platform
    from shared.app_factory import create_app
    from shared.auth import TokenService

    name = f"coorace_test_{uuid.uuid4().hex[:12]}"
    admin_conn = await asyncpg.connect(server.url())
    await admin_conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    await admin_conn.close()
    settings = make_settings(tmp_path_factory.mktemp("cap-hostile"))
    platform = build_platform(settings=settings, database=server.with_dbname(name))
    async with AsyncTestClient(create_app(platform, run_projections=True)) as client:
        api = Api(client, TokenService(settings))
        yield await _build(api)
    admin_conn = await asyncpg.connect(server.url())
    await admin_conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin_conn.close()


async def _build(api: Api) -> World:
    app = cap_app(api)
    app.load_referential(DOCUMENT)
    a, b = given_member(api, "AI Arras"), given_member(api, "AI Béthune")
    a1 = _started(api, a)
    _invite(api, a, a1, f"admin-{a[:8]}", "marie", "paul", "benevole")
    b1 = _started(api, b)
    answer_everything(api, b, b1, level=2)
    app.submit(UUID(b1), by=principal(b))
    with command_context(actor_id=f"admin-{b[:8]}", actor_role="member_admin", tenant_id=b):
        requested = app.request_review(
            UUID(b1),
            directory=None,
            by=principal(b),
            kind="third_party",
            reviewer_id="delegue-npc",
            reviewer_role="regional_delegate",
        )
    now = datetime.now(UTC)
    with command_context(actor_id="staff-1", actor_role="national_staff", tenant_id=None):
        grant = app.grant_access(
            auditor_id="auditrice",
            tenant_id=a,
            assessment_id=None,
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=7),
            reason="audit de la démarche",
        )
    await caught_up(platform_of(api).database.url())
    request_id = app.assessment(UUID(b1)).request_id_at(requested.version)
    return World(api=api, a=a, b=b, a1=a1, b1=b1, request_id=request_id, grant_id=grant.id)


def _started(api: Api, tenant: str) -> str:
    result = cap_app(api).start_assessment(
        tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None
    )
    return result.id


def _invite(api: Api, tenant: str, assessment_id: str, *participants: str) -> None:
    by = principal(tenant)
    with command_context(actor_id=by.subject, actor_role="member_admin", tenant_id=tenant):
        for participant in participants:
            cap_app(api).invite_participant(
                UUID(assessment_id),
                directory=None,
                by=by,
                participant_id=participant,
                name=participant.title(),
                kind="staff",
                sub_themes=(),
            )


def refused(response: Any, status: int, field: str) -> None:
    """A refusal with this status whose answer names the field (in its message or its details)."""
    assert response.status_code == status, response.text
    assert field in response.text, response.text


# --- control characters in texts -------------------------------------------------------------------

NUL, ESC, NEL = "\u0000", "\u001b", "\u0085"  # a C0 control, an escape, a C1 control
LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()


def _text_cases() -> list[tuple[str, str, str, dict[str, Any], str]]:
    """(who, method, path under the assessment or the API, body, field)"""
    third_party = {"kind": "third_party", "reviewer_role": "trainer"}
    return [
        (
            "admin",
            "POST",
            "a1/participants",
            {"participant_id": f"x{NUL}", "name": "Zoé", "kind": "staff"},
            "participant_id",
        ),
        ("admin", "POST", "a1/participants", {"participant_id": "zoe", "name": f"Zo{NUL}é", "kind": "staff"}, "name"),
        ("admin", "POST", "a1/participants", {"participant_id": "zoe", "name": f"Zo{NEL}é", "kind": "staff"}, "name"),
        ("admin", "POST", "a1/participants", {"participant_id": "zoe", "name": "Zoé\nMartin", "kind": "staff"}, "name"),
        ("admin", "POST", "a1/answers/1.1.1", {"level": 2, "comment": f"a{NUL}b"}, "comment"),
        ("admin", "POST", "a1/answers/1.1.1", {"level": 2, "comment": f"{ESC}[31mrouge"}, "comment"),
        ("admin", "POST", "a1/answers/1.1.1", {"level": 2, "participant_id": f"marie{NUL}"}, "participant_id"),
        ("admin", "POST", "a1/answers/1.1.1/revisit", {"revisit": True, "participant_id": f"{NUL}"}, "participant_id"),
        ("admin", "POST", "a1/answers/1.1.1/settlement", {"level": 2, "comment": f"{NUL}"}, "comment"),
        ("admin", "POST", "a1/plan/actions/1.1.1/schedule", {"owner": f"Paul{NUL}", "due_on": "2030-01-01"}, "owner"),
        ("admin", "POST", "a1/plan/actions/1.1.1/drop", {"reason": f"trop cher{NUL}"}, "reason"),
        ("admin", "POST", "a1/proposals/p1/rejection", {"reason": "\u0007"}, "reason"),
        ("admin", "POST", "a1/review-requests", {**third_party, "reviewer_id": f"d{NUL}"}, "reviewer_id"),
        ("admin", "POST", "a1/review-requests", {"kind": "peer", "reviewer_tenant": f"t{NUL}"}, "reviewer_tenant"),
        ("delegate", "POST", "b1/review-requests/r/comments", {"indicator": "1.1.1", "comment": f"a{NUL}"}, "comment"),
        (
            "delegate",
            "POST",
            "b1/review-requests/r/comments",
            {"indicator": "1.1.1", "comment": "vu", "proposed_level": 3, "reason": f"{NUL}"},
            "reason",
        ),
        ("delegate", "POST", "b1/review-requests/r/completion", {"summary": f"fini{NUL}"}, "summary"),
        (
            "staff",
            "POST",
            "/access-grants",
            {"auditor_id": f"a{NUL}", "valid_until": LATER, "reason": "r"},
            "auditor_id",
        ),
        ("staff", "POST", "/access-grants", {"auditor_id": "a", "valid_until": LATER, "reason": f"r{NUL}"}, "reason"),
        ("staff", "POST", "/access-grants/GRANT/revocation", {"reason": f"{NUL}"}, "reason"),
        ("staff", "POST", "/referential/versions", {"based_on": "2016.1", "version": f"2017{NUL}"}, "version"),
    ]


def _resolve(world: World, who: str, path: str) -> tuple[dict[str, str], str]:
    headers = {"admin": world.admin(), "delegate": world.delegate, "staff": world.api.staff}[who]
    if path.startswith("/"):
        return headers, BASE + path.replace("GRANT", world.grant_id)
    assessment, _, rest = path.partition("/")
    assessment_id = {"a1": world.a1, "b1": world.b1}[assessment]
    rest = rest.replace("review-requests/r/", f"review-requests/{world.request_id}/")
    return headers, f"{BASE}/assessments/{assessment_id}/{rest}"


@pytest.mark.parametrize(("who", "method", "path", "body", "field"), _text_cases())
async def test_a_control_character_in_a_text_is_refused_with_400_naming_the_field(
    world: World, who: str, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    headers, url = _resolve(world, who, path)
    before = world.head()
    response = await world.api.client.request(method, url, json=body, headers=headers)
    refused(response, 400, field)
    assert world.head() == before  # nothing written


async def test_a_referential_document_with_a_control_character_is_refused_with_400_and_nothing_is_stored(
    world: World,
) -> None:
    document = {**DOCUMENT, "version": "2099.1", "title": {"fr": f"Le Cap{NUL}", "en": "Le Cap"}}
    before = world.head()
    response = await world.api.client.post(
        f"{BASE}/referential/versions", json={"document": document}, headers=world.api.staff
    )
    refused(response, 400, "document")
    assert "title" in response.text
    assert world.head() == before


async def test_an_indicator_revision_with_a_control_character_is_refused_with_400(world: World) -> None:
    staff = world.api.staff
    drafted = await world.api.client.post(
        f"{BASE}/referential/versions", json={"based_on": "2016.1", "version": "2098.1"}, headers=staff
    )
    assert drafted.status_code == 201, drafted.text
    indicator = DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0]
    revised = {**indicator, "help": {"fr": f"aide{ESC}"}}
    before = world.head()
    response = await world.api.client.put(
        f"{BASE}/referential/versions/2098.1/indicators/{indicator['code']}", json=revised, headers=staff
    )
    refused(response, 400, "help")
    assert world.head() == before


async def test_a_referential_document_of_the_wrong_shape_is_refused_with_400(world: World) -> None:
    document = {**DOCUMENT, "version": "2097.1", "themes": [1]}
    response = await world.api.client.post(
        f"{BASE}/referential/versions", json={"document": document}, headers=world.api.staff
    )
    refused(response, 400, "themes")


async def test_an_indicator_revision_may_leave_its_code_to_the_path_but_not_contradict_it(world: World) -> None:
    staff = world.api.staff
    drafted = await world.api.client.post(
        f"{BASE}/referential/versions", json={"based_on": "2016.1", "version": "2096.1"}, headers=staff
    )
    assert drafted.status_code == 201, drafted.text
    indicator = {**DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0]}
    path = f"{BASE}/referential/versions/2096.1/indicators/{indicator.pop('code')}"
    revised = await world.api.client.put(path, json={**indicator, "help": {"fr": "Une aide réécrite."}}, headers=staff)
    assert revised.status_code == 200, revised.text
    contradicting = await world.api.client.put(path, json={**indicator, "code": "1.1.2"}, headers=staff)
    refused(contradicting, 422, "code")


# --- control characters and hostile values in paths and queries -------------------------------------


def _query_cases() -> list[tuple[str, str, str]]:
    """(who, path and query, the parameter named)"""
    return [
        ("staff", "/members/%00/overview", "tenant_id"),
        ("staff", "/regions/%00/dashboard", "code"),
        ("staff", "/regions/%00/follow-up", "code"),
        ("staff", "/regions/npc/dashboard", "code"),
        ("staff", "/referential/versions/%00", "code"),
        ("staff", "/referential/versions/2016.1/indicators/%00", "indicator"),
        ("staff", "/referential/versions/2016.1/indicators/%D9%A1.%D9%A1.%D9%A1", "indicator"),  # Arabic-Indic ١.١.١
        ("staff", "/assessments?tenant_id=%00", "tenant_id"),
        ("staff", "/assessments?status=%00", "status"),
        ("staff", "/assessments?status=finished", "status"),
        ("staff", "/audit-reads?auditor_id=%00", "auditor_id"),
        ("staff", "/audit-reads?assessment_id=a%1Bb", "assessment_id"),
        ("admin", "/assessments/A1/answers?sub_theme=%00", "sub_theme"),
        ("staff", f"/assessments?offset={HUGE}", "offset"),
        ("admin", f"/assessments?offset={HUGE}", "offset"),  # also as a member
        ("staff", "/assessments?offset=1000001", "offset"),
        ("staff", "/assessments?limit=501", "limit"),
        ("staff", f"/audit-reads?offset={HUGE}", "offset"),
        ("staff", "/audit-reads?limit=100000", "limit"),
        ("admin", f"/assessments/A1?version={HUGE}", "version"),
        ("admin", f"/assessments/A1?wait_for={HUGE}", "wait_for"),
        ("admin", f"/assessments/A1/answers?version={HUGE}", "version"),
        ("admin", f"/assessments/A1/plan?version={HUGE}", "version"),
        ("admin", f"/assessments/A1/positioning?version={HUGE}", "version"),
        ("admin", f"/assessments/A1/diff?from_version={HUGE}", "from_version"),
        ("admin", f"/assessments/A1/diff?from_version=1&to_version={HUGE}", "to_version"),
        ("staff", f"/regions/NPC/follow-up?stalled_days={HUGE}", "stalled_days"),
    ]


@pytest.mark.parametrize(("who", "path", "parameter"), _query_cases())
async def test_a_hostile_path_or_query_value_is_refused_with_400_naming_it(
    world: World, who: str, path: str, parameter: str
) -> None:
    headers = world.admin() if who == "admin" else world.api.staff
    response = await world.api.client.get(BASE + path.replace("A1", world.a1), headers=headers)
    refused(response, 400, parameter)


async def test_the_last_page_allowed_answers_an_empty_page(world: World) -> None:
    response = await world.api.client.get(f"{BASE}/assessments", params={"offset": 1_000_000}, headers=world.api.staff)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == [] and response.json()["offset"] == 1_000_000


# --- numbers and types in bodies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": 5}, "level"),
        ({"level": 0}, "level"),
        ({"level": HUGE}, "level"),
        ({"level": True}, "level"),
        ({"level": 2.5}, "level"),
        ({"level": 2, "practice": "sometimes"}, "practice"),
        ({"level": 2, "unknown": 1}, "unknown"),
    ],
)
async def test_an_answer_out_of_range_or_of_the_wrong_shape_is_refused_with_400(
    world: World, body: dict[str, Any], field: str
) -> None:
    before = world.head()
    response = await world.api.client.post(
        f"{BASE}/assessments/{world.a1}/answers/1.1.1", json=body, headers=world.admin()
    )
    refused(response, 400, field)
    assert world.head() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "1"}, "level"),
        ({"level": 2, "improve": "false"}, "improve"),
        ({"level": 2, "revisit": "true"}, "revisit"),
        ({"level": 2, "improve": 0}, "improve"),
    ],
)
async def test_a_number_or_boolean_sent_as_a_string_is_refused_with_400_not_coerced(
    world: World, body: dict[str, Any], field: str
) -> None:
    before = world.head()
    response = await world.api.client.post(
        f"{BASE}/assessments/{world.a1}/answers/1.1.1", json=body, headers=world.admin()
    )
    refused(response, 400, field)
    assert world.head() == before


async def test_an_access_grant_naming_an_assessment_that_is_no_uuid_is_refused_with_400(world: World) -> None:
    body = {"auditor_id": "a", "valid_until": LATER, "reason": "audit", "assessment_id": "pas-un-uuid"}
    before = world.head()
    response = await world.api.client.post(f"{BASE}/access-grants", json=body, headers=world.api.staff)
    refused(response, 400, "assessment_id")
    assert world.head() == before


@pytest.mark.parametrize("field", ["valid_until", "valid_from"])
async def test_an_access_grant_period_without_a_time_zone_is_refused_with_400(world: World, field: str) -> None:
    body = {
        "auditor_id": "a",
        "valid_until": LATER,
        "reason": "audit",
        "tenant_id": world.a,
        field: "2030-01-01T00:00:00",
    }
    before = world.head()
    response = await world.api.client.post(f"{BASE}/access-grants", json=body, headers=world.api.staff)
    refused(response, 400, field)
    assert world.head() == before


# --- a participant acts in their own name ------------------------------------------------------------


async def _answers(world: World, team: Team, notification_id: int) -> list[dict[str, Any]]:
    """Every participant's answer to indicator 1.1.1, once the read model has `notification_id`."""
    response = await world.api.client.get(
        f"{BASE}/assessments/{team.assessment_id}/answers",
        params={"wait_for": notification_id, "sub_theme": "1.1"},
        headers=team.admin,
    )
    assert response.status_code == 200, response.text
    found = [a for a in response.json()["answers"] if a["indicator"] == "1.1.1"]
    return found[0]["participant_answers"] if found else []


@dataclass
class Team:
    """A fresh member with an assessment in progress, marie, paul and a volunteer invited."""

    assessment_id: str
    admin: dict[str, str]
    marie: dict[str, str]
    paul: dict[str, str]
    admin_id: str


def given_team(world: World) -> Team:
    tenant = given_member(world.api, f"AI {uuid.uuid4().hex[:6]}")
    assessment_id = _started(world.api, tenant)
    _invite(world.api, tenant, assessment_id, "marie", "paul", "benevole")
    return Team(
        assessment_id=assessment_id,
        admin=world.admin(tenant),
        marie=world.contributor("marie", tenant),
        paul=world.contributor("paul", tenant),
        admin_id=f"admin-{tenant[:8]}",
    )


async def _answer(world: World, team: Team, headers: dict[str, str], **body: Any) -> Any:
    return await world.api.client.post(
        f"{BASE}/assessments/{team.assessment_id}/answers/1.1.1", json={"level": 2, **body}, headers=headers
    )


async def _revisit(world: World, team: Team, headers: dict[str, str], participant_id: str) -> Any:
    return await world.api.client.post(
        f"{BASE}/assessments/{team.assessment_id}/answers/1.1.1/revisit",
        json={"revisit": True, "participant_id": participant_id},
        headers=headers,
    )


async def test_a_contributor_cannot_answer_in_another_participants_name(world: World) -> None:
    team = given_team(world)
    given = await _answer(world, team, team.paul, level=4)
    assert given.status_code == 200, given.text
    before = world.head()
    response = await _answer(world, team, team.marie, level=1, participant_id="paul")
    refused(response, 403, "participant_id")
    assert "en votre nom" in response.json()["detail"]
    assert world.head() == before
    kept = await _answers(world, team, given.json()["notification_id"])
    assert [(x["participant_id"], x["level"], x["author_id"]) for x in kept] == [("paul", 4, "paul")]


async def test_a_contributor_cannot_flag_another_participants_answer_for_revisit(world: World) -> None:
    team = given_team(world)
    given = await _answer(world, team, team.paul)
    assert given.status_code == 200, given.text
    refused(await _revisit(world, team, team.marie, "paul"), 403, "participant_id")
    kept = await _answers(world, team, given.json()["notification_id"])
    assert kept[0]["revisit"] is False


async def test_a_contributor_answers_and_flags_in_their_own_name(world: World) -> None:
    team = given_team(world)
    assert (await _answer(world, team, team.marie, level=3)).status_code == 200
    flagged = await _revisit(world, team, team.marie, "marie")
    assert flagged.status_code == 200, flagged.text
    kept = await _answers(world, team, flagged.json()["notification_id"])
    assert [(x["participant_id"], x["author_id"], x["revisit"]) for x in kept] == [("marie", "marie", True)]


async def test_the_member_admin_records_a_volunteers_answer_and_the_record_says_who_typed_it(world: World) -> None:
    team = given_team(world)
    response = await _answer(world, team, team.admin, level=3, participant_id="benevole", comment="sur papier")
    assert response.status_code == 200, response.text
    kept = await _answers(world, team, response.json()["notification_id"])
    assert [(x["participant_id"], x["author_id"], x["author_role"]) for x in kept] == [
        ("benevole", team.admin_id, "member_admin")
    ]


async def test_the_member_admin_cannot_replace_or_flag_what_a_participant_answered_in_their_own_name(
    world: World,
) -> None:
    team = given_team(world)
    given = await _answer(world, team, team.marie, level=1)
    assert given.status_code == 200, given.text
    refused(await _answer(world, team, team.admin, level=4, participant_id="marie"), 403, "participant_id")
    refused(await _revisit(world, team, team.admin, "marie"), 403, "participant_id")
    kept = await _answers(world, team, given.json()["notification_id"])
    assert [(x["participant_id"], x["level"], x["revisit"]) for x in kept] == [("marie", 1, False)]


async def test_a_participant_replaces_what_the_admin_recorded_for_them(world: World) -> None:
    team = given_team(world)
    recorded = await _answer(world, team, team.admin, level=2, participant_id="paul")
    assert recorded.status_code == 200, recorded.text
    own = await _answer(world, team, team.paul, level=3)
    assert own.status_code == 200, own.text
    kept = await _answers(world, team, own.json()["notification_id"])
    assert [(x["participant_id"], x["level"], x["author_id"]) for x in kept] == [("paul", 3, "paul")]


# --- commands that create something inside an assessment name it --------------------------------------


async def test_a_review_request_and_a_proposal_are_answered_with_their_ids(world: World) -> None:
    api, app = world.api, cap_app(world.api)
    tenant = given_member(api, f"AI {uuid.uuid4().hex[:6]}")
    assessment_id = _started(api, tenant)
    answer_everything(api, tenant, assessment_id, level=2)
    app.submit(UUID(assessment_id), by=principal(tenant))
    admin = world.admin(tenant)
    delegate_id = given_person(api, "regional_delegate", region="NPC")
    delegate = api.token("regional_delegate", region="NPC", subject=delegate_id)
    body = {"kind": "third_party", "reviewer_id": delegate_id, "reviewer_role": "regional_delegate"}
    key = {"Idempotency-Key": f"review-{tenant}"}
    path = f"{BASE}/assessments/{assessment_id}"
    requested = await api.client.post(f"{path}/review-requests", json=body, headers={**admin, **key})
    assert requested.status_code == 201, requested.text
    request_id = requested.json()["request_id"]
    assert request_id in app.assessment(UUID(assessment_id)).sheet.reviews
    again = await api.client.post(f"{path}/review-requests", json=body, headers={**admin, **key})
    assert again.status_code == 201 and again.json() == requested.json()  # a retry names the same request

    comments = f"{path}/review-requests/{request_id}/comments"
    plain = await api.client.post(comments, json={"indicator": "1.1.2", "comment": "bien"}, headers=delegate)
    assert plain.status_code == 200, plain.text
    assert plain.json()["proposal_id"] is None
    proposing = {"indicator": "1.1.1", "comment": "vu sur place", "proposed_level": 3, "reason": "le CA est ouvert"}
    proposed = await api.client.post(comments, json=proposing, headers=delegate)
    assert proposed.status_code == 200, proposed.text
    proposal_id = proposed.json()["proposal_id"]
    assert proposal_id in app.assessment(UUID(assessment_id)).sheet.proposals
    accepted = await api.client.post(f"{path}/proposals/{proposal_id}/acceptance", headers=admin)
    assert accepted.status_code == 200, accepted.text


# --- the contract --------------------------------------------------------------------------------------

CREATING = {
    ("post", "/api/assessment/assessments"),
    ("post", "/api/assessment/assessments/{assessment_id}/reopening"),
    ("post", "/api/assessment/assessments/{assessment_id}/review-requests"),
    ("post", "/api/assessment/access-grants"),
    ("post", "/api/assessment/referential/versions"),
}


async def _openapi(world: World) -> dict[str, Any]:
    response = await world.api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        if path.startswith("/api/assessment")
        for method, operation in item.items()
        if method in ("get", "post", "put", "delete")
    ]


async def test_only_commands_that_create_something_are_documented_201(world: World) -> None:
    for method, path, operation in _operations(await _openapi(world)):
        successes = {code for code in operation["responses"] if code.startswith("2")}
        expected = {"201"} if (method, path) in CREATING else {"200"}
        assert successes == expected, (method, path, successes)
        assert operation.get("summary"), (method, path)


async def test_every_field_and_parameter_of_le_cap_is_described_and_coded_values_are_enums(world: World) -> None:
    document = await _openapi(world)
    schemas = document["components"]["schemas"]
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref.split("/")[-1] not in seen:
                seen.add(ref.split("/")[-1])
                walk(schemas[ref.split("/")[-1]])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for _, _, operation in _operations(document):
        walk(operation)
        for parameter in operation.get("parameters", []):
            assert parameter.get("description") or parameter["schema"].get("description"), parameter
    undescribed = [
        f"{name}.{field}"
        for name in sorted(seen - {"CommandResult", "ErrorBody"})  # shared shapes, described by their owner
        for field, schema in schemas[name].get("properties", {}).items()
        if "description" not in schema and "$ref" not in schema
    ]
    assert undescribed == []
    listing = next(op for m, p, op in _operations(document) if (m, p) == ("get", "/api/assessment/assessments"))
    status = next(p for p in listing["parameters"] if p["name"] == "status")
    assert "validated" in str(status["schema"]) and "in_progress" in str(status["schema"])
    offset = next(p for p in listing["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 1_000_000
    assert schemas["AnswerIn"]["properties"]["practice"]["enum"] == ["in_place", "planned"]
