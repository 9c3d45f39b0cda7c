"""The home page through the real app: my enterprise as the register knows it, and my tasks."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from services.membership.domain.member import Certification
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    CODES,
    REFERENTIAL,
    admin,
    cap_app,
    caught_up,
    contributor,
    given_member,
    given_referential,
    given_submitted,
    platform_of,
    principal,
    read,
)
from tests.helpers.people import given_person
from tests.portal.cap_results.scenario import given_validated_member


async def test_a_members_admin_sees_the_enterprise_as_the_register_knows_it(api: Api) -> None:
    tenant = given_member(api, "AI Le Relais", forms=("AI", "ACI"))
    register = platform_of(api).application("membership")
    member_id = UUID(tenant)
    register.certify(
        member_id,
        certification=Certification(
            scheme="CEDRE", scope="individual", obtained_on=date(2024, 6, 1), expires_on=date(2027, 6, 1), group_id=None
        ),
    )
    register.join_accord_groupe(member_id, effective_on=date(2025, 1, 1))
    register.call_dues(member_id, year=2026, amount=Decimal("800.00"), effective_on=date(2026, 1, 15))
    last = register.pay_dues(member_id, year=2026, amount=Decimal("300.00"), effective_on=date(2026, 3, 1))
    headers = admin(api, tenant)
    # The register's API waits for its read model; the page then reads the same rows.
    record = await api.client.get(
        f"/api/membership/members/{tenant}", headers=headers, params={"wait_for": last.notification_id}
    )
    assert record.status_code == 200, record.text
    page = await api.client.get("/", headers=headers)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert '<h2 id="titre-entreprise">Mon entreprise</h2>' in text
    assert "AI Le Relais" in text
    assert "Association intermédiaire, Atelier et chantier d'insertion" in text
    assert "NPC" in text
    assert "CEDRE (individuelle), obtenue le 1er juin 2024" in text and "valable jusqu'au 1er juin 2027" in text
    assert "oui, depuis le 1er janvier 2025" in text
    assert "800,00\u00a0€" in text and "500,00\u00a0€" in text  # called, and what is left to pay
    assert "Mes tâches" in text


async def test_my_tasks_list_indicators_assigned_to_me_not_answered_yet(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api, "EI Les Jardins")
    app = cap_app(api)
    assessment = app.start_assessment(
        tenant_id=tenant, region="NPC", forms=("EI",), scope="member", referential_version=None
    ).id
    by = principal(tenant)
    sub_theme = REFERENTIAL.indicators[CODES[0]].sub_theme
    mine = [c for c in CODES if REFERENTIAL.indicators[c].sub_theme == sub_theme]
    app.invite_participant(
        assessment, directory=None, by=by, participant_id="lea", name="Léa", kind="staff", sub_themes=(sub_theme,)
    )
    app.answer(assessment, by=by, indicator=mine[0], participant_id="lea", level=2)
    await caught_up(platform_of(api).database.url())
    page = html.unescape((await api.client.get("/", headers=contributor(api, tenant, "lea"))).text)
    left = len(mine) - 1
    assert f"le Cap : {left} indicateur{'s' if left > 1 else ''} à répondre" in page
    assert f'href="/cap/{assessment}"' in page
    others = html.unescape((await api.client.get("/", headers=contributor(api, tenant, "paul"))).text)
    assert "à répondre" not in others and "Rien ne vous attend pour l'instant." in others


async def test_my_tasks_list_plan_actions_due_soon_or_late_with_their_due_date(api: Api) -> None:
    member = await given_validated_member(api)
    app = cap_app(api)
    by = principal(member.tenant)
    actions = (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"]
    late, soon, later = (a["indicator"] for a in actions[:3])
    today = date.today()
    app.schedule_action(UUID(member.assessment_id), late, by=by, owner="Ana", due_on=today - timedelta(days=3))
    app.schedule_action(UUID(member.assessment_id), soon, by=by, owner="Ben", due_on=today + timedelta(days=7))
    app.schedule_action(UUID(member.assessment_id), later, by=by, owner="Cy", due_on=today + timedelta(days=90))
    await caught_up(platform_of(api).database.url())
    page = html.unescape((await api.client.get("/", headers=member.headers)).text)
    assert f"le Cap : action {late} " in page and "en retard" in page
    assert f"le Cap : action {soon} " in page and "à réaliser" in page
    assert f"le Cap : action {later} " not in page
    assert page.index(f"action {late} ") < page.index(f"action {soon} ")  # the most urgent first
    assert f'href="/cap/{member.assessment_id}/plan#action-{late.replace(".", "-")}"' in page


async def test_someone_without_a_member_gets_a_short_home_with_the_links_of_their_role(api: Api) -> None:
    page = html.unescape((await api.client.get("/", headers=api.staff)).text)
    assert "Mon entreprise" not in page and "Mes tâches" not in page
    assert "équipe nationale" in page and 'href="/equipe"' in page
    delegate = api.token("regional_delegate", region="NPC", subject="delegue-npc")
    page = html.unescape((await api.client.get("/", headers=delegate)).text)
    assert "délégué régional" in page and 'href="/region"' in page and 'href="/relectures"' in page


async def test_the_admins_tasks_list_the_reviewers_proposals_to_decide(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api, "ACI Les Ateliers", forms=("ACI",))
    boss = admin(api, tenant)
    started = await api.client.post(f"{BASE}/assessments", json={}, headers=boss)
    assessment_id = started.json()["id"]
    path = f"{BASE}/assessments/{assessment_id}"
    given_submitted(api, tenant, assessment_id, level=1)
    delegate_id = given_person(api, "regional_delegate", region="NPC")
    request = await api.client.post(
        f"{path}/review-requests",
        headers=boss,
        json={"kind": "third_party", "reviewer_id": delegate_id, "reviewer_role": "regional_delegate"},
    )
    assert request.status_code == 201, request.text
    delegate = api.token("regional_delegate", region="NPC", subject=delegate_id)
    requests = await read(
        api, f"/assessments/{assessment_id}/review-requests", delegate, wait_for=request.json()["notification_id"]
    )
    for code in ("1.1.1", "2.1.1"):
        proposed = await api.client.post(
            f"{path}/review-requests/{requests[0]['request_id']}/comments",
            headers=delegate,
            json={"indicator": code, "comment": "Vu sur place", "proposed_level": 2, "reason": "pièces vues"},
        )
        assert proposed.status_code == 200, proposed.text
    await caught_up(platform_of(api).database.url())
    page = html.unescape((await api.client.get("/", headers=boss)).text)
    assert "le Cap : 2 propositions de relecture à accepter ou refuser" in page
    assert f'href="/cap/{assessment_id}/relecture"' in page
    colleague = html.unescape((await api.client.get("/", headers=contributor(api, tenant, "paul"))).text)
    assert "propositions de relecture" not in colleague  # deciding is the member admin's
