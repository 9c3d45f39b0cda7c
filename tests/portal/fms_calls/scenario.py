"""Scenario helpers of the call pages' tests (no tests here): a call opened through the API, forms
sent as a browser sends them (with the page's CSRF token), and the call as the API reads it."""

from __future__ import annotations

import re
from typing import Any

from tests.helpers.api import Api
from tests.helpers.training_api import BASE

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    found = CSRF_INPUT.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def version_on(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the page has no version field"
    return found.group(1)


async def post_form(
    api: Api, path: str, page_path: str, fields: dict[str, str], headers: dict[str, str] | None = None
) -> Any:
    """Send a form from the page that shows it (its CSRF token; its version unless `fields` gives one)."""
    headers = headers or api.staff
    page = await api.client.get(page_path, headers=headers)
    assert page.status_code == 200, page.text
    data = {"_csrf_token": csrf_token(page.text), **fields}
    if "version" not in data and 'name="version"' in page.text:
        data["version"] = version_on(page.text)
    return await api.client.post(path, headers=headers, data=data, follow_redirects=False)


async def api_call(api: Api, call_id: str) -> dict[str, Any]:
    response = await api.client.get(f"{BASE}/calls/{call_id}", headers=api.staff)
    assert response.status_code == 200, response.text
    return response.json()


async def api_calls(api: Api) -> list[dict[str, Any]]:
    response = await api.client.get(f"{BASE}/calls", headers=api.staff)
    assert response.status_code == 200, response.text
    return response.json()


def opening_form(year: int = 2026, **overrides: str) -> dict[str, str]:
    """The opening form filled as a staff member would: French amounts and rates, dates as dates."""
    from tests.helpers.training_api import TODAY

    fields = {
        "year": str(year),
        "label": "",
        "title": "Appel à projets FMS 2026",
        "opens_on": TODAY.isoformat(),
        "closes_on": TODAY.replace(year=TODAY.year + 1).isoformat(),
        "on": TODAY.isoformat(),
        "fund_amount": "725 000,00",
        "envelope": "290 000",
        "accord_groupe_required": "oui",
        "integration_pathway_required": "oui",
        "max_cofunding_rate": "0,50",
        "priority_cofunding_rate": "70 %",
        "max_per_trainee": "800",
        "grid_code_0": "pertinence",
        "grid_label_0": "Pertinence du projet",
        "grid_weight_0": "3",
        "grid_code_1": "cout",
        "grid_label_1": "Coût par stagiaire",
        "grid_weight_1": "2",
        "priority_trainings": "Sauveteur secouriste du travail (SST)\nSavoirs de base",
    }
    fields.update(overrides)
    return fields


def text_of(html: str) -> str:
    """The page's text without tags, spaces collapsed (French numbers keep their narrow spaces)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


async def caught_up(api: Api) -> None:
    """The training read models show every event written so far (what a scenario set up through the
    API, before a page reads them)."""
    from tests.helpers.training_api import platform_of
    from tests.helpers.training_application import training_app

    head = training_app(platform_of(api)).recorder.max_notification_id()
    if head:
        response = await api.client.get(f"{BASE}/calls?wait_for={head}", headers=api.staff)
        assert response.status_code == 200, response.text
