"""A command answers the status its route declares (`shared.openapi.command` / `creation`), so
the answer is the one the OpenAPI document shows."""

from __future__ import annotations

from datetime import date

from litestar import Request, Response
from litestar.testing import AsyncTestClient

from services.bootstrap import build_platform
from shared.app_factory import create_app
from shared.auth import Role, TokenService, requires
from shared.commands import run_command
from shared.eventstore import CommandResult
from shared.openapi import command, creation
from shared.personal import PersonalDetails
from tests.helpers.siret import fresh_siret


def _register(request: Request) -> object:
    membership = request.app.state.platform.application("membership")
    membership.establish_regions()
    return lambda: membership.register_member(
        name="AI Le Relais",
        siret=fresh_siret(),
        forms=("AI",),
        region="NPC",
        joined_on=date(2012, 1, 1),
        contact=PersonalDetails(name="Claire Martin", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    )


@creation("/api/test/created", guards=[requires(Role.NATIONAL_STAFF)])
async def created(request: Request) -> Response[CommandResult]:
    membership = request.app.state.platform.application("membership")
    return await run_command(request, membership, _register(request), name="test_creation")


@command("/api/test/changed", guards=[requires(Role.NATIONAL_STAFF)])
async def changed(request: Request) -> Response[CommandResult]:
    membership = request.app.state.platform.application("membership")
    return await run_command(request, membership, _register(request), name="test_command")


async def test_a_command_answers_the_status_its_route_declares(database, settings) -> None:  # noqa: ANN001
    platform = build_platform(settings=settings, database=database)
    app = create_app(platform, run_projections=False, extra_route_handlers=[created, changed])
    staff = {"Authorization": "Bearer " + TokenService(settings).issue(role="national_staff")}
    async with AsyncTestClient(app) as client:
        document = (await client.get("/schema/openapi.json")).json()
        assert "201" in document["paths"]["/api/test/created"]["post"]["responses"]
        assert "200" in document["paths"]["/api/test/changed"]["post"]["responses"]
        assert (await client.post("/api/test/created", headers=staff)).status_code == 201
        assert (await client.post("/api/test/changed", headers=staff)).status_code == 200
