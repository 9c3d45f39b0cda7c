"""Who may do what on every le Cap route: 401 without a token, 403 for a role the route is not for,
404 for another member's assessment (it does not exist for them), and auditors limited to what a
grant names, each of their reads recorded.

One world is built for the whole module (members, assessments at several stages, reviews, grants);
the checks only read it or send commands that are refused, so they do not change it.
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

from shared.auth import Principal, Role
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
    given_validated,
    platform_of,
    principal,
)
from tests.helpers.settings import make_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class World:
    api: Api
    a: str  # member A (NPC, AI): assessment a1 submitted, reviewed by the NPC delegate and by peer P
    b: str  # member B (NPC, AI): assessment b1 in progress
    c: str  # member C (BNO, ACI): assessment c1 in progress
    p: str  # member P (NPC, AI): p1 validated, then p2 (reopened, linked to p1)
    a1: str
    b1: str
    c1: str
    p1: str
    p2: str
    request_id: str
    proposal_id: str
    grant_id: str


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
    settings = make_settings(tmp_path_factory.mktemp("cap-access"))
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
    a, b, p = (given_member(api, name) for name in ("AI Arras", "AI Béthune", "AI Douai"))
    c = given_member(api, "ACI Caen", forms=("ACI",), region="BNO")
    ids = {}
    for tenant in (a, b, c, p):
        ids[tenant] = UUID(
            app.start_assessment(
                tenant_id=tenant,
                region="BNO" if tenant == c else "NPC",
                forms=("AI",),
                scope="member",
                referential_version=None,
            ).id
        )
    given_validated(api, p, str(ids[p]), level=3)
    p2 = app.reopen(ids[p], by=principal(p), region="NPC", forms=("AI",), referential_version=None).id
    answer_everything(api, a, str(ids[a]), level=2)
    app.submit(ids[a], by=principal(a))
    app.request_review(
        ids[a],
        directory=None,
        by=principal(a),
        kind="third_party",
        reviewer_id="delegue-npc",
        reviewer_role="regional_delegate",
    )
    app.request_review(ids[a], directory=None, by=principal(a), kind="peer", reviewer_tenant=p)
    request_id = next(iter(app.assessment(ids[a]).sheet.reviews))
    delegate = Principal(subject="delegue-npc", roles=frozenset({Role.REGIONAL_DELEGATE}), region="NPC")
    with command_context(actor_id="delegue-npc", actor_role="regional_delegate", tenant_id=None):
        app.comment_review(
            ids[a],
            request_id,
            by=delegate,
            indicator="1.1.1",
            comment="à revoir",
            proposed_level=3,
            reason="vu sur place",
        )
    proposal_id = next(iter(app.assessment(ids[a]).sheet.proposals))
    now = datetime.now(UTC)
    with command_context(actor_id="staff-1", actor_role="national_staff", tenant_id=None):
        grant = app.grant_access(
            auditor_id="auditrice",
            tenant_id=None,
            assessment_id=ids[a],
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=7),
            reason="audit de la démarche",
        )
        app.grant_access(
            auditor_id="auditeur-b",
            tenant_id=b,
            assessment_id=None,
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=7),
            reason="audit de l'adhérent",
        )
        app.grant_access(
            auditor_id="auditeur-passe",
            tenant_id=None,
            assessment_id=ids[a],
            valid_from=now - timedelta(days=10),
            valid_until=now - timedelta(days=1),
            reason="fini",
        )
        revoked = app.grant_access(
            auditor_id="auditeur-revoque",
            tenant_id=None,
            assessment_id=ids[a],
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=7),
            reason="erreur",
        )
        app.revoke_access(UUID(revoked.id), reason="habilitation donnée par erreur")
    await caught_up(platform_of(api).database.url())
    return World(
        api=api,
        a=a,
        b=b,
        c=c,
        p=p,
        a1=str(ids[a]),
        b1=str(ids[b]),
        c1=str(ids[c]),
        p1=str(ids[p]),
        p2=p2,
        request_id=request_id,
        proposal_id=proposal_id,
        grant_id=grant.id,
    )


def reads(w: World) -> list[str]:
    """Every read route about assessment a1 (of member A)."""
    x = f"/assessments/{w.a1}"
    return [
        x,
        f"{x}?version=3",
        f"{x}/answers",
        f"{x}/answers?as_of=2100-01-01",
        f"{x}/plan?known_at=2100-01-01T00:00:00Z",
        f"{x}/review-requests",
        f"{x}/positioning",
        f"{x}/positioning?version=5",
        f"{x}/plan",
        f"{x}/plan?version=40",
        f"{x}/history",
        f"{x}/diff?from_version=2",
    ]


def commands(w: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every command route about assessment a1, with a well-formed body."""
    x = f"/assessments/{w.a1}"
    return [
        ("POST", f"{x}/reopening", {}),
        ("POST", f"{x}/participants", {"participant_id": "z", "name": "Zoé", "kind": "staff"}),
        ("PUT", f"{x}/participants/z/sub-themes", {"sub_themes": ["1.1"]}),
        ("POST", f"{x}/answers/1.1.1", {"level": 3}),
        ("POST", f"{x}/answers/1.1.1/revisit", {"revisit": True}),
        ("POST", f"{x}/answers/1.1.1/settlement", {"level": 3}),
        ("POST", f"{x}/submission", None),
        ("POST", f"{x}/validation", None),
        ("POST", f"{x}/review-requests", {"kind": "third_party", "reviewer_id": "t", "reviewer_role": "trainer"}),
        ("POST", f"{x}/proposals/{w.proposal_id}/acceptance", None),
        ("POST", f"{x}/proposals/{w.proposal_id}/rejection", {"reason": "non"}),
        ("POST", f"{x}/plan/actions/1.1.1/adoption", None),
        ("POST", f"{x}/plan/actions/1.1.1/schedule", {"owner": "Directrice", "due_on": "2030-01-01"}),
        ("POST", f"{x}/plan/actions/1.1.1/completion", {}),
        ("POST", f"{x}/plan/actions/1.1.1/drop", {"reason": "non"}),
    ]


