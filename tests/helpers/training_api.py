"""Scenario helpers of the training API tests (no tests here): members registered and copied into
the training service's register, request bodies, tokens for each role, and a call or a funding
application brought through HTTP to the state a test needs."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from shared.platform import Platform
from tests.helpers import training_application as support
from tests.helpers.api import Api
from tests.helpers.people import given_person

BASE = "/api/training"
TODAY = date.today()
SST = "Sauveteur secouriste du travail (SST)"


def platform_of(api: Api) -> Platform:
    return api.client.app.state.platform


async def given_members(api: Api, count: int, *, accord: bool = True, region: str = "BRE") -> list[str]:
    """Members registered, once the training service's copy of the register has them."""
    platform = platform_of(api)
    ids = support.given_members(platform, count, accord=accord, region=region)
    head = platform.application("membership").recorder.max_notification_id()
    # The app runs on the test client's own loop: follow the copy's position with the write side's
    # (synchronous) connection rather than the app's pools.
    datastore = support.training_app(platform).command_recorder.datastore
    for _ in range(500):
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                "SELECT position FROM training.projection_generations "
                "WHERE projection = 'register_copy' AND status = 'live'"
            )
            row = curs.fetchone()
        if row is not None and row["position"] >= head:
            return ids
        await asyncio.sleep(0.01)
    raise AssertionError("the training service's copy of the register did not catch up")


def call_body(year: int = 2015, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": year,
        "title": "Appel à projets FMS",
        "fund_amount": "250000.00",
        "envelope": "100000.00",
        "opens_on": (TODAY - timedelta(days=10)).isoformat(),
        "closes_on": (TODAY + timedelta(days=30)).isoformat(),
        "criteria": {"max_cofunding_rate": "0.50", "priority_cofunding_rate": "0.70", "max_per_trainee": "800.00"},
        "grid": [
            {"code": "pertinence", "label": "Pertinence du projet", "weight": 3},
            {"code": "cout", "label": "Coût par stagiaire", "weight": 2},
        ],
        "priority_trainings": [SST],
    }
    body.update(overrides)
    return body


def amendment_body(reason: str, **overrides: Any) -> dict[str, Any]:
    body = call_body(**overrides)
    del body["year"]
    return {**body, "reason": reason}


def application_body(*, partners: tuple[str, ...] = (), requested: str = "3000.00", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Former les salariés en parcours",
        "summary": "Un projet de formation",
        "requested": requested,
        "partners": list(partners),
        "trainings": [{"title": SST, "priority": True, "hours": 14, "trainees": 10, "cost": "8000.00"}]
        + [
            {"title": "Savoirs de base", "hours": 7, "trainees": 4, "cost": "1000.00", "enterprise_id": p}
            for p in partners
        ],
    }
    body.update(overrides)
    return body


def admin(api: Api, tenant: str) -> dict[str, str]:
    return api.token("member_admin", tenant=tenant, subject=f"admin-{tenant[:8]}")


def staff(api: Api, name: str) -> dict[str, str]:
    return api.token("national_staff", subject=name)


def reviewer(api: Api, name: str, tenant: str | None = None) -> dict[str, str]:
    return api.token("fund_reviewer", subject=name, tenant=tenant)


async def given_call(api: Api, **overrides: Any) -> dict[str, Any]:
    response = await api.client.post(f"{BASE}/calls", json=call_body(**overrides), headers=api.staff)
    assert response.status_code == 201, response.text
    return response.json()


async def given_draft(api: Api, call: dict[str, Any], lead: str, **kwargs: Any) -> dict[str, Any]:
    response = await api.client.post(
        f"{BASE}/calls/{call['id']}/applications", json=application_body(**kwargs), headers=admin(api, lead)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def given_submitted(api: Api, call: dict[str, Any], lead: str, **kwargs: Any) -> dict[str, Any]:
    draft = await given_draft(api, call, lead, **kwargs)
    response = await api.client.post(f"{BASE}/applications/{draft['id']}/submission", headers=admin(api, lead))
    assert response.status_code == 200, response.text
    return response.json()


async def given_scored(api: Api, application: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """Scored by `name`, a fund reviewer of the directory (a new one by default)."""
    name = name or given_person(api, "fund_reviewer")
    url = f"{BASE}/applications/{application['id']}"
    assigned = await api.client.post(f"{url}/reviewers", json={"reviewer_id": name}, headers=api.staff)
    assert assigned.status_code == 200, assigned.text
    response = await api.client.post(f"{url}/scores", json=scores_body(), headers=reviewer(api, name))
    assert response.status_code == 200, response.text
    return response.json()


def scores_body(*, declared: bool = True, criteria: tuple[str, ...] = ("pertinence", "cout")) -> dict[str, Any]:
    return {
        "no_conflict_of_interest": declared,
        "scores": [{"criterion": c, "score": 4, "comment": "Bien argumenté"} for c in criteria],
    }


async def given_awarded(api: Api, application: dict[str, Any], amount: str = "3000.00") -> dict[str, Any]:
    url = f"{BASE}/applications/{application['id']}"
    decided = await api.client.post(
        f"{url}/decision", json={"outcome": "award", "amount": amount, "reason": "Retenu"}, headers=staff(api, "marie")
    )
    assert decided.status_code == 200, decided.text
    approved = await api.client.post(f"{url}/review", json={"outcome": "approve"}, headers=staff(api, "paul"))
    assert approved.status_code == 200, approved.text
    return approved.json()


async def read(api: Api, url: str, headers: dict[str, str], written: dict[str, Any] | None = None) -> Any:
    if written:
        url += f"{'&' if '?' in url else '?'}wait_for={written['notification_id']}"
    return await api.client.get(f"{BASE}{url}", headers=headers)


# --- calls -----------------------------------------------------------------------------------------------
