"""/fms/appels/{id}: a call's page for national staff (its terms, status, the dashboard's figures per
region and member form, the decisions awaiting review) and its acts: close it, cancel it (with a
reason), publish its results. Each act is one form, sent to the application method the API calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.training import queries
from services.training.application import TrainingApplication
from services.training.read_models import DashboardFigures, TermsOut
from services.training.redaction import dashboard_figures
from services.training.web.common import (
    CALL_STATUS,
    DECISION,
    STAFF,
    AnyRequest,
    app_of,
    call_or_404,
    page,
    parse_date,
    refusal_of,
    version_of,
)
from shared.errors import DomainError, VersionMismatch
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.charts import Bar, BarChart, Gauge
from shared.web.filters import euros
from shared.web.forms import GENERAL, form_fields, page_command, see_other
from shared.web.notices import flash, take_notice

QUEUE_SHOWN = 20  # the decisions awaiting review listed on the call's page (the count says how many in all)
STALE = "Quelqu'un a modifié cet appel pendant que vous le lisiez : voici sa version à jour."
ACT_FIELDS = {"on": ("on", "Date d'effet"), "reason": ("cancel_reason", "Motif de l'annulation")}


def envelope_gauge(row: dict[str, Any]) -> Gauge:
    """The envelope: what is paid, committed and available, of its total."""
    return Gauge(
        title="L'enveloppe",
        total=float(row["envelope_total"]),
        total_shown=euros(row["envelope_total"]),
        parts=[
            Bar("Versé", float(row["paid"]), euros(row["paid"])),
            Bar("Engagé", float(row["committed"]), euros(row["committed"])),
            Bar("Disponible", float(row["available"]), euros(row["available"])),
        ],
        rest_label="reste",
    )


def _charts(figures: list[DashboardFigures]) -> list[BarChart]:
    regions = [f for f in figures if f.breakdown == "region"]
    forms = [f for f in figures if f.breakdown == "form"]
    return [
        BarChart(
            title="Candidatures déposées par région",
            unit="candidatures",
            bars=[Bar(f.key, f.applications_answered) for f in regions],
            slug="candidatures-region",
        ),
        BarChart(
            title="Montants attribués par région",
            unit="€",
            bars=[Bar(f.key, float(f.awarded), euros(f.awarded)) for f in regions],
            slug="attribue-region",
        ),
        BarChart(
            title="Candidatures déposées par forme d'adhérent",
            unit="candidatures",
            bars=[Bar(f.key, f.applications_answered) for f in forms],
            slug="candidatures-forme",
        ),
        BarChart(
            title="Montants attribués par forme d'adhérent",
            unit="€",
            bars=[Bar(f.key, float(f.awarded), euros(f.awarded)) for f in forms],
            slug="attribue-forme",
        ),
    ]


async def call_page(
    request: AnyRequest,
    platform: Platform,
    call_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    row = await call_or_404(platform, call_id)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        figures = [dashboard_figures(f) for f in await queries.dashboard(conn, str(call_id))]
        queue_total = await conn.fetchval(
            "SELECT count(*) FROM training.applications WHERE call_id = $1 AND role = 'lead' AND status = 'decided'",
            str(call_id),
        )
        queue = await conn.fetch(
            "SELECT application_id, title, lead_name, decision, decided_on FROM training.applications "
            "WHERE call_id = $1 AND role = 'lead' AND status = 'decided' ORDER BY decided_on, title LIMIT $2",
            str(call_id),
            QUEUE_SHOWN,
        )
    whole = next((f for f in figures if f.breakdown == "call"), None)
    today = app_of(platform).today().isoformat()
    return page(
        "calls/call.html",
        status,
        title=f"Appel à projets {row['year']}" + (f" — {row['label']}" if row["label"] else ""),
        call=row,
        # The terms as the API describes them (dates as dates, amounts and rates as decimals).
        terms=msgspec.convert(row["terms"], TermsOut, strict=False),
        status_words=CALL_STATUS,
        decision_words=DECISION,
        whole=whole,
        regions=[f for f in figures if f.breakdown == "region"],
        forms_figures=[f for f in figures if f.breakdown == "form"],
        charts=_charts(figures),
        gauge=envelope_gauge(row),
        queue=[dict(q) for q in queue],
        queue_total=queue_total,
        errors=errors or {},
        values={"on": today, "cancel_reason": "", **(values or {})},
        notice=await take_notice(request) if status == 200 else "",
    )


@get("/appels/{call_id:uuid}", guards=[STAFF])
async def call(request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]) -> Template:
    return await call_page(request, platform, call_id)


async def _act(
    request: AnyRequest,
    platform: Platform,
    call_id: UUID,
    name: str,
    send: Callable[[TrainingApplication, int, Any, dict[str, str]], CommandResult],
    done: str,
) -> Redirect | Template:
    """One act on the call from its page: the version the page was read at, the effective date."""
    await call_or_404(platform, call_id)
    fields = await form_fields(request)
    values = {"on": fields.get("on", ""), "cancel_reason": fields.get("cancel_reason", "")}
    expected = version_of(fields)
    if expected is None:
        errors = {GENERAL: "Le formulaire ne dit pas de quelle version de l'appel il part : rechargez la page."}
        return await call_page(request, platform, call_id, errors=errors, values=values, status=400)
    on = parse_date(values["on"]) if values["on"] else app_of(platform).today()
    if on is None:
        errors = {"on": "La date d'effet doit être une date valide (jour, mois, année)."}
        return await call_page(request, platform, call_id, errors=errors, values=values, status=400)
    try:
        await page_command(request, platform, "training", name, lambda app: send(app, expected, on, fields))
    except DomainError as error:
        if isinstance(error, VersionMismatch):
            return await call_page(request, platform, call_id, errors={GENERAL: STALE}, status=409)
        errors = refusal_of(error, ACT_FIELDS)
        return await call_page(request, platform, call_id, errors=errors, values=values, status=error.status_code)
    await flash(request, done)
    return see_other(f"/fms/appels/{call_id}")


@post("/appels/{call_id:uuid}/cloture", guards=[STAFF])
async def close(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Redirect | Template:
    return await _act(
        request,
        platform,
        call_id,
        "close_call",
        lambda app, version, on, _: app.close_call(call_id, on=on, expected_version=version),
        "L'appel est clos : il ne reçoit plus de candidatures.",
    )


@post("/appels/{call_id:uuid}/annulation", guards=[STAFF])
async def cancel(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Redirect | Template:
    return await _act(
        request,
        platform,
        call_id,
        "cancel_call",
        lambda app, version, on, fields: app.cancel_call(
            call_id, reason=fields.get("cancel_reason", ""), on=on, expected_version=version
        ),
        "L'appel est annulé.",
    )


@post("/appels/{call_id:uuid}/publication", guards=[STAFF])
async def publish(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Redirect | Template:
    return await _act(
        request,
        platform,
        call_id,
        "publish_results",
        lambda app, version, on, _: app.publish_results(call_id, on=on, expected_version=version),
        "Les résultats de l'appel sont publiés.",
    )


CALL_VIEW_PAGES = [call, close, cancel, publish]
