"""/fms/appels: the calls for projects, the newest first, with their envelope's figures (national staff)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from services.training import queries
from services.training.web.common import CALL_STATUS, STAFF, AnyRequest, page
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.notices import take_notice


@get("/appels", guards=[STAFF])
async def calls(request: AnyRequest, platform: NamedDependency[Platform]) -> Template:
    # Calls are public to every signed-in user (the API reads them in network scope too); the
    # envelope's figures are national staff's, whom the guard lets in alone.
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = await queries.call_summaries(conn)
    return page(
        "calls/list.html",
        title="Fonds Mutualisés Solidaires : les appels à projets",
        calls=rows,
        status_words=CALL_STATUS,
        notice=await take_notice(request),
    )
