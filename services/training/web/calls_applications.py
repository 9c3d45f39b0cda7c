"""/fms/appels/{id}/candidatures: a call's applications for national staff, filtered (status, the lead
enterprise's region and member form, eligibility, scored or not, decision) and one page at a time
(a call may hold thousands: keyset pages along the read model's index of the call by title, never
all of them);
each links to its instruction page."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from services.training import queries
from services.training.web.common import (
    APPLICATION_STATUS,
    DECISION,
    ELIGIBILITY,
    STAFF,
    AnyRequest,
    call_or_404,
    page_url,
)
from services.training.web.common import page as render
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

PAGE_SIZE = 50
COUNTED = 1000  # beyond, the page says "more than 1 000" (an exact count reads every row of the call)
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SCORED = {"oui": "notées", "non": "pas encore notées"}
DECISIONS = {**DECISION, "none": "sans décision"}


def _one_of(value: str | None, allowed: object) -> str | None:
    """A filter's value when it is one the page offers (anything else: no filter)."""
    value = (value or "").strip()
    return value if value and value in allowed else None  # type: ignore[operator]


@get("/appels/{call_id:uuid}/candidatures", guards=[STAFF])
async def applications(
    request: AnyRequest,
    call_id: FromPath[UUID],
    platform: NamedDependency[Platform],
    statut: FromQuery[str | None] = None,
    region: FromQuery[str | None] = None,
    forme: FromQuery[str | None] = None,
    eligibilite: FromQuery[str | None] = None,
    notee: FromQuery[str | None] = None,
    decision: FromQuery[str | None] = None,
    apres: FromQuery[str | None] = None,
    avant: FromQuery[str | None] = None,
) -> Template:
    call = await call_or_404(platform, call_id)
    # Staff read every application (network scope, as the API's list does for them).
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        keys = await conn.fetch(
            "SELECT breakdown, key FROM training.call_dashboard WHERE call_id = $1 AND breakdown IN ('region', 'form') "
            "ORDER BY breakdown, key",
            str(call_id),
        )
        regions = [k["key"] for k in keys if k["breakdown"] == "region"]
        forms = [k["key"] for k in keys if k["breakdown"] == "form"]
        filters = {
            "statut": _one_of(statut, APPLICATION_STATUS) or "",
            "region": _one_of(region, regions) or "",
            "forme": _one_of(forme, forms) or "",
            "eligibilite": _one_of(eligibilite, ELIGIBILITY) or "",
            "notee": _one_of(notee, SCORED) or "",
            "decision": _one_of(decision, DECISIONS) or "",
        }
        # A page starts after (or ends before) an application of the call; any other value: the first page.
        after = await _key(conn, str(call_id), apres)
        before = None if after is not None else await _key(conn, str(call_id), avant)
        rows, more, total = await queries.call_applications(
            conn,
            str(call_id),
            status=filters["statut"] or None,
            region=filters["region"] or None,
            form=filters["forme"] or None,
            eligibility=filters["eligibilite"] or None,
            scored=None if not filters["notee"] else filters["notee"] == "oui",
            decision=filters["decision"] or None,
            after=after,
            before=before,
            limit=PAGE_SIZE,
            count_up_to=COUNTED,
        )
    path = f"/fms/appels/{call_id}/candidatures"
    has_next = more if before is None else True
    has_previous = (after is not None) if before is None else more
    return _page(
        call=call,
        rows=rows,
        total=total,
        counted=COUNTED,
        first=page_url(path, filters, 1) if has_previous else None,
        previous=_link(path, filters, "avant", rows[0]["application_id"]) if has_previous and rows else None,
        next=_link(path, filters, "apres", rows[-1]["application_id"]) if has_next and rows else None,
        filters=filters,
        regions=regions,
        forms=forms,
    )


async def _key(conn: Any, call_id: str, application_id: str | None) -> tuple[str, str] | None:
    if not application_id or not UUID_TEXT.match(application_id):
        return None
    return await queries.call_application_key(conn, call_id, application_id)


def _link(path: str, filters: dict[str, str], direction: str, application_id: str) -> str:
    return page_url(path, {**filters, direction: application_id}, 1)


def _page(**context: Any) -> Template:
    return render(
        "calls/applications.html",
        title="Les candidatures de l'appel",
        status_words=APPLICATION_STATUS,
        eligibility_words=ELIGIBILITY,
        decision_words=DECISIONS,
        scored_words=SCORED,
        page_size=PAGE_SIZE,
        **context,
    )


APPLICATIONS_PAGES = [applications]