def review_commands(w: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    x = f"/assessments/{w.a1}/review-requests/{w.request_id}"
    return [
        ("POST", f"{x}/comments", {"indicator": "1.1.2", "comment": "vu"}),
        ("POST", f"{x}/completion", {"summary": "fin"}),
    ]


def staff_commands(w: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    indicator = DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0]
    return [
        ("POST", "/referential/versions", {"based_on": "2016.1", "version": "2017.1"}),
        ("PUT", "/referential/versions/2016.1/indicators/1.1.1", indicator),
        ("DELETE", "/referential/versions/2016.1/indicators/1.1.1", None),
        ("POST", "/referential/versions/2016.1/publication", None),
        (
            "POST",
            "/access-grants",
            {"auditor_id": "x", "tenant_id": w.a, "valid_until": "2100-01-01T00:00:00Z", "reason": "audit"},
        ),
        ("POST", f"/access-grants/{w.grant_id}/revocation", {"reason": "fin"}),
    ]


async def send(api: Api, method: str, path: str, headers: dict[str, str] | None, body: Any = None) -> int:
    response = await api.client.request(
        method, f"{BASE}{path}", headers=headers or {}, json=body if body is not None else None
    )
    return response.status_code


async def test_every_route_needs_a_bearer_token(world: World) -> None:
    routes = (
        [("GET", path, None) for path in reads(world)]
        + commands(world)
        + review_commands(world)
        + staff_commands(world)
        + [
            ("GET", p, None)
            for p in (
                "/assessments",
                f"/members/{world.a}/overview",
                "/regions/NPC/dashboard",
                "/network/dashboard",
                "/regions/NPC/follow-up",
                "/access-grants",
                "/audit-reads",
                "/referential/versions",
                "/referential/versions/2016.1",
                "/referential/versions/2016.1/indicators/1.1.1",
                f"/assessments/{world.p2}/diff/previous",
            )
        ]
        + [("POST", "/assessments", {})]
    )
    for method, path, body in routes:
        assert await send(world.api, method, path, None, body) == 401, (method, path)


async def test_another_members_team_finds_no_such_assessment_on_any_route(world: World) -> None:
    api = world.api
    for role in ("member_admin", "member_contributor"):
        outsider = api.token(role, tenant=world.c, subject=f"{role}-c")
        for path in reads(world):
            assert await send(api, "GET", path, outsider) == 404, (role, path)
        for method, path, body in commands(world):
            expected = {404} if role == "member_admin" else {403, 404}  # admin-only routes: 403 for a contributor
            assert await send(api, method, path, outsider, body) in expected, (role, method, path)
        assert await send(api, "GET", f"/members/{world.a}/overview", outsider) == 404
        assert await send(api, "GET", f"/assessments/{world.p2}/diff/previous", outsider) == 404
        listed = await api.client.get(f"{BASE}/assessments", headers=outsider)
        assert {a["tenant_id"] for a in listed.json()["items"]} == {world.c}


async def test_a_member_admin_cannot_start_another_members_assessment(world: World) -> None:
    outsider = world.api.token("member_admin", tenant=world.c, subject="admin-c")
    assert await send(world.api, "POST", "/assessments", outsider, {"tenant_id": world.a}) == 403


async def test_roles_a_route_is_not_for_are_refused_with_403(world: World) -> None:
    api = world.api
    fund = api.token("fund_reviewer", subject="fonds")
    for path in reads(world) + [
        "/assessments",
        f"/members/{world.a}/overview",
        "/regions/NPC/dashboard",
        "/network/dashboard",
        "/regions/NPC/follow-up",
        "/access-grants",
        "/audit-reads",
    ]:
        assert await send(api, "GET", path, fund) == 403, path
    staff = api.staff
    for method, path, body in [c for c in commands(world) if "reopening" not in c[1]] + review_commands(world):
        assert await send(api, method, path, staff, body) in (403,), (method, path)  # the team's, or the reviewer's
    member = api.token("member_admin", tenant=world.a, subject="admin-a")
    for method, path, body in staff_commands(world):
        assert await send(api, method, path, member, body) == 403, (method, path)
    for path in (
        "/network/dashboard",
        "/regions/NPC/dashboard",
        "/regions/NPC/follow-up",
        "/audit-reads",
        "/access-grants",
    ):
        assert await send(api, "GET", path, member) == 403, path
    delegate = api.token("regional_delegate", region="NPC", subject="delegue-npc")
    assert await send(api, "GET", "/network/dashboard", delegate) == 403
    for method, path, body in commands(world):
        assert await send(api, method, path, delegate, body) == 403, (method, path)


async def test_a_delegate_sees_the_members_now_in_their_region_and_no_other(world: World) -> None:
    api = world.api
    npc = api.token("regional_delegate", region="NPC", subject="delegue-npc")
    trainer = api.token("trainer", region="NPC", subject="formatrice-npc")
    bno = api.token("regional_delegate", region="BNO", subject="delegue-bno")
    for path in reads(world):
        assert await send(api, "GET", path, npc) == 200, path
        assert await send(api, "GET", path, trainer) == 200, path
        assert await send(api, "GET", path, bno) == 404, path
    assert await send(api, "GET", "/regions/NPC/dashboard", bno) == 404
    assert await send(api, "GET", "/regions/NPC/follow-up", bno) == 404
    assert await send(api, "GET", f"/members/{world.a}/overview", bno) == 404
    listed = (await api.client.get(f"{BASE}/assessments", headers=bno)).json()
    assert [a["assessment_id"] for a in listed["items"]] == [world.c1]


async def test_a_reviewer_not_named_by_the_request_cannot_review(world: World) -> None:
    api = world.api
    other = api.token("regional_delegate", region="NPC", subject="un-autre-delegue")
    assert await send(api, "POST", *review_commands(world)[0][1:2], other, review_commands(world)[0][2]) == 403
    far = api.token("trainer", region="BNO", subject="formateur-bno")
    assert await send(api, "POST", review_commands(world)[0][1], far, review_commands(world)[0][2]) == 404
    insider = api.token("peer_reviewer", tenant=world.a, subject="pair-interne")
    assert await send(api, "POST", review_commands(world)[0][1], insider, review_commands(world)[0][2]) == 403


async def test_a_peer_reviewer_sees_the_assessment_it_reviews_and_nothing_else_of_that_member(world: World) -> None:
    api = world.api
    peer = api.token("peer_reviewer", tenant=world.p, subject="pair-p")
    for path in reads(world):
        assert await send(api, "GET", path, peer) == 200, path
    assert await send(api, "GET", f"/members/{world.a}/overview", peer) == 404
    assert await send(api, "GET", f"/assessments/{world.b1}", peer) == 404
    unnamed = api.token("peer_reviewer", tenant=world.b, subject="pair-b")
    assert await send(api, "GET", f"/assessments/{world.a1}", unnamed) == 404


async def test_an_auditor_reads_only_what_a_current_grant_names_and_every_read_is_recorded(world: World) -> None:
    api = world.api
    auditor = api.token("auditor", subject="auditrice")
    before = len(
        (await api.client.get(f"{BASE}/audit-reads", headers=api.staff, params={"auditor_id": "auditrice"})).json()
    )
    for path in reads(world):
        assert await send(api, "GET", path, auditor) == 200, path
    for path in (
        f"/assessments/{world.b1}",
        f"/assessments/{world.p2}/plan",
        f"/members/{world.a}/overview",
        f"/assessments/{world.p2}/diff/previous",
    ):
        assert await send(api, "GET", path, auditor) == 404, path
    for path in ("/regions/NPC/dashboard", "/network/dashboard", "/regions/NPC/follow-up", "/audit-reads"):
        assert await send(api, "GET", path, auditor) == 403, path
    for method, path, body in commands(world) + review_commands(world) + staff_commands(world):
        assert await send(api, method, path, auditor, body) == 403, (method, path)
    listed = (await api.client.get(f"{BASE}/assessments", headers=auditor)).json()
    assert [a["assessment_id"] for a in listed["items"]] == [world.a1]
    grants = (await api.client.get(f"{BASE}/access-grants", headers=auditor)).json()
    assert [g["assessment_id"] for g in grants] == [world.a1]
    await caught_up(platform_of(api).database.url())
    recorded = (
        await api.client.get(f"{BASE}/audit-reads", headers=api.staff, params={"auditor_id": "auditrice"})
    ).json()
    assert len(recorded) - before == len(reads(world)) + 1  # every read above, and the list
    assert {r["grant_id"] for r in recorded} == {world.grant_id}
    assert {r["resource"] for r in recorded} >= {"assessment", "answers", "plan", "positioning", "history", "diff"}


async def test_an_auditor_with_a_member_grant_reads_that_member_only(world: World) -> None:
    api = world.api
    auditor = api.token("auditor", subject="auditeur-b")
    assert await send(api, "GET", f"/members/{world.b}/overview", auditor) == 200
    assert await send(api, "GET", f"/assessments/{world.b1}/answers", auditor) == 200
    assert await send(api, "GET", f"/assessments/{world.a1}", auditor) == 404
    assert await send(api, "GET", f"/members/{world.a}/overview", auditor) == 404


async def test_an_expired_or_revoked_grant_gives_no_access(world: World) -> None:
    api = world.api
    for subject in ("auditeur-passe", "auditeur-revoque", "auditeur-sans-habilitation"):
        auditor = api.token("auditor", subject=subject)
        for path in reads(world):
            assert await send(api, "GET", path, auditor) == 404, (subject, path)


async def test_the_referential_is_readable_by_every_signed_in_user(world: World) -> None:
    api = world.api
    for headers in (
        api.token("fund_reviewer", subject="f"),
        api.token("auditor", subject="x"),
        api.token("member_contributor", tenant=world.c, subject="c"),
    ):
        for path in (
            "/referential/versions",
            "/referential/versions/2016.1",
            "/referential/versions/2016.1/indicators/1.1.1",
        ):
            assert await send(api, "GET", path, headers) == 200, path
