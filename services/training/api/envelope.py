"""HTTP routes of a call's envelope: topping it up, and its ledger (now, or as it stood at a past moment)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

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
from shared.commands import expected_version, run_command
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
                on=data.on or date.today(),
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
        summary="The envelope's ledger and balance (now, or `at` a past moment, from the call's events)",
    )
    async def envelope(
        self,
        call_id: CallId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        at: Annotated[datetime | None, QueryParameter(description="a past moment")] = None,
    ) -> EnvelopeLedger:
        row = await call_row(platform, call_id, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            lines = [
                LedgerLine(**{k: v for k, v in line.items() if k in LedgerLine.__struct_fields__})
                for line in await queries.ledger(conn, str(call_id))
            ]
        if at is None:
            return EnvelopeLedger(
                call_id=str(call_id),
                as_at=None,
                version=row["version"],
                lines=lines,
                **{
                    k: row[k]
                    for k in ("envelope_initial", "top_ups", "envelope_total", "committed", "paid", "available")
                },
            )
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)  # a moment without its offset is read as UTC
        call = await to_thread.run_sync(training(platform).call_as_at, call_id, at)
        return EnvelopeLedger(
            call_id=str(call_id),
            as_at=at,
            version=call.version,
            envelope_initial=call.terms.envelope,
            top_ups=call.top_ups,
            envelope_total=call.envelope_total,
            committed=call.committed,
            paid=call.paid,
            available=call.available,
            lines=[line for line in lines if line.entry <= call.version],
        )
