"""A call as the read side sees it (its terms, status and envelope figures), and its envelope ledger:
one line per movement of money, with the balance after it. A pure fold of the call's events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.training.domain.call import Call, CallTerms
from services.training.domain.dates import paris_day
from services.training.projections.funding_application_rows import as_json
from shared.events import UnknownEvent

ZERO = Decimal("0.00")


def apply_call_event(row: dict[str, Any] | None, event: Call.Event) -> dict[str, Any]:
    if isinstance(event, Call.Opened):
        row = {
            "call_id": str(event.originator_id),
            "tenant_id": None,
            "region": None,
            "year": event.year,
            "label": event.label,
            "cancelled_on": None,
            "cancellation_reason": None,
            "status": "open",
            "opened_on": event.opened_on,
            "closed_on": None,
            "results_published_on": None,
            "top_ups": ZERO,
            "commitments": {},
            "paid": ZERO,
            "applications_received": False,
            "auditors": [],
        }
        _set_terms(row, event.terms)
    else:
        if row is None:
            raise ValueError(f"{type(event).__name__} for call {event.originator_id} before it was opened")
        row = {**row, "commitments": dict(row["commitments"]), "auditors": list(row["auditors"])}
        match event:
            case Call.Amended(terms=terms):
                _set_terms(row, terms)
            case Call.FirstApplicationReceived():
                row["applications_received"] = True
            case Call.ToppedUp(amount=amount):
                row["top_ups"] += amount
            case Call.Closed(on=on):
                row.update(status="closed", closed_on=on)
            case Call.ResultsPublished(on=on):
                row.update(status="results_published", results_published_on=on)
            case Call.Cancelled(reason=reason, on=on):
                row.update(status="cancelled", cancelled_on=on, cancellation_reason=reason)
            case Call.AuditGranted(auditor_id=auditor_id):
                row["auditors"].append(auditor_id)
            case Call.AwardCommitted(application_id=application_id, amount=amount):
                row["commitments"][str(application_id)] = str(amount)
            case Call.CommitmentReleased(application_id=application_id):
                row["commitments"].pop(str(application_id), None)
            case Call.AwardSettled(application_id=application_id, paid=paid):
                row["commitments"].pop(str(application_id), None)
                row["paid"] += paid
            case _:
                raise UnknownEvent("call rows", event)
    row["envelope_total"] = row["envelope_initial"] + row["top_ups"]
    row["committed"] = sum((Decimal(v) for v in row["commitments"].values()), ZERO)
    row["available"] = row["envelope_total"] - row["committed"] - row["paid"]
    row["version"] = event.originator_version
    row["updated_at"] = event.timestamp
    return row


def effective_on(event: Call.Event) -> date:
    """The date a call's event took effect: the date of the act it records (acts without one, which
    move no money, take effect the day they were recorded)."""
    match event:
        case Call.Opened(opened_on=on):
            return on
        case (
            Call.Amended(on=on)
            | Call.ToppedUp(on=on)
            | Call.Closed(on=on)
            | Call.ResultsPublished(on=on)
            | Call.Cancelled(on=on)
            | Call.AwardCommitted(on=on)
            | Call.CommitmentReleased(on=on)
            | Call.AwardSettled(on=on)
        ):
            return on
        case Call.FirstApplicationReceived() | Call.AuditGranted():
            return paris_day(event.timestamp)
        case _:
            raise UnknownEvent("effective date of a call's event", event)


def call_as_of(
    events: Iterable[Call.Event], as_of: date, known_at: datetime
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The call's row and ledger as they stood at the end of `as_of` (effective dates), from what
    had been recorded by `known_at`: the same fold as the live projection, over the events that pass
    both filters. None when the call had not been opened by then."""
    row: dict[str, Any] | None = None
    lines: list[dict[str, Any]] = []
    for event in events:
        if event.timestamp > known_at or effective_on(event) > as_of:
            continue
        if row is None and not isinstance(event, Call.Opened):
            break  # opened later than asked: nothing else can apply
        row = apply_call_event(row, event)
        line = ledger_line(row, event)
        if line is not None:
            lines.append(line)
    return row, lines


def _set_terms(row: dict[str, Any], terms: CallTerms) -> None:
    row.update(
        title=terms.title,
        opens_on=terms.opens_on,
        closes_on=terms.closes_on,
        fund_amount=terms.fund_amount,
        envelope_initial=terms.envelope,
        terms=as_json(terms),
    )


def ledger_line(row: dict[str, Any], event: Call.Event) -> dict[str, Any] | None:
    """The envelope's line for this event (`row` is the call after it), or None if no money moved.

    `released` is what went back to the envelope: a settlement's shortfall, a released commitment,
    or the commitment an application held before a new decision replaced it."""
    application_id: Any = None
    released: Decimal | None = None
    reason: str | None = None
    match event:
        case Call.Opened(terms=terms):
            kind, amount = "initial", terms.envelope
        case Call.Amended(terms=terms, reason=reason):
            kind, amount = "initial", terms.envelope
        case Call.ToppedUp(amount=amount, reason=reason):
            kind = "top_up"
        case Call.AwardCommitted(application_id=application_id, amount=amount, replaced=replaced):
            kind, released = "committed", (replaced if replaced > 0 else None)
        case Call.CommitmentReleased(application_id=application_id, amount=amount, reason=reason):
            kind, released = "released", amount
        case Call.AwardSettled(application_id=application_id, paid=amount, released=released):
            kind = "settled"
        case (
            Call.FirstApplicationReceived()
            | Call.Closed()
            | Call.ResultsPublished()
            | Call.Cancelled()
            | Call.AuditGranted()
        ):
            return None  # no money moved
        case _:
            raise UnknownEvent("envelope ledger", event)
    return {
        "call_id": row["call_id"],
        "entry": event.originator_version,
        "tenant_id": None,
        "region": None,
        "kind": kind,
        "application_id": None if application_id is None else str(application_id),
        "amount": amount,
        "released": released,
        "reason": reason,
        "envelope_total": row["envelope_total"],
        "committed": row["committed"],
        "paid": row["paid"],
        "available": row["available"],
        "effective_on": effective_on(event),
        "actor_id": event.meta.actor_id,
        "recorded_at": event.timestamp,
    }
