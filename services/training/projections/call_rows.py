"""A call as the read side sees it (its terms, status and envelope figures), and its envelope ledger:
one line per movement of money, with the balance after it. A pure fold of the call's events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.training.projections.funding_application_rows import as_json

ZERO = Decimal("0.00")


def apply_call_event(row: dict[str, Any] | None, event: Any) -> dict[str, Any]:
    kind = type(event).__name__
    if kind == "Opened":
        row = {
            "call_id": str(event.originator_id),
            "tenant_id": None,
            "region": None,
            "year": event.year,
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
            raise ValueError(f"{kind} for call {event.originator_id} before it was opened")
        row = {**row, "commitments": dict(row["commitments"]), "auditors": list(row["auditors"])}
        if kind == "Amended":
            _set_terms(row, event.terms)
        elif kind == "FirstApplicationReceived":
            row["applications_received"] = True
        elif kind == "ToppedUp":
            row["top_ups"] += event.amount
        elif kind == "Closed":
            row.update(status="closed", closed_on=event.on)
        elif kind == "ResultsPublished":
            row.update(status="results_published", results_published_on=event.on)
        elif kind == "AuditGranted":
            row["auditors"].append(event.auditor_id)
        elif kind == "AwardCommitted":
            row["commitments"][str(event.application_id)] = str(event.amount)
        elif kind in ("CommitmentReleased", "AwardSettled"):
            row["commitments"].pop(str(event.application_id), None)
            if kind == "AwardSettled":
                row["paid"] += event.paid
        else:
            raise ValueError(f"unknown call event {kind}")
    row["envelope_total"] = row["envelope_initial"] + row["top_ups"]
    row["committed"] = sum((Decimal(v) for v in row["commitments"].values()), ZERO)
    row["available"] = row["envelope_total"] - row["committed"] - row["paid"]
    row["version"] = event.originator_version
    row["updated_at"] = event.timestamp
    return row


def _set_terms(row: dict[str, Any], terms: Any) -> None:
    row.update(
        title=terms.title,
        opens_on=terms.opens_on,
        closes_on=terms.closes_on,
        fund_amount=terms.fund_amount,
        envelope_initial=terms.envelope,
        terms=as_json(terms),
    )


def _released(kind: str, event: Any) -> Decimal | None:
    """What went back to the envelope: a settlement's shortfall, a released commitment, or the
    commitment an application held before a new decision replaced it."""
    if kind == "AwardSettled":
        return event.released
    if kind == "CommitmentReleased":
        return event.amount
    if kind == "AwardCommitted" and event.replaced > 0:
        return event.replaced
    return None


_LEDGER_KINDS = {
    "Opened": "initial",
    "Amended": "initial",
    "ToppedUp": "top_up",
    "AwardCommitted": "committed",
    "CommitmentReleased": "released",
    "AwardSettled": "settled",
}


def ledger_line(row: dict[str, Any], event: Any) -> dict[str, Any] | None:
    """The envelope's line for this event (`row` is the call after it), or None if no money moved."""
    kind = type(event).__name__
    if kind not in _LEDGER_KINDS:
        return None
    amount = {
        "Opened": lambda: event.terms.envelope,
        "Amended": lambda: event.terms.envelope,
        "ToppedUp": lambda: event.amount,
        "AwardCommitted": lambda: event.amount,
        "CommitmentReleased": lambda: event.amount,
        "AwardSettled": lambda: event.paid,
    }[kind]()
    return {
        "call_id": row["call_id"],
        "entry": event.originator_version,
        "tenant_id": None,
        "region": None,
        "kind": _LEDGER_KINDS[kind],
        "application_id": str(event.application_id) if hasattr(event, "application_id") else None,
        "amount": amount,
        "released": _released(kind, event),
        "reason": getattr(event, "reason", None),
        "envelope_total": row["envelope_total"],
        "committed": row["committed"],
        "paid": row["paid"],
        "available": row["available"],
        "actor_id": event.meta.actor_id,
        "recorded_at": event.timestamp,
    }
