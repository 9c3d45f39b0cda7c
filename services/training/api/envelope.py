"""HTTP routes of a call's envelope: topping it up, and its ledger (now, or as it stood at a past moment)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from services.training import queries
from services.training.api.common import (
    READ_ERRORS,
    STAFF,
    WRITE_ERRORS,
    CallId,
    WaitFor,
    call_row,
    training,
)
from services.training.api.schemas import (
    TopUpIn,
    TopUpRecorded,
)
from services.training.read_models import (
    EnvelopeLedger,
    LedgerLine,
)
from shared.as_of import AsOfParameter, KnownAtParameter, as_of_date, aware
from shared.commands import expected_version, run_command
from shared.errors import InvalidInput
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


class EnvelopeController(Controller):
    """The envelope's movements and balance."""

    path = "/api/training/calls"
    tags = ["training: calls"]

    @post(
        "/{call_id:uuid}/top-ups",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Top up the envelope (a partner's complement); answers the top-up's ledger entry",
    )
    async def top_up(
        self, request: Request, call_id: CallId, data: JSONBody[TopUpIn], platform: NamedDependency[Platform]
    ) -> Response[TopUpRecorded]:
        app = training(platform)
        answer = await run_command(
            request,
            app,
            lambda: app.top_up(
                call_id,
                amount=Decimal(data.amount),
                reason=data.reason,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="top_up",
            status_code=201,
        )
        # A top-up is one event on the call: its ledger entry is the call's version it produced
        # (the same on an idempotent retry, which answers the first version).
        result = answer.content
        return Response(
            TopUpRecorded(
                id=result.id, version=result.version, notification_id=result.notification_id, entry=result.version
            ),
            status_code=answer.status_code,
            headers=answer.headers,
        )

    @get(
        "/{call_id:uuid}/envelope",
        responses=READ_ERRORS,
        guards=[STAFF],
        summary="The envelope's ledger and balance (now; `as_of` a date, as known at `known_at`)",
        description="Without parameters, the live figures. With `as_of` (a date), the movements that had taken "
        "effect by the end of that day; with `known_at` (a date-time), only what had been recorded by then (`at` "
        "is its former name). Both can be combined: the envelope on 30 April 2012 as the ledger knew it on 1 May.",
    )
    async def envelope(
        self,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOfParameter = None,
        known_at: KnownAtParameter = None,
        at: Annotated[datetime | None, QueryParameter(description="former name of `known_at`")] = None,
    ) -> EnvelopeLedger:
        if at is not None and known_at is not None:
            raise InvalidInput("at : `at` est l'ancien nom de `known_at` : donnez l'un ou l'autre", field="at")
        day, known_at = as_of_date(as_of), at if known_at is None else known_at
        known_at = None if known_at is None else aware(known_at)
        row = await call_row(platform, call_id, wait_for)
        if day is None and known_at is None:
            async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
                lines = [line_of(line) for line in await queries.ledger(conn, str(call_id))]
            return ledger_of(str(call_id), row, lines)
        then, then_lines = await to_thread.run_sync(training(platform).call_as_of, call_id, day, known_at)
        ledger = ledger_of(str(call_id), then, [line_of(line) for line in then_lines])
        return msgspec.structs.replace(ledger, as_at=at, as_of=day, known_at=known_at)


def line_of(line: dict) -> LedgerLine:
    return LedgerLine(**{k: v for k, v in line.items() if k in LedgerLine.__struct_fields__})


def ledger_of(call_id: str, row: dict, lines: list[LedgerLine]) -> EnvelopeLedger:
    figures = ("envelope_initial", "top_ups", "envelope_total", "committed", "paid", "available")
    return EnvelopeLedger(
        call_id=call_id, as_at=None, version=row["version"], lines=lines, **{k: row[k] for k in figures}
    )
