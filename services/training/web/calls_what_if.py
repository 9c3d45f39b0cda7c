"""/fms/appels/{id}/simulation: the what-if ranking (a GET form; it decides nothing). The scored
applications ranked as the API's what-if ranks them (`domain.what_if.simulate`), under another
envelope, the envelope as it stood on a date, or a cut-off score: who would be funded, fully or in
part, and what would be left of the envelope."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from services.training import queries
from services.training.api.schemas import SCORE_PATTERN
from services.training.domain.what_if import Candidate, simulate
from services.training.web.common import (
    STAFF,
    AnyRequest,
    app_of,
    call_or_404,
    last_page,
    money_text,
    page_number,
    page_url,
    parse_date,
)
from services.training.web.common import page as render
from shared.errors import NotFound
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.values import MONEY_PATTERN

PAGE_SIZE = 100  # ranked lines per page (the summary counts them all)
OUTCOME = {
    "full": "financée en entier",
    "partial": "financée en partie",
    "unfunded": "non financée (enveloppe épuisée)",
    "below_cutoff": "sous le seuil",
}


@get("/appels/{call_id:uuid}/simulation", guards=[STAFF])
async def what_if(
    request: AnyRequest,
    call_id: FromPath[UUID],
    platform: NamedDependency[Platform],
    enveloppe: FromQuery[str | None] = None,
    seuil: FromQuery[str | None] = None,
    au: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    call = await call_or_404(platform, call_id)
    values = {"enveloppe": (enveloppe or "").strip()[:40], "seuil": (seuil or "").strip()[:20], "au": (au or "")[:10]}
    errors: dict[str, str] = {}
    budget, cutoff, day = call["envelope_total"], None, None
    if values["enveloppe"] and values["au"]:
        errors["au"] = "Donnez une enveloppe ou une date, pas les deux."
    if values["enveloppe"]:
        amount = money_text(values["enveloppe"])
        if re.match(MONEY_PATTERN, amount):
            budget = Decimal(amount)
        else:
            errors["enveloppe"] = "L'enveloppe doit être un montant en euros, au plus deux décimales (ex. 250 000,00)."
    if values["seuil"]:
        score = values["seuil"].replace(",", ".")
        if re.match(SCORE_PATTERN, score):
            cutoff = Decimal(score)
        else:
            errors["seuil"] = "Le seuil doit être une note sur 100, au plus deux décimales (ex. 62,5)."
    if values["au"] and "au" not in errors:
        day = parse_date(values["au"])
        if day is None:
            errors["au"] = "La date doit être une date valide (jour, mois, année)."
        else:
            try:
                then, _ = await to_thread.run_sync(app_of(platform).call_as_of, call_id, day)
                budget = then["envelope_total"]
            except NotFound as missing:
                errors["au"] = missing.message[:1].upper() + missing.message[1:] + "."
    context: dict[str, Any] = {"call": call, "values": values, "errors": errors, "outcome_words": OUTCOME}
    if errors:
        return render("calls/what_if.html", 400, title="Simulation", result=None, **context)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        candidates = [Candidate(**c) for c in await queries.scored_candidates(conn, str(call_id))]
    outcomes = simulate(candidates, budget, cutoff)
    count = Counter(o.outcome for o in outcomes)
    funded_total = sum((o.funded for o in outcomes), Decimal(0))
    number = page_number(page)
    last = last_page(len(outcomes), PAGE_SIZE)
    number = min(number, last)
    path = f"/fms/appels/{call_id}/simulation"
    result = {
        "envelope": budget,
        "cutoff": cutoff,
        "day": day,
        "funded_total": funded_total,
        "left": budget - funded_total,
        "funded": count["full"] + count["partial"],
        "full": count["full"],
        "partial": count["partial"],
        "unfunded": count["unfunded"],
        "below_cutoff": count["below_cutoff"],
        "ranked": len(outcomes),
        "lines": outcomes[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
        "number": number,
        "last": last,
        "previous": page_url(path, values, number - 1) if number > 1 else None,
        "next": page_url(path, values, number + 1) if number < last else None,
    }
    return render("calls/what_if.html", title="Simulation", result=result, **context)


WHAT_IF_PAGES = [what_if]
