"""One service in its own process: `coorace serve --service training` starts membership whole (its
routes, writes included, and its projections); with `--own-routes-only`, as in a deployment, the
process serves training's routes only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from click.testing import CliRunner
from litestar.testing import AsyncTestClient

from services.bootstrap import build_platform
from services.cli import main
from shared.app_factory import create_app
from shared.auth import TokenService
from shared.config import Settings
from shared.database import DatabaseAddress
from tests.helpers.api import Api
from tests.helpers.membership_api import registration


@asynccontextmanager
async def serving(
    database: DatabaseAddress, settings: Settings, routed_services: Sequence[str] | None = None
) -> AsyncIterator[Api]:
    platform = build_platform(["training"], settings=settings, database=database)
    app = create_app(platform, run_projections=True, routed_services=routed_services)
    async with AsyncTestClient(app) as client:
        yield Api(client, TokenService(settings))


async def test_serving_training_serves_the_whole_membership_api(database: DatabaseAddress, settings: Settings) -> None:
    async with serving(database, settings) as api:
        assert set(api.client.app.state.platform.services) == {
            "membership",
            "people",
            "training",
        }  # what training depends on
        api.client.app.state.platform.application("membership").establish_regions()
        created = await api.client.post("/api/membership/members", json=registration(), headers=api.staff)
        assert created.status_code == 201, created.text
        record = await api.client.get(
            f"/api/membership/members/{created.json()['id']}",
            params={"wait_for": created.json()["notification_id"]},
            headers=api.staff,
        )
        assert record.status_code == 200, record.text  # membership's projections run here too
        assert (await api.client.get("/api/training/calls", headers=api.staff)).status_code == 200


async def test_a_service_process_serves_its_own_routes_only(database: DatabaseAddress, settings: Settings) -> None:
    async with serving(database, settings, routed_services=["training"]) as api:
        assert (await api.client.get("/api/training/calls", headers=api.staff)).status_code == 200
        refused = await api.client.post("/api/membership/members", json=registration(), headers=api.staff)
        assert refused.status_code == 404
        assert (await api.client.get("/api/membership/members", headers=api.staff)).status_code == 404
        assert (await api.client.get("/ready")).status_code == 200


def test_own_routes_only_needs_a_service() -> None:
    result = CliRunner().invoke(main, ["serve", "--own-routes-only"])
    assert result.exit_code == 2
    assert "--own-routes-only needs --service" in result.output
