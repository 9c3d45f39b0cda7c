"""An answer is never the opposite of what happened: the connection dies around a command's COMMIT.

Through a proxy that cuts the connection at the COMMIT: when the COMMIT got through, the command
answers its own success (not "SIRET already registered" by the member it has just created); when it
did not, it answers 503 with `Retry-After`, nothing is written, and a retry with the same key works.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import AsyncTestClient

from services.bootstrap import build_platform
from shared.app_factory import create_app
from shared.auth import TokenService
from shared.config import Settings
from shared.database import DatabaseAddress
from tests.helpers.api import Api
from tests.helpers.postgres_faults import CommitCuttingProxy

SIRET = "73282932000074"


def registration(siret: str = SIRET) -> dict[str, Any]:
    return {
        "name": "Association intermédiaire Le Relais de Lens",
        "siret": siret,
        "forms": ["AI"],
        "region": "NPC",
        "joined_on": "2010-03-01",
        "contact": {"name": "Claire Martin", "email": "contact@relais-lens.fr", "phone": "+33 3 21 00 00 00"},
        "city": "Lens",
    }


@pytest.fixture
async def proxy(database: DatabaseAddress) -> AsyncIterator[CommitCuttingProxy]:
    proxy = CommitCuttingProxy(database)
    yield proxy
    proxy.close()


@pytest.fixture
async def api_through_proxy(proxy: CommitCuttingProxy, settings: Settings) -> AsyncIterator[Api]:
    """The real app, every connection through the proxy; no projection runner (its transactions
    would meet the proxy's COMMIT trap before the command does)."""
    platform = build_platform(settings=settings, database=proxy.address)
    app = create_app(platform, run_projections=False)
    async with AsyncTestClient(app) as client:
        platform.application("membership").establish_regions()
        yield Api(client, TokenService(settings))


def holder_of(api: Api, siret: str) -> UUID | None:
    return api.client.app.state.platform.application("membership").member_with_siret(siret)


async def test_a_command_whose_commit_landed_but_whose_answer_was_lost_answers_its_success(
    api_through_proxy: Api, proxy: CommitCuttingProxy
) -> None:
    api = api_through_proxy
    proxy.arm(CommitCuttingProxy.AFTER_COMMIT)
    response = await api.client.post("/api/membership/members", json=registration(), headers=api.staff)
    assert proxy.cuts == 1  # the connection really was cut at the COMMIT
    assert response.status_code == 201, response.text
    assert holder_of(api, SIRET) == UUID(response.json()["id"])


async def test_a_retry_with_the_same_key_after_a_lost_answer_gets_the_same_answer(
    api_through_proxy: Api, proxy: CommitCuttingProxy
) -> None:
    api = api_through_proxy
    headers = {**api.staff, "Idempotency-Key": "inscription-relais-lens"}
    proxy.arm(CommitCuttingProxy.AFTER_COMMIT)
    first = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    retry = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    assert proxy.cuts == 1
    assert first.status_code == retry.status_code == 201, (first.text, retry.text)
    assert first.json() == retry.json()
    assert holder_of(api, SIRET) == UUID(first.json()["id"])


async def test_a_command_whose_commit_never_arrived_answers_503_and_writes_nothing(
    api_through_proxy: Api, proxy: CommitCuttingProxy
) -> None:
    api = api_through_proxy
    proxy.arm(CommitCuttingProxy.BEFORE_COMMIT)
    response = await api.client.post("/api/membership/members", json=registration(), headers=api.staff)
    assert proxy.cuts == 1
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["error"] == "database_unavailable"
    assert response.json()["extra"] == {"written": False}
    assert "rien n'a été enregistré" in response.json()["detail"]
    assert holder_of(api, SIRET) is None


async def test_after_a_503_the_retry_with_the_same_key_writes_once(
    api_through_proxy: Api, proxy: CommitCuttingProxy
) -> None:
    api = api_through_proxy
    headers = {**api.staff, "Idempotency-Key": "inscription-relais-lens"}
    proxy.arm(CommitCuttingProxy.BEFORE_COMMIT)
    refused = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    retry = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    again = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    assert refused.status_code == 503
    assert retry.status_code == again.status_code == 201, (retry.text, again.text)
    assert retry.json() == again.json()
    assert holder_of(api, SIRET) == UUID(retry.json()["id"])


async def test_a_save_on_a_connection_that_died_while_idle_still_answers_the_truth(
    api_through_proxy: Api, proxy: CommitCuttingProxy
) -> None:
    """Cut a command's connection at its COMMIT in another service too (le Cap's application
    saves through the same recorder): the answer is its own success."""
    api = api_through_proxy
    first = await api.client.post("/api/membership/members", json=registration(), headers=api.staff)
    assert first.status_code == 201
    proxy.arm(CommitCuttingProxy.AFTER_COMMIT)
    moved = await api.client.post(
        f"/api/membership/members/{first.json()['id']}/region",
        json={"region": "BRE", "reason": "déménagement", "effective_on": "2016-01-01"},
        headers=api.staff,
    )
    assert proxy.cuts == 1
    assert moved.status_code in (200, 201), moved.text
    assert moved.json()["version"] == first.json()["version"] + 1
