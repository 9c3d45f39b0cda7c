"""/fms/appels/{id}/simulation: the what-if ranking (a GET form; it decides nothing). The scored
applications ranked as the API's what-if ranks them (`domain.what_if.simulate`), under another
envelope, the envelope as it stood on a date, or a cut-off score: who would be funded, fully or in
part, and what would be left of the envelope."""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from decimal import Decimal
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from services.training import queries
from services.training.api.common import FUNDING
from services.training.api.schemas import SCORE_PATTERN
from services.training.domain.what_if import Candidate, Outcome, OutcomeKind, simulate
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

PAGE_SIZE = 50  # ranked lines per page (the summary counts them all)
OUTCOME = {
    "full": "financée en entier",
    "partial": "financée en partie",
    "unfunded": "non financée (enveloppe épuisée)",
    "below_cutoff": "sous le seuil",
}


# The last rankings computed, by call, read models' position, envelope and cut-off: ranking thousands
# of applications is the page's cost, and between two projected events the answer cannot change.
Ranking = tuple[list[Outcome], Counter[OutcomeKind], Decimal]
_RANKINGS: OrderedDict[tuple[str, int, Decimal, Decimal | None], Ranking] = OrderedDict()
RANKINGS_KEPT = 32


async def _ranked(platform: Platform, call_id: str, budget: Decimal, cutoff: Decimal | None) -> Ranking:
    """`simulate` over the call's scored candidates (as the API's what-if), kept while the funding
    read model has not moved (its position is read before the candidates: what is kept is at least
    as new as its key)."""
    pool = platform.write_pool
    assert pool is not None
    position = await pool.fetchval(
        "SELECT coalesce(min(position), 0) FROM training.projection_generations "
        "WHERE status = 'live' AND projection = $1",
        FUNDING,
    )
    key = (call_id, int(position), budget, cutoff)
    if (kept := _RANKINGS.get(key)) is not None:
        _RANKINGS.move_to_end(key)
        return kept
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        candidates = [Candidate(**c) for c in await queries.scored_candidates(conn, call_id)]
    outcomes = simulate(candidates, budget, cutoff)
    ranking = (outcomes, Counter(o.outcome for o in outcomes), sum((o.funded for o in outcomes), Decimal(0)))
    _RANKINGS[key] = ranking
    while len(_RANKINGS) > RANKINGS_KEPT:
        _RANKINGS.popitem(last=False)
    return ranking


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
    outcomes, count, funded_total = await _ranked(platform, str(call_id), budget, cutoff)
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
