"""/fms/appels/{id}/decisions.csv and .xlsx: the call's decisions as files, for national staff signed
in to the portal; the same bytes as the API's exports (the same read, the same writers)."""

from __future__ import annotations

from uuid import UUID

from anyio import to_thread
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from services.training.api.exports import _decisions
from services.training.exports import as_csv, as_xlsx
from services.training.web.common import STAFF, AnyRequest
from shared.platform import Platform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get("/appels/{call_id:uuid}/decisions.csv", guards=[STAFF], media_type="text/csv")
async def decisions_csv(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Response[bytes]:
    row, lines = await _decisions(platform, request.user, call_id, None)
    return Response(
        as_csv(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="fms-{row["year"]}-decisions.csv"'},
    )


@get("/appels/{call_id:uuid}/decisions.xlsx", guards=[STAFF], media_type=XLSX)
async def decisions_xlsx(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Response[bytes]:
    row, lines = await _decisions(platform, request.user, call_id, None)
    content = await to_thread.run_sync(as_xlsx, lines, f"Décisions {row['year']}")
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="fms-{row["year"]}-decisions.xlsx"'},
    )


EXPORT_PAGES = [decisions_csv, decisions_xlsx]
