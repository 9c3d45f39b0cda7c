"""HTTP routes of regions and the register's dashboards."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.membership import queries
from services.membership.api.dependencies import STAFF, membership_application
from services.membership.api.params import AsOf, IdempotencyKey, KnownAt, RegionCodeInPath, WaitFor, asked, or_today
from services.membership.api.schemas import RegionMerger, RegionRename, RegionSplit
from services.membership.read_cache import REGISTER_ANSWERS
from services.membership.read_models import NetworkDashboard, Region, RegionDashboard
from shared.as_of import as_of_date
from shared.auth import Role, requires
from shared.commands import run_command
from shared.errors import InvalidInput, NotFound
from shared.eventstore import CommandResult
from shared.http_errors import COMMAND_ERRORS, QUERY_ERRORS
from shared.platform import Platform
from shared.tenancy import ReadScope, read_scope, scoped_connection

REGION_READERS = requires(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE, Role.TRAINER)
ANYONE = requires(*Role)


class RegionController(Controller):
    path = "/api/membership"
    tags = ["membership"]

    @get(
        "/regions",
        responses=QUERY_ERRORS,
        guards=[ANYONE],
        summary="The regions (reference data) on a date",
        description="Every region on the date asked (default today), active or retired by a merger (with the "
        "region it was merged into).",
    )
    async def regions(
        self, platform: NamedDependency[Platform], wait_for: WaitFor = None, as_of: AsOf = None
    ) -> list[Region]:
        await platform.wait_for("membership", wait_for, ["register"])
        # Reference data, public to every signed-in user: read in network scope on purpose.
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            return await queries.regions(conn, or_today(as_of_date(as_of)))

    @get(
        "/regions/{code:str}/dashboard",
        responses=QUERY_ERRORS,
        guards=[REGION_READERS],
        summary="A region's figures",
        description="A region's members by form, status and certification, its certificates at risk and its "
        "Accord Groupe count.",
    )
    async def region_dashboard(
        self,
        request: Request,
        code: RegionCodeInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
    ) -> RegionDashboard:
        await platform.wait_for("membership", wait_for, ["register"])
        day, known_at = asked(as_of, known_at)
        scope, on = await read_scope(platform.write_pool, request.user), or_today(day)
        dashboard = await REGISTER_ANSWERS.answer(
            platform,
            ("region dashboard", scope, code),
            on,
            known_at,
            lambda: queries.region_dashboard(platform.read_pool, scope, code, on, known_at),
        )
        if dashboard is None:
            raise NotFound(f"aucun tableau de bord pour la région {code}")
        return msgspec.structs.replace(dashboard, as_of=day, known_at=known_at)

    @post(
        "/regions/mergers",
        responses=COMMAND_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Merge regions: every member of the merged regions moves to the new one",
        description="Retires the merged regions and opens the new one on `effective_on`; each of their "
        "members moves to it, all in one transaction.",
        response_description="The region list's new version and the notification id to wait for",
    )
    async def merge(
        self,
        request: Request,
        data: JSONBody[RegionMerger],
        platform: NamedDependency[Platform],
        idempotency_key: IdempotencyKey = None,  # read by `run_command`; declared for the OpenAPI document
    ) -> Response[CommandResult]:
        app = membership_application(platform)
        return await run_command(
            request,
            app,
            lambda: app.merge_regions(
                merged=tuple(data.merged),
                new_code=data.new_code,
                new_name=data.new_name,
                effective_on=data.effective_on,
            ),
            name="merge_regions",
            status_code=201,
        )

    @post(
        "/regions/renames",
        responses=COMMAND_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Rename a region from a date, keeping its code or taking a new one",
        description="From `effective_on` the region bears `new_name` (reads as of an earlier date keep the old "
        "name). Under a new code the old one retires on that date and each of its members moves to the new one, "
        "in one transaction; the new code's readers then read the old one's past.",
        response_description="The region list's new version and the notification id to wait for",
    )
    async def rename(
        self,
        request: Request,
        data: JSONBody[RegionRename],
        platform: NamedDependency[Platform],
        idempotency_key: IdempotencyKey = None,  # read by `run_command`; declared for the OpenAPI document
    ) -> Response[CommandResult]:
        app = membership_application(platform)
        return await run_command(
            request,
            app,
            lambda: app.rename_region(
                code=data.code,
                new_code=data.new_code or data.code,
                new_name=data.new_name,
                effective_on=data.effective_on,
            ),
            name="rename_region",
            status_code=201,
        )

    @post(
        "/regions/splits",
        responses=COMMAND_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Split a region into new ones, each of its members assigned to one of them",
        description="Retires the region and opens the new ones on `effective_on`; each of its members moves to "
        "the new region `assignments` names for it, all in one transaction. Every member must be assigned, once, "
        "to one of the new regions; otherwise nothing is written. Each new region's readers read the old one's past.",
        response_description="The region list's new version and the notification id to wait for",
    )
    async def split(
        self,
        request: Request,
        data: JSONBody[RegionSplit],
        platform: NamedDependency[Platform],
        idempotency_key: IdempotencyKey = None,  # read by `run_command`; declared for the OpenAPI document
    ) -> Response[CommandResult]:
        assignments = {a.member_id: a.region for a in data.assignments}
        if len(assignments) != len(data.assignments):
            raise InvalidInput("le champ « assignments » cite deux fois le même membre", field="assignments")
        app = membership_application(platform)
        return await run_command(
            request,
            app,
            lambda: app.split_region(
                code=data.code,
                successors=tuple((s.code, s.name) for s in data.successors),
                assignments=assignments,
                effective_on=data.effective_on,
            ),
            name="split_region",
            status_code=201,
        )

    @get(
        "/network/dashboard",
        responses=QUERY_ERRORS,
        guards=[requires(Role.NATIONAL_STAFF)],
        summary="The whole network's figures",
        description="The whole network's figures and members per region, live or as of a date; national staff only.",
    )
    async def network_dashboard(
        self,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
    ) -> NetworkDashboard:
        await platform.wait_for("membership", wait_for, ["register"])
        day, known_at = asked(as_of, known_at)
        on = or_today(day)
        dashboard = await REGISTER_ANSWERS.answer(
            platform,
            ("network dashboard",),
            on,
            known_at,
            lambda: queries.network_dashboard(platform.read_pool, on, known_at),
        )
        if dashboard is None:
            raise NotFound("le tableau de bord du réseau est vide : aucun membre n'est encore enregistré")
        return msgspec.structs.replace(dashboard, as_of=day, known_at=known_at)
