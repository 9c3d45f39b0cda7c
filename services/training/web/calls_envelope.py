"""/fms/appels/{id}/enveloppe: the envelope as a ledger (initial amount, top-ups, commitments, what
went back, payments; each line with its effective date), a gauge of it, the envelope as it stood on
a past date (`?as_of=`, the API's own fold over the call's events), and the top-up form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from services.training import queries
from services.training.api.envelope import ledger_of, line_of
from services.training.api.schemas import TopUpIn
from services.training.web.calls_view import envelope_gauge
from services.training.web.common import (
    LEDGER_KIND,
    STAFF,
    AnyRequest,
    FormRefused,
    app_of,
    as_body,
    call_or_404,
    last_page,
    money_text,
    page,
    page_number,
    page_url,
    parse_date,
    refusal_of,
    version_of,
)
from shared.errors import DomainError, NotFound, VersionMismatch
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.filters import euros
from shared.web.forms import GENERAL, form_fields, page_command, see_other
from shared.web.notices import flash, take_notice

FIELDS = {
    "amount": ("amount", "Montant de l'abondement"),
    "reason": ("reason", "Origine de l'abondement"),
    "on": ("on", "Date d'effet"),
}
LEDGER_PAGE = 50  # ledger lines a page (a call of thousands of awards has thousands of lines)
STALE = "L'enveloppe a bougé pendant que vous la lisiez : voici le registre à jour."


async def envelope_page(
    request: AnyRequest,
    platform: Platform,
    call_id: UUID,
    *,
    as_of: str | None = None,
    page_text: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    live = await call_or_404(platform, call_id)
    errors = dict(errors or {})
    day = None
    if as_of:
        day = parse_date(as_of)
        if day is None:
            errors["as_of"] = "La date doit être une date valide (jour, mois, année)."
            status = 400
    row, lines, total = live, [], 0
    number = page_number(page_text)
    then_missing = ""
    if day is not None:
        try:
            row, raw = await to_thread.run_sync(app_of(platform).call_as_of, call_id, day)
            total = len(raw)
            number = min(number, last_page(total, LEDGER_PAGE))
            lines = [line_of(line) for line in raw[(number - 1) * LEDGER_PAGE : number * LEDGER_PAGE]]
        except NotFound as error:
            then_missing = error.message
            row = live
    if day is None or then_missing:
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            found, total = await queries.ledger_page(
                conn, str(call_id), limit=LEDGER_PAGE, offset=(number - 1) * LEDGER_PAGE
            )
        lines = [line_of(line) for line in found]
        row = live
    ledger = ledger_of(str(call_id), row, lines)
    last = last_page(total, LEDGER_PAGE)
    path = f"/fms/appels/{call_id}/enveloppe"
    filters = {"as_of": as_of or ""}
    return page(
        "calls/envelope.html",
        status,
        title=f"L'enveloppe de l'appel {live['year']}",
        call=live,
        ledger=ledger,
        gauge=envelope_gauge(row),
        kind_words=LEDGER_KIND,
        as_of=day,
        as_of_text=as_of or "",
        then_missing=then_missing,
        lines_total=total,
        number=number,
        last=last,
        previous=page_url(path, filters, min(number - 1, last)) if number > 1 else None,
        next=page_url(path, filters, number + 1) if number < last else None,
        errors=errors,
        values={"amount": "", "reason": "", "on": app_of(platform).today().isoformat(), **(values or {})},
        notice=await take_notice(request) if status == 200 else "",
    )


@get("/appels/{call_id:uuid}/enveloppe", guards=[STAFF])
async def envelope(
    request: AnyRequest,
    call_id: FromPath[UUID],
    platform: NamedDependency[Platform],
    as_of: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    return await envelope_page(request, platform, call_id, as_of=(as_of or "").strip()[:10] or None, page_text=page)


@post("/appels/{call_id:uuid}/enveloppe", guards=[STAFF])
async def top_up(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Redirect | Template:
    await call_or_404(platform, call_id)
    fields = await form_fields(request)
    values = {name: fields.get(name, "") for name in ("amount", "reason", "on")}
    expected = version_of(fields)
    if expected is None:
        errors = {GENERAL: "Le formulaire ne dit pas de quelle version de l'appel il part : rechargez la page."}
        return await envelope_page(request, platform, call_id, errors=errors, values=values, status=400)
    body: dict[str, Any] = {"amount": money_text(values["amount"]), "reason": values["reason"]}
    if values["on"]:
        body["on"] = values["on"]
    try:
        data = as_body(body, TopUpIn, FIELDS)
        app = app_of(platform)
        await page_command(
            request,
            platform,
            "training",
            "top_up",
            lambda a: a.top_up(
                call_id,
                amount=Decimal(data.amount),
                reason=data.reason,
                on=data.on or app.today(),
                expected_version=expected,
            ),
        )
    except FormRefused as refused:
        return await envelope_page(request, platform, call_id, errors=refused.errors, values=values, status=400)
    except DomainError as error:
        if isinstance(error, VersionMismatch):
            return await envelope_page(request, platform, call_id, errors={GENERAL: STALE}, values=values, status=409)
        errors = refusal_of(error, FIELDS)
        return await envelope_page(request, platform, call_id, errors=errors, values=values, status=error.status_code)
    await flash(request, f"L'enveloppe est abondée de {euros(Decimal(data.amount))}.")
    return see_other(f"/fms/appels/{call_id}/enveloppe")


ENVELOPE_PAGES = [envelope, top_up]
