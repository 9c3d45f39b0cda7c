"""HTTP routes of the dashboards across assessments: a member's overview, a region's and the
network's figures, and the regional delegates' follow-up feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.assessment import figures, queries
from services.assessment.api.common import (
    READ_ERRORS,
    READERS,
    REGION_READERS,
    STAFF,
    RegionInPath,
    TenantInPath,
    WaitFor,
    access,
    record_audit_read,
    wait,
)
from services.assessment.domain.errors import MemberNotFound
from services.assessment.read_models import Dashboard, FollowUpFeed, MemberOverview, OpenAction
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

StalledDays = Annotated[int, QueryParameter(ge=1, le=3650, description="no answer for this many days: stalled")]


def _own_region(principal: Principal, code: str) -> None:
    """Regional roles see their own region only; another region does not exist for them."""
    if not principal.has(Role.NATIONAL_STAFF) and principal.region != code:
        raise NotFound(f"aucune région {code} dans votre périmètre")


class DashboardController(Controller):
    path = "/api/assessment"
    tags = ["assessment: views"]

    @get(
        "/members/{tenant_id:str}/overview",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="A member's assessments, latest positioning and open plan actions",
    )
    async def member_overview(
        self, request: Request, tenant_id: TenantInPath, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> MemberOverview:
        await wait(platform, wait_for)
        who = await access(request, platform)
        if not who.sees_tenant(tenant_id):
            raise MemberNotFound(tenant_id)
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            member = await queries.directory_entry(conn, tenant_id)
            overview = await queries.member_overview(conn, tenant_id)
        if member is None and not overview["assessments"]:
            raise MemberNotFound(tenant_id)
        await record_audit_read(
            request, platform, who, tenant_id=tenant_id, assessment_id=None, resource="member_overview"
        )
        return MemberOverview(
            tenant_id=tenant_id,
            name=member.name if member else None,
            region=member.region if member else None,
            forms=member.forms if member else [],
            assessments=overview["assessments"],
            latest_positioning=overview["latest_positioning"],
            latest_positioning_of=overview["latest_positioning_of"],
            open_actions=[OpenAction(**a) for a in overview["open_actions"]],
        )

    @get(
        "/regions/{code:str}/dashboard",
        responses=READ_ERRORS,
        guards=[REGION_READERS],
        summary="A region's figures: assessments by stage, average positioning, frequent actions and services",
    )
    async def region_dashboard(
        self, request: Request, code: RegionInPath, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> Dashboard:
        _own_region(request.user, code)
        await wait(platform, wait_for)
        who = await access(request, platform)
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            return await figures.dashboard(conn, code)

    @get("/network/dashboard", responses=READ_ERRORS, guards=[STAFF], summary="The network's figures")
    async def network_dashboard(self, platform: NamedDependency[Platform], wait_for: WaitFor = None) -> Dashboard:
        await wait(platform, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            return await figures.dashboard(conn, None)

    @get(
        "/regions/{code:str}/follow-up",
        responses=READ_ERRORS,
        guards=[REGION_READERS],
        summary="What to chase in a region: stalled assessments, overdue plan actions, reviews waiting "
        "(active members only)",
    )
    async def follow_up(
        self,
        request: Request,
        code: RegionInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        stalled_days: StalledDays = 30,
    ) -> FollowUpFeed:
        _own_region(request.user, code)
        await wait(platform, wait_for)
        who = await access(request, platform)
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            return await figures.follow_up(conn, code, stalled_days=stalled_days, now=datetime.now(UTC))
