"""A funding application as the read side sees it, and how each of its events changes it: a pure fold.

The state is one dict of application-level figures in JSON-friendly form (value objects as plain
dicts, amounts as Decimal); `enterprise_rows` then spreads it into one row per applicant enterprise,
each with that enterprise's `tenant_id` and `region`, so that row-level security lets every partner
see the application, and a regional delegate the applications of their region's members.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from services.training.domain.dates import paris_day
from services.training.domain.funding_application import FundingApplication
from services.training.domain.scoring import mean_score
from services.training.domain.values import ApplicationContent
from shared.events import UnknownEvent

SUBMITTED = ("submitted", "decided", "sent_back", "awarded", "rejected", "settled")

# The columns that differ from one applicant enterprise's row to another's.
ENTERPRISE_COLUMNS = (
    "enterprise_id",
    "tenant_id",
    "region",
    "role",
    "enterprise_name",
    "enterprise_form",
    "enterprise_planned_trainees",
    "enterprise_planned_hours",
    "enterprise_delivered_trainees",
    "enterprise_delivered_hours",
)


def as_json(value: Any) -> Any:
    """Value objects as plain JSON values (amounts and dates as strings), as stored in jsonb."""
    return msgspec.to_builtins(value)


def effective_on(event: FundingApplication.Event) -> date:
    """The date an application's event took effect: the act's own date (an assignment of a reviewer,
    which records none, takes effect the day it was recorded)."""
    match event:
        case FundingApplication.ReviewerAssigned():
            return paris_day(event.timestamp)
        case (
            FundingApplication.Drafted(on=on)
            | FundingApplication.Edited(on=on)
            | FundingApplication.Submitted(on=on)
            | FundingApplication.Amended(on=on)
            | FundingApplication.Withdrawn(on=on)
            | FundingApplication.EligibilityChecked(on=on)
            | FundingApplication.CheckOverridden(on=on)
            | FundingApplication.ConflictDeclared(on=on)
            | FundingApplication.Scored(on=on)
            | FundingApplication.AwardDecided(on=on)
            | FundingApplication.RejectionDecided(on=on)
            | FundingApplication.DecisionWithdrawn(on=on)
            | FundingApplication.DecisionApproved(on=on)
            | FundingApplication.DecisionSentBack(on=on)
            | FundingApplication.ActualsReported(on=on)
            | FundingApplication.Settled(on=on)
        ):
            return on
        case _:
            raise UnknownEvent("effective date of an application's event", event)


def application_as_of(
    events: Iterable[FundingApplication.Event], as_of: date, known_at: datetime
) -> dict[str, Any] | None:
    """The application's state at the end of `as_of` (effective dates), from what had been recorded
    by `known_at`: the live projection's fold over the events that pass both filters. None when it
    had not been drafted by then."""
    state: dict[str, Any] | None = None
    for event in events:
        if event.timestamp > known_at or effective_on(event) > as_of:
            continue
        if state is None and not isinstance(event, FundingApplication.Drafted):
            break
        state = apply_funding_application_event(state, event)
    return state


def apply_funding_application_event(state: dict[str, Any] | None, event: FundingApplication.Event) -> dict[str, Any]:
    if isinstance(event, FundingApplication.Drafted):
        state = {
            "application_id": str(event.originator_id),
            "call_id": str(event.call_id),
            "lead": as_json(event.lead),
            "submitted_content": None,
            "amendments": 0,
            "status": "draft",
            "eligibility": "pending",
            "checks": [],
            "allowed_maximum": None,
            "reviewers": [],
            "scores": [],
            "score": None,
            "decision": None,
            "review": None,
            "notified_on": None,
            "awarded": Decimal(0),
            "settled": None,
            "actuals": None,
            "delivered_trainees": None,
            "delivered_hours": None,
            "delivered_cost": None,
            "drafted_on": event.on,
            "submitted_on": None,
            "decided_on": None,
        }
        _set_content(state, event.content)
    else:
        if state is None:
            raise ValueError(f"{type(event).__name__} for application {event.originator_id} before it was drafted")
        state = dict(state)
        _apply(state, event)
    state["version"] = event.originator_version
    state["updated_at"] = event.timestamp
    return state


def _apply(state: dict[str, Any], event: FundingApplication.Event) -> None:
    match event:
        case FundingApplication.Edited(content=content):
            _set_content(state, content)
        case FundingApplication.Submitted(content=content, on=on):
            _set_content(state, content)
            state.update(submitted_content=as_json(content), status="submitted", submitted_on=on)
        case FundingApplication.Amended(content=content):
            _set_content(state, content)
            state.update(amendments=state["amendments"] + 1, eligibility="pending")
        case FundingApplication.Withdrawn():
            state["status"] = "withdrawn"
        case FundingApplication.EligibilityChecked():
            _eligibility_checked(state, event)
        case FundingApplication.CheckOverridden():
            _check_overridden(state, event)
        case FundingApplication.ReviewerAssigned():
            _reviewer_assigned(state, event)
        case FundingApplication.ConflictDeclared():
            _conflict_declared(state, event)
        case FundingApplication.Scored():
            _scored(state, event)
        case FundingApplication.AwardDecided():
            _award_decided(state, event)
        case FundingApplication.RejectionDecided():
            _rejection_decided(state, event)
        case FundingApplication.DecisionWithdrawn():
            state.update(status="submitted", decision=None, decided_on=None)  # its file keeps the story
        case FundingApplication.DecisionApproved():
            _decision_approved(state, event)
        case FundingApplication.DecisionSentBack():
            _decision_sent_back(state, event)
        case FundingApplication.ActualsReported(actuals=actuals):
            state["actuals"] = as_json(actuals)
        case FundingApplication.Settled():
            _settled(state, event)
        case _:
            raise UnknownEvent("funding application rows", event)


def _set_content(state: dict[str, Any], content: ApplicationContent) -> None:
    state["content"] = as_json(content)
    state["title"] = content.title
    state["requested"] = content.requested
    state["planned_trainees"] = content.trainees
    state["planned_hours"] = content.hours
    state["planned_cost"] = content.cost
    state["enterprises"] = [{**state["lead"], "role": "lead"}] + [
        {**as_json(p), "role": "partner"} for p in content.partners
    ]


def _eligibility_checked(state: dict[str, Any], event: FundingApplication.EligibilityChecked) -> None:
    overrides = {c["code"]: c["override"] for c in state["checks"] if c.get("override")}
    state["checks"] = [{**as_json(c), "override": overrides.get(c.code)} for c in event.checks]
    state.update(eligibility="eligible" if event.eligible else "ineligible", allowed_maximum=event.allowed_maximum)


def _check_overridden(state: dict[str, Any], event: FundingApplication.CheckOverridden) -> None:
    override = {"reason": event.reason, "by": event.by, "recorded_at": event.timestamp.isoformat()}
    state["checks"] = [{**c, "override": override} if c["code"] == event.check else c for c in state["checks"]]
    state["eligibility"] = "eligible" if event.eligible else "ineligible"


def _reviewer_assigned(state: dict[str, Any], event: FundingApplication.ReviewerAssigned) -> None:
    state["reviewers"] = [
        *state["reviewers"],
        {
            "reviewer_id": event.reviewer_id,
            "enterprise": event.reviewer_enterprise,
            "assigned_at": event.timestamp.isoformat(),
        },
    ]


def _conflict_declared(state: dict[str, Any], event: FundingApplication.ConflictDeclared) -> None:
    """The reviewer stays listed, marked as having stepped aside (staff see who recused and when)."""
    state["reviewers"] = [
        {**r, "conflict_declared_on": event.on.isoformat(), "conflict_reason": event.reason}
        if r["reviewer_id"] == event.reviewer_id
        else r
        for r in state["reviewers"]
    ]


def _scored(state: dict[str, Any], event: FundingApplication.Scored) -> None:
    entry = {
        "reviewer_id": event.reviewer_id,
        "total": str(event.total),
        "on": event.on.isoformat(),
        "no_conflict_declared": event.no_conflict_declared,
        "scores": as_json(event.scores),
    }
    others = [s for s in state["scores"] if s["reviewer_id"] != event.reviewer_id]
    position = next((i for i, s in enumerate(state["scores"]) if s["reviewer_id"] == event.reviewer_id), len(others))
    state["scores"] = others[:position] + [entry] + others[position:]
    state["score"] = mean_score(Decimal(s["total"]) for s in state["scores"])


def _award_decided(state: dict[str, Any], event: FundingApplication.AwardDecided) -> None:
    state.update(
        status="decided",
        decided_on=event.on,
        review=None,
        decision={
            "kind": "award",
            "amount": str(event.amount),
            "requested": str(event.requested),
            "allowed_maximum": str(event.allowed_maximum),
            "score": None if event.score is None else str(event.score),
            "reason": event.reason,
            "envelope": as_json(event.envelope),
            "decided_by": event.decided_by,
            "on": event.on.isoformat(),
        },
    )


def _rejection_decided(state: dict[str, Any], event: FundingApplication.RejectionDecided) -> None:
    state.update(
        status="decided",
        decided_on=event.on,
        review=None,
        decision={
            "kind": "reject",
            "amount": None,
            "reason": event.reason,
            "score": None if event.score is None else str(event.score),
            "envelope": as_json(event.envelope),
            "decided_by": event.decided_by,
            "on": event.on.isoformat(),
        },
    )


def _decision_approved(state: dict[str, Any], event: FundingApplication.DecisionApproved) -> None:
    award = state["decision"]["kind"] == "award"
    state.update(
        status="awarded" if award else "rejected",
        notified_on=event.on,
        awarded=Decimal(state["decision"]["amount"]) if award else Decimal(0),
        review={
            "outcome": "approved",
            "reviewer_id": event.reviewer_id,
            "comment": event.comment,
            "on": event.on.isoformat(),
        },
    )


def _decision_sent_back(state: dict[str, Any], event: FundingApplication.DecisionSentBack) -> None:
    state.update(
        status="sent_back",
        review={
            "outcome": "sent_back",
            "reviewer_id": event.reviewer_id,
            "comment": event.comment,
            "on": event.on.isoformat(),
        },
    )


def _settled(state: dict[str, Any], event: FundingApplication.Settled) -> None:
    state.update(
        status="settled",
        settled=event.amount,
        delivered_trainees=event.delivered_trainees,
        delivered_hours=event.delivered_hours,
        delivered_cost=event.delivered_cost,
    )


def enterprise_rows(state: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per applicant enterprise, with that enterprise's share of the trainings."""
    trainings = state["content"]["trainings"]
    delivered = {a["training"]: a for a in state["actuals"] or []} if state["status"] == "settled" else None
    lead = state["lead"]
    rows = []
    for enterprise in state["enterprises"]:
        mine = [i for i, t in enumerate(trainings) if t["enterprise_id"] == enterprise["member_id"]]
        rows.append(
            {
                **{k: v for k, v in state.items() if k != "lead"},
                "enterprise_id": enterprise["member_id"],
                "tenant_id": enterprise["member_id"],
                "region": enterprise["region"],
                "role": enterprise["role"],
                "enterprise_name": enterprise["name"],
                "enterprise_form": enterprise["forms"][0] if enterprise["forms"] else "other",
                "enterprise_planned_trainees": sum(trainings[i]["trainees"] for i in mine),
                "enterprise_planned_hours": sum(trainings[i]["hours"] for i in mine),
                "enterprise_delivered_trainees": None
                if delivered is None
                else sum(delivered[i]["trainees"] for i in mine if i in delivered),
                "enterprise_delivered_hours": None
                if delivered is None
                else sum(delivered[i]["hours"] for i in mine if i in delivered),
                "lead_id": lead["member_id"],
                "lead_name": lead["name"],
                "lead_region": lead["region"],
                "lead_form": lead["forms"][0] if lead["forms"] else "other",
            }
        )
    return rows


def state_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """The application's state back from one of its rows (any: they share the application's columns)."""
    state = {
        k: v
        for k, v in row.items()
        if k not in ENTERPRISE_COLUMNS and k not in ("lead_id", "lead_name", "lead_region", "lead_form")
    }
    state["lead"] = next({k: v for k, v in e.items() if k != "role"} for e in row["enterprises"] if e["role"] == "lead")
    return state
