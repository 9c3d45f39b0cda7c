"""HTTP routes of a call's dashboards: its figures per region and member form, the decisions awaiting
review, and one region's part (for its delegates)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from services.training import queries
from services.training.api.common import (
    FUNDING,
    READ_ERRORS,
    STAFF,
    CallId,
    RegionCode,
    WaitFor,
    call_row,
)
from services.training.domain.errors import CallNotFound
from services.training.read_models import (
    CallDashboard,
    DashboardFigures,
    ReviewItem,
)
from services.training.redaction import dashboard_figures
from shared.auth import Role, requires
from shared.errors import NotFound
from shared.platform import Platform
from shared.tenancy import ReadScope, read_scope, scoped_connection

REGION_READERS = requires(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE)


class DashboardController(Controller):
    """The call's figures."""

    path = "/api/training/calls"
    tags = ["training: calls"]

    @get(
        "/{call_id:uuid}/dashboard",
        responses=READ_ERRORS,
        guards=[STAFF],
        summary="The call's figures, per region and per member form, and the decisions awaiting review",
    )
    async def dashboard(
        self, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> CallDashboard:
        row = await call_row(platform, call_id, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            figures = await queries.dashboard(conn, str(call_id))
            queue = await queries.review_queue(conn, str(call_id))
        by_breakdown = {
            b: [dashboard_figures(f) for f in figures if f["breakdown"] == b] for b in ("call", "region", "form")
        }
        if not by_breakdown["call"]:
            raise CallNotFound(call_id)
        return CallDashboard(
            call_id=str(call_id),
            year=row["year"],
            title=row["title"],
            status=row["status"],
            call=by_breakdown["call"][0],
            regions=by_breakdown["region"],
            forms=by_breakdown["form"],
            review_queue=[
                ReviewItem(
                    application_id=q["application_id"],
                    title=q["title"],
                    lead_name=q["lead_name"],
                    kind=q["decision"]["kind"],
                    amount=q["decision"]["amount"],
                    reason=q["decision"]["reason"],
                    decided_by=q["decision"]["decided_by"],
                    decided_on=date.fromisoformat(q["decision"]["on"]),
                    version=q["version"],
                )
                for q in queue
            ],
        )

    @get(
        "/{call_id:uuid}/regions/{code:str}/dashboard",
        responses=READ_ERRORS,
        guards=[REGION_READERS],
        summary="A region's part of the call's figures (regional delegates: their own region)",
    )
    async def region_dashboard(
        self,
        request: Request,
        call_id: CallId,
        code: RegionCode,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> DashboardFigures:
        await platform.wait_for("training", wait_for, [FUNDING])
        async with scoped_connection(platform.read_pool, await read_scope(platform.write_pool, request.user)) as conn:
            figures = [f for f in await queries.region_figures(conn, code) if f["call_id"] == str(call_id)]
        if not figures:
            raise NotFound(f"aucun chiffre pour la région {code} dans l'appel {call_id}")
        return dashboard_figures(figures[0])
