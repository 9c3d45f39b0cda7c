"""HTTP routes of the overviews: a member's applications (with what is expected of it next), a
region's applications and figures, and a fund reviewer's assignments."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from services.training import queries
from services.training.access import access_of
from services.training.api.common import FUNDING, READ_ERRORS, REVIEWERS, Limit, MemberId, Offset, RegionCode, WaitFor
from services.training.read_models import ApplicationPage, Assignment, RegionOverview
from services.training.redaction import application_summary, dashboard_figures, visible_status
from shared.auth import MEMBER_ROLES, Principal, Role, requires
from shared.errors import NotFound
from shared.platform import Platform
from shared.tenancy import ReadScope, read_scope, scoped_connection

MEMBER_READERS = requires(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE, Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
REGION_READERS = requires(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE)


class OverviewController(Controller):
    path = "/api/training"
    tags = ["training: overviews"]

    @get(
        "/members/{member_id:uuid}/applications",
        responses=READ_ERRORS,
        guards=[MEMBER_READERS],
        summary="A member's applications (as lead or partner): status, amounts, what is expected next",
    )
    async def member_applications(
        self,
        request: Request,
        member_id: MemberId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ApplicationPage:
        principal: Principal = request.user
        if (
            principal.roles & MEMBER_ROLES
            and not principal.has(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE)
            and principal.tenant != str(member_id)
        ):
            raise NotFound(f"aucun adhérent {member_id}")  # another tenant: not there, as for any of its records
        await platform.wait_for("training", wait_for, [FUNDING])
        access = await access_of(platform, principal)
        async with scoped_connection(platform.read_pool, access.scope) as conn:
            rows, total = await queries.funding_applications(
                conn, enterprise_id=str(member_id), limit=limit, offset=offset
            )
        return ApplicationPage(
            items=[application_summary(r, access) for r in rows], total=total, limit=limit, offset=offset
        )

    @get(
        "/regions/{code:str}/overview",
        responses=READ_ERRORS,
        guards=[REGION_READERS],
        summary="A region's part of each call, and the applications of its members",
    )
    async def region_overview(
        self,
        request: Request,
        code: RegionCode,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> RegionOverview:
        await platform.wait_for("training", wait_for, [FUNDING])
        principal: Principal = request.user
        scope = await read_scope(platform.write_pool, principal)  # a region's readers read its predecessors too
        if not scope.reads_region(code):
            raise NotFound(f"aucune région {code} dans votre périmètre")
        access = await access_of(platform, principal)
        async with scoped_connection(platform.read_pool, scope) as conn:
            figures = await queries.region_figures(conn, code)
            rows, _ = await queries.funding_applications(conn, region=code, limit=limit, offset=offset)
        return RegionOverview(
            region=code,
            figures=[dashboard_figures(f) for f in figures],
            applications=[application_summary(r, access) for r in rows],
        )

    @get(
        "/reviewer/assignments",
        responses=READ_ERRORS,
        guards=[REVIEWERS],
        summary="The applications the caller must score",
    )
    async def assignments(
        self, request: Request, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> list[Assignment]:
        await platform.wait_for("training", wait_for, [FUNDING])
        access = await access_of(platform, request.user)
        assigned_ids = sorted(access.application_ids or ())  # a fund reviewer's access always lists them
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            assigned = {a["application_id"]: a for a in await queries.assignments_of(conn, request.user.subject)}
        async with scoped_connection(platform.read_pool, access.scope) as conn:
            rows, _ = await queries.funding_applications(conn, application_ids=assigned_ids, limit=500)
        return [
            Assignment(
                application_id=r["application_id"],
                call_id=r["call_id"],
                title=r["title"],
                lead_name=r["lead_name"],
                status=visible_status(r, access),
                scored=assigned[r["application_id"]]["scored"],
                assigned_at=assigned[r["application_id"]]["assigned_at"],
            )
            for r in rows
        ]
