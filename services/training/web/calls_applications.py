"""/fms/appels/{id}/candidatures: a call's applications for national staff, filtered (status, the lead
enterprise's region and member form, eligibility, scored or not, decision) and one page at a time
(a call may hold thousands: LIMIT/OFFSET on the read model's index of the call, never all of them);
each links to its instruction page."""

from __future__ import annotations

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
    last_page,
    page_number,
    page_url,
)
from services.training.web.common import page as render
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

PAGE_SIZE = 50
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
    page: FromQuery[str | None] = None,
) -> Template:
    call = await call_or_404(platform, call_id)
    number = page_number(page)
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
        rows, total = await queries.call_applications(
            conn,
            str(call_id),
            status=filters["statut"] or None,
            region=filters["region"] or None,
            form=filters["forme"] or None,
            eligibility=filters["eligibilite"] or None,
            scored=None if not filters["notee"] else filters["notee"] == "oui",
            decision=filters["decision"] or None,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
    last = last_page(total, PAGE_SIZE)
    path = f"/fms/appels/{call_id}/candidatures"
    return _page(
        call=call,
        rows=rows,
        total=total,
        number=number,
        last=last,
        previous=page_url(path, filters, min(number - 1, last)) if number > 1 else None,
        next=page_url(path, filters, number + 1) if number < last else None,
        filters=filters,
        regions=regions,
        forms=forms,
    )


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
