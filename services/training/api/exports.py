"""HTTP routes of a call's decision exports (CSV and XLSX), for national staff and the auditors the call
granted access to."""

from __future__ import annotations

from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency

from services.training import queries
from services.training.access import access_of
from services.training.api.common import (
    READ_ERRORS,
    CallId,
    WaitFor,
    call_row,
)
from services.training.domain.errors import CallNotFound
from services.training.exports import as_csv, as_xlsx, decision_lines
from shared.auth import Principal, Role, requires
from shared.platform import Platform
from shared.tenancy import scoped_connection

EXPORTERS = requires(Role.NATIONAL_STAFF, Role.AUDITOR)


class ExportController(Controller):
    """The call's decisions as files."""

    path = "/api/training/calls"
    tags = ["training: calls"]

    @get(
        "/{call_id:uuid}/decisions.csv",
        responses=READ_ERRORS,
        guards=[EXPORTERS],
        summary="The call's decisions as CSV",
        media_type="text/csv",
    )
    async def decisions_csv(
        self, request: Request, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> Response[bytes]:
        row, lines = await _decisions(platform, request.user, call_id, wait_for)
        return Response(
            as_csv(lines),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="fms-{row["year"]}-decisions.csv"'},
        )

    @get(
        "/{call_id:uuid}/decisions.xlsx",
        responses=READ_ERRORS,
        guards=[EXPORTERS],
        summary="The call's decisions as an XLSX workbook",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    async def decisions_xlsx(
        self, request: Request, call_id: CallId, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> Response[bytes]:
        row, lines = await _decisions(platform, request.user, call_id, wait_for)
        content = await to_thread.run_sync(as_xlsx, lines, f"Décisions {row['year']}")
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="fms-{row["year"]}-decisions.xlsx"'},
        )


async def _decisions(
    platform: Platform, principal: Principal, call_id: UUID, wait_for: int | None
) -> tuple[dict, list[list]]:
    row = await call_row(platform, call_id, wait_for)
    access = await access_of(platform, principal)
    if access.call_ids is not None and str(call_id) not in access.call_ids:
        raise CallNotFound(call_id)  # an auditor without a grant for this call
    async with scoped_connection(platform.read_pool, access.scope) as conn:
        rows = await queries.decisions(conn, str(call_id))
    return row, decision_lines(rows)
