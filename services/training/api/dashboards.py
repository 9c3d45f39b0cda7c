"""HTTP routes of a call's dashboards: its figures per region and member form, the decisions awaiting
review, and one region's part (for its delegates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
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
    training,
)
from services.training.domain.errors import CallNotFound
from services.training.projections.call_dashboard import AS_OF_APPLICATIONS, AS_OF_COLUMNS, count_figures
from services.training.projections.funding_application_rows import enterprise_rows
from services.training.read_models import (
    CallDashboard,
    DashboardFigures,
    ReviewItem,
)
from services.training.redaction import dashboard_figures
from shared.as_of import AsOfParameter, KnownAtParameter, as_of_date, aware
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
        summary="The call's figures, per region and per member form, and the decisions awaiting review "
        "(now; `as_of` a date, as known at `known_at`)",
        description="Without parameters, the live figures. With `as_of` (a date), the figures in force at the end "
        "of that day (every act counted on its effective date); with `known_at` (a date-time), only what had "
        "been recorded by then. The same counts as the live dashboard, over the applications as they stood.",
    )
    async def dashboard(
        self,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOfParameter = None,
        known_at: KnownAtParameter = None,
    ) -> CallDashboard:
        day, known_at = as_of_date(as_of), None if known_at is None else aware(known_at)
        row = await call_row(platform, call_id, wait_for)
        if day is not None or known_at is not None:
            row, figures, queue = await _figures_as_of(platform, call_id, day, known_at)
        else:
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


async def _figures_as_of(
    platform: Platform, call_id: UUID, as_of: date | None, known_at: datetime | None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The dashboard's rows and review queue as of a date, as known at a moment: each application
    and the call folded as the live projection folds them (filtered by both times), then counted by
    the live dashboard's own queries. The call's row is as of then too (its status then)."""
    app = training(platform)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        ids = await queries.application_ids(conn, str(call_id))
    call, _ = await to_thread.run_sync(app.call_as_of, call_id, as_of, known_at)
    states = await to_thread.run_sync(app.applications_as_of, ids, as_of, known_at)
    rows = [{k: r[k] for k in AS_OF_COLUMNS} for state in states for r in enterprise_rows(state)]
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        counted = await count_figures(conn, AS_OF_APPLICATIONS, str(call_id), msgspec.json.encode(rows).decode())
    counted[("call", "")].update({k: call[k] for k in ("envelope_total", "committed", "paid", "available")})
    queue = sorted(
        (
            {
                "application_id": s["application_id"],
                "title": s["title"],
                "lead_name": s["lead"]["name"],
                "decision": s["decision"],
                "version": s["version"],
                "decided_on": s["decided_on"],
            }
            for s in states
            if s["status"] == "decided"
        ),
        key=lambda q: (q["decided_on"], q["title"]),
    )
    return call, list(counted.values()), queue
