"""le Cap's result pages through the real app: positioning (radar and table with equal figures),
the plan and the team's decisions on it, the PDF, the history; another member sees none of it."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    admin,
    cap_app,
    caught_up,
    given_member,
    given_referential,
    given_validated,
    platform_of,
    read,
)
from tests.portal.cap_results.scenario import Validated, given_validated_member, post_form

SVG = "{http://www.w3.org/2000/svg}"


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", page, re.DOTALL)]


def table(page: str, table_id: str) -> dict[str, dict[str, str]]:
    """A figures table as {row header: {series: cell}}."""
    body = re.search(rf'<table id="{table_id}".*?</table>', page, re.DOTALL)
    assert body, table_id
    rows = {}
    for header, cells in re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>', body.group(0), re.DOTALL):
        rows[header.strip()] = dict(re.findall(r'<td data-serie="(\w+)">([^<]*)</td>', cells))
    return rows


def french(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


async def test_the_positioning_shows_radar_charts_and_tables_with_the_apis_figures(api: Api) -> None:
    member = await given_validated_member(api)
    page = await api.client.get(f"/cap/{member.assessment_id}/positionnement", headers=member.headers)
    assert page.status_code == 200, page.text
    themes_chart, sub_themes_chart = svgs(page.text)
    for chart in (themes_chart, sub_themes_chart):
        assert chart.get("role") == "img"
        labelled_by = chart.get("aria-labelledby", "").split()
        assert [e.get("id") for e in (chart.find(f"{SVG}title"), chart.find(f"{SVG}desc"))] == labelled_by
    api_view = await read(api, f"/assessments/{member.assessment_id}/positioning", member.headers)
    themes = table(page.text, "tableau-themes")
    assert len(themes) == len(api_view["themes"]) == 4
    vertices = [c.find(f"{SVG}title").text for c in themes_chart.findall(f"{SVG}circle")]  # type: ignore[union-attr]
    for position, (header, cells), vertex in zip(api_view["themes"], themes.items(), vertices, strict=True):
        assert header == f"{position['code']} {position['title']}"
        assert cells["score"] == french(position["score"])
        assert cells["objectif"] == french(position["objective"])
        assert vertex == f"{header} : {cells['score']}"  # the chart's figure is the table's
    assert len(table(page.text, "tableau-sous-themes")) == len(api_view["sub_themes"])
    # Fewer than five other members: no averages, and the page says when they will come.
    assert "Moyenne du réseau" not in page.text and "au moins 5" in page.text


async def test_the_positioning_draws_the_peers_averages_where_five_other_members_contribute(api: Api) -> None:
    member = await given_validated_member(api)
    for i in range(5):
        tenant = given_member(api, f"AI Voisine {i}")
        other = cap_app(api).start_assessment(
            tenant_id=tenant, region="NPC", forms=("AI",), scope="member", referential_version=None
        )
        given_validated(api, tenant, str(other.id), level=2)
    await caught_up(platform_of(api).database.url())
    page = await api.client.get(f"/cap/{member.assessment_id}/positionnement", headers=member.headers)
    themes_chart = svgs(page.text)[0]
    legend = [t.text for t in themes_chart.findall(f"{SVG}text")]
    assert "Moyenne de la région NPC" in legend and "Moyenne du réseau" in legend
    assert all(cells["region"] == "2,00" for cells in table(page.text, "tableau-themes").values())


async def plan_page(api: Api, member: Validated) -> str:
    page = await api.client.get(f"/cap/{member.assessment_id}/plan", headers=member.headers)
    assert page.status_code == 200, page.text
    return html.unescape(page.text)


async def test_the_plan_lists_actions_by_priority_with_the_federation_service(api: Api) -> None:
    member = await given_validated_member(api)
    page = await plan_page(api, member)
    plan = await read(api, f"/assessments/{member.assessment_id}/plan", member.headers)
    assert plan["actions"]
    first, last = plan["actions"][0], plan["actions"][-1]
    assert f"{first['rank']}. {first['suggested_action']}" in page
    assert first["service_label"] in page
    assert page.index(f'id="action-{first["indicator"].replace(".", "-")}"') < page.index(
        f'id="action-{last["indicator"].replace(".", "-")}"'
    )
    assert "<h2>Priorité haute</h2>" in page


async def test_the_team_adopts_schedules_completes_and_drops_actions_from_the_plan_page(api: Api) -> None:
    member = await given_validated_member(api)
    plan_path = f"/cap/{member.assessment_id}/plan"
    actions = (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"]
    one, two, three = (a["indicator"] for a in actions[:3])
    key = one.replace(".", "-")

    adopted = await post_form(api, f"{plan_path}/{one}/adopter", plan_path, member.headers, {})
    assert adopted.status_code == 303
    assert adopted.headers["location"] == f"{plan_path}?fait=adoptee#action-{key}"
    page = await api.client.get(adopted.headers["location"], headers=member.headers)
    assert "L'action est adoptée." in html.unescape(page.text)

    due = date.today() + timedelta(days=10)
    scheduled = await post_form(
        api,
        f"{plan_path}/{one}/planifier",
        plan_path,
        member.headers,
        {f"responsable-{key}": "Élodie Fabre", f"echeance-{key}": due.isoformat()},
    )
    assert scheduled.status_code == 303
    completed = await post_form(
        api, f"{plan_path}/{one}/realiser", plan_path, member.headers, {f"realisee_le-{key}": date.today().isoformat()}
    )
    assert completed.status_code == 303
    dropped = await post_form(
        api,
        f"{plan_path}/{two}/abandonner",
        plan_path,
        member.headers,
        {f"raison-{two.replace('.', '-')}": "Déjà couvert par le projet social"},
    )
    assert dropped.status_code == 303

    by_code = {
        a["indicator"]: a
        for a in (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"]
    }
    assert (by_code[one]["status"], by_code[one]["owner"], by_code[one]["due_on"]) == (
        "done",
        "Élodie Fabre",
        due.isoformat(),
    )
    assert (by_code[two]["status"], by_code[two]["dropped_reason"]) == ("dropped", "Déjà couvert par le projet social")
    assert by_code[three]["status"] == "proposed"


async def test_a_form_missing_a_field_is_shown_again_with_the_error_beside_it_and_nothing_written(api: Api) -> None:
    member = await given_validated_member(api)
    plan_path = f"/cap/{member.assessment_id}/plan"
    action = (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"][0]
    key = action["indicator"].replace(".", "-")
    before = await read(api, f"/assessments/{member.assessment_id}", member.headers)
    answer = await post_form(
        api, f"{plan_path}/{action['indicator']}/planifier", plan_path, member.headers, {f"responsable-{key}": ""}
    )
    assert answer.status_code == 400
    assert 'class="error-summary"' in answer.text
    assert f'<p class="field-error" id="responsable-{key}-erreur">' in answer.text
    assert "Indiquez l'échéance de l'action" in html.unescape(answer.text)
    refused = await post_form(
        api,
        f"{plan_path}/{action['indicator']}/realiser",
        plan_path,
        member.headers,
        {f"realisee_le-{key}": "2020-01-01"},
    )
    assert refused.status_code == 422  # the rule: adopt before completing, said beside the action
    assert f'id="action-{key}-erreur"' in refused.text and "adoptez l'action" in html.unescape(refused.text)
    after = await read(api, f"/assessments/{member.assessment_id}", member.headers)
    assert after["version"] == before["version"]


async def test_a_form_without_its_csrf_token_is_refused(api: Api) -> None:
    member = await given_validated_member(api)
    action = (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"][0]
    answer = await api.client.post(
        f"/cap/{member.assessment_id}/plan/{action['indicator']}/adopter", headers=member.headers, data={}
    )
    assert answer.status_code == 403


async def test_the_plan_downloads_as_a_pdf_holding_the_member_the_version_and_the_actions(api: Api) -> None:
    member = await given_validated_member(api, name="AI Le Relais Pévèle")
    answer = await api.client.get(f"/cap/{member.assessment_id}/plan.pdf", headers=member.headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="plan-de-progres-AI-Le-Relais-Pevele-')
    assert "filename*=UTF-8''plan-de-progres-AI-Le-Relais-P%C3%A9v%C3%A8le-" in disposition
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    plan = await read(api, f"/assessments/{member.assessment_id}/plan", member.headers)
    assert "AI Le Relais Pévèle" in text
    assert f"version {plan['version']}" in text
    for action in plan["actions"]:
        assert f"{action['rank']}. " in text and action["service_label"] in text
    assert f"{plan['actions'][0]['rank']}. {plan['actions'][0]['suggested_action'][:30]}" in text.replace("\n", " ")


async def test_the_history_lists_past_assessments_and_what_changed_since_the_previous_one(api: Api) -> None:
    member = await given_validated_member(api)
    second = await api.client.post(f"{BASE}/assessments", json={}, headers=member.headers)
    assert second.status_code == 201, second.text
    given_validated(api, member.tenant, second.json()["id"], level=4)
    await caught_up(platform_of(api).database.url())
    answer = await api.client.get("/cap/historique", headers=member.headers)
    assert answer.status_code == 200, answer.text
    page = html.unescape(answer.text)
    assert page.count('class="past"') == 2
    assert "Ce qui a changé depuis l'évaluation précédente" in page
    assert "réponses modifiées" in page
    assert "C'est la première évaluation de votre entreprise." in page
    assert "validée" in page


async def test_another_members_admin_finds_none_of_these_pages(api: Api) -> None:
    member = await given_validated_member(api)
    stranger_tenant = given_member(api, "ACI Ailleurs", forms=("ACI",))
    stranger = admin(api, stranger_tenant)
    action = (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"][0]
    for path in ("positionnement", "plan", "plan.pdf"):
        answer = await api.client.get(f"/cap/{member.assessment_id}/{path}", headers=stranger)
        assert answer.status_code == 404, path
        assert "AI Le Relais" not in answer.text
    own = await api.client.get("/", headers=stranger)  # a page of its own gives the stranger a CSRF token
    token = re.search(r'name="_csrf_token" value="([^"]+)"', own.text)
    assert token
    decided: Any = await api.client.post(
        f"/cap/{member.assessment_id}/plan/{action['indicator']}/adopter",
        headers=stranger,
        data={"_csrf_token": token.group(1)},
    )
    assert decided.status_code == 404
    history = await api.client.get("/cap/historique", headers=stranger)
    assert history.status_code == 200 and member.assessment_id not in history.text


async def test_a_decision_the_plan_does_not_know_is_a_page_not_found(api: Api) -> None:
    member = await given_validated_member(api)
    plan_path = f"/cap/{member.assessment_id}/plan"
    action = (await read(api, f"/assessments/{member.assessment_id}/plan", member.headers))["actions"][0]
    answer = await post_form(api, f"{plan_path}/{action['indicator']}/supprimer", plan_path, member.headers, {})
    assert answer.status_code == 404 and "<h1>Page introuvable</h1>" in answer.text


async def test_an_assessment_just_started_shows_an_empty_chart_and_an_empty_plan(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api, "EI Toute Neuve", forms=("EI",))
    started = await api.client.post(f"{BASE}/assessments", json={}, headers=admin(api, tenant))
    assert started.status_code == 201, started.text
    await caught_up(platform_of(api).database.url())
    assessment_id, headers = started.json()["id"], admin(api, tenant)
    page = await api.client.get(f"/cap/{assessment_id}/positionnement", headers=headers)
    assert page.status_code == 200
    assert all(cells["score"] == "—" for cells in table(page.text, "tableau-themes").values())
    plan = await api.client.get(f"/cap/{assessment_id}/plan", headers=headers)
    assert plan.status_code == 200 and "Aucune action" in plan.text
    pdf = await api.client.get(f"/cap/{assessment_id}/plan.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


async def test_the_assessments_summary_leads_to_its_results(api: Api) -> None:
    member = await given_validated_member(api)
    summary = await api.client.get(f"/cap/{member.assessment_id}", headers=member.headers)
    assert summary.status_code == 200, summary.text
    for href in (f"/cap/{member.assessment_id}/positionnement", f"/cap/{member.assessment_id}/plan", "/cap/historique"):
        assert f'href="{href}"' in summary.text
