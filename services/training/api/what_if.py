"""HTTP route of the what-if: rank a call's scored applications and show what an envelope or a
cut-off score would fund (it decides nothing)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Annotated

from anyio import to_thread
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.training import queries
from services.training.api.common import (
    READ_ERRORS,
    STAFF,
    CallId,
    MoneyQuery,
    ScoreQuery,
    WaitFor,
    call_row,
    training,
)
from services.training.domain.what_if import Candidate, simulate
from services.training.read_models import (
    WhatIf,
    WhatIfLine,
)
from shared.errors import InvalidInput
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


class WhatIfController(Controller):
    """Simulations on the ranked applications."""

    path = "/api/training/calls"
    tags = ["training: calls"]

    @get(
        "/{call_id:uuid}/what-if",
        responses=READ_ERRORS,
        guards=[STAFF],
        summary="Rank the scored applications and show what an envelope or a cut-off score would fund "
        "(decides nothing)",
        description="The envelope simulated is `envelope` if given, else the call's envelope as it stood at the end "
        "of `at` (e.g. before a top-up), else its envelope now.",
    )
    async def what_if(
        self,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        envelope: MoneyQuery = None,
        cutoff_score: ScoreQuery = None,
        at: Annotated[
            date | None, QueryParameter(description="simulate the call's envelope as it stood at the end of that day")
        ] = None,
    ) -> WhatIf:
        if at is not None and envelope is not None:
            raise InvalidInput("at : donnez une enveloppe (`envelope`) ou une date (`at`), pas les deux", field="at")
        row = await call_row(platform, call_id, wait_for)
        if at is not None:
            row, _ = await to_thread.run_sync(training(platform).call_as_of, call_id, at)
        budget = row["envelope_total"] if envelope is None else Decimal(envelope)
        cutoff = None if cutoff_score is None else Decimal(cutoff_score)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            candidates = [Candidate(**c) for c in await queries.scored_candidates(conn, str(call_id))]
        outcomes = simulate(candidates, budget, cutoff)
        count = Counter(o.outcome for o in outcomes)
        return WhatIf(
            call_id=str(call_id),
            envelope=budget,
            cutoff_score=cutoff,
            at=at,
            funded_total=sum((o.funded for o in outcomes), Decimal(0)),
            funded=count["full"] + count["partial"],
            fully_funded=count["full"],
            partly_funded=count["partial"],
            unfunded=count["unfunded"],
            below_cutoff=count["below_cutoff"],
            lines=[
                WhatIfLine(
                    rank=o.rank,
                    application_id=o.candidate.application_id,
                    title=o.candidate.title,
                    lead_name=o.candidate.lead_name,
                    score=o.candidate.score,
                    requested=o.candidate.requested,
                    fundable=o.fundable,
                    funded=o.funded,
                    outcome=o.outcome,
                )
                for o in outcomes
            ],
        )
