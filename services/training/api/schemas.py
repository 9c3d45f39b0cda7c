"""Request and response bodies of the training API (msgspec Structs; unknown fields refused).

Amounts are decimals (JSON strings like "1500.00", or numbers); the domain refuses negative amounts
and more than two decimals with a message naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

Text = Annotated[str, Meta(min_length=1, max_length=300)]
LongText = Annotated[str, Meta(max_length=5000)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000)]
Code = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
MemberId = Annotated[str, Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Year = Annotated[int, Meta(ge=2000, le=2100)]
Count = Annotated[int, Meta(ge=0, le=100_000)]
Positive = Annotated[int, Meta(ge=1, le=100_000)]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


# --- requests ------------------------------------------------------------------------------------


class CriteriaIn(Strict):
    max_cofunding_rate: Decimal
    priority_cofunding_rate: Decimal
    max_per_trainee: Decimal
    accord_groupe_required: bool = True
    integration_pathway_required: bool = True


class GridCriterionIn(Strict):
    code: Code
    label: Text
    weight: Annotated[int, Meta(ge=1, le=100)]


class CallTermsIn(Strict):
    title: Text
    fund_amount: Decimal
    envelope: Decimal
    opens_on: date
    closes_on: date
    criteria: CriteriaIn
    grid: Annotated[list[GridCriterionIn], Meta(min_length=1, max_length=20)]
    priority_trainings: Annotated[list[Text], Meta(max_length=200)] = []


class CallOpening(CallTermsIn, kw_only=True):
    year: Year


class CallAmendment(CallTermsIn, kw_only=True):
    reason: Reason


class TopUpIn(Strict):
    amount: Decimal
    reason: Reason
    on: date | None = None


class DatedIn(Strict):
    on: date | None = None


class AuditGrantIn(Strict):
    auditor_id: Text
    reason: Reason


class TrainingIn(Strict):
    title: Text
    hours: Positive
    trainees: Positive
    cost: Decimal
    priority: bool = False
    enterprise_id: MemberId | None = None  # whose employees are trained (default: the lead enterprise)
    integration_pathway: bool = True


class ContentIn(Strict):
    title: Text
    requested: Decimal
    summary: LongText = ""
    partners: Annotated[list[MemberId], Meta(max_length=20)] = []
    trainings: Annotated[list[TrainingIn], Meta(max_length=100)] = []


class AmendmentIn(ContentIn, kw_only=True):
    reason: Reason


class ReasonIn(Strict):
    reason: Reason


class OverrideIn(Strict):
    check: Annotated[str, Meta(min_length=1, max_length=100)]
    reason: Reason


class AssignmentIn(Strict):
    reviewer_id: Text
    reviewer_enterprise: MemberId | None = None  # the reviewer's own enterprise, if they belong to one


class CriterionScoreIn(Strict):
    criterion: Code
    score: Annotated[int, Meta(ge=0, le=5)]
    comment: LongText


class ScoreIn(Strict):
    no_conflict_of_interest: bool
    scores: Annotated[list[CriterionScoreIn], Meta(min_length=1, max_length=20)]


class DecisionIn(Strict):
    outcome: Literal["award", "reject"]
    reason: LongText = ""
    amount: Decimal | None = None


class ReviewIn(Strict):
    outcome: Literal["approve", "send_back"]
    comment: LongText = ""


class ActualIn(Strict):
    training: Annotated[int, Meta(ge=0, le=99)]
    trainees: Count
    hours: Count
    cost: Decimal


class ActualsIn(Strict):
    trainings: Annotated[list[ActualIn], Meta(min_length=1, max_length=100)]


# --- responses -----------------------------------------------------------------------------------


class EnvelopeFigures(msgspec.Struct, kw_only=True):
    fund_amount: Decimal
    envelope_initial: Decimal
    top_ups: Decimal
    envelope_total: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal


class CallRecord(msgspec.Struct, kw_only=True):
    call_id: str
    year: int
    title: str
    status: str
    opens_on: date
    closes_on: date
    opened_on: date
    closed_on: date | None
    results_published_on: date | None
    terms: dict[str, Any]
    applications_received: bool
    version: int
    envelope: EnvelopeFigures | None = None  # national staff only


class LedgerLine(msgspec.Struct, kw_only=True):
    entry: int
    kind: str
    application_id: str | None
    amount: Decimal
    released: Decimal | None
    reason: str | None
    envelope_total: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal
    actor_id: str
    recorded_at: datetime


class EnvelopeLedger(msgspec.Struct, kw_only=True):
    call_id: str
    as_at: datetime | None
    version: int
    envelope_initial: Decimal
    top_ups: Decimal
    envelope_total: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal
    lines: list[LedgerLine]


class ApplicationRecord(msgspec.Struct, kw_only=True):
    application_id: str
    call_id: str
    title: str
    status: str
    eligibility: str
    lead_id: str
    lead_name: str
    lead_region: str
    enterprises: list[dict[str, Any]]
    content: dict[str, Any]
    submitted_content: dict[str, Any] | None
    amendments: int
    checks: list[dict[str, Any]]
    allowed_maximum: Decimal | None
    requested: Decimal
    awarded: Decimal
    settled: Decimal | None
    planned_trainees: int
    planned_hours: int
    planned_cost: Decimal
    actuals: list[dict[str, Any]] | None
    delivered_trainees: int | None
    delivered_hours: int | None
    delivered_cost: Decimal | None
    drafted_on: date
    submitted_on: date | None
    notified_on: date | None
    next_step: str
    next_step_label: str
    version: int
    updated_at: datetime
    # what the roles that take part in the decision see (others get None)
    reviewers: list[dict[str, Any]] | None = None
    scores: list[dict[str, Any]] | None = None
    score: Decimal | None = None
    decision: dict[str, Any] | None = None
    review: dict[str, Any] | None = None
    decided_on: date | None = None


class ApplicationSummary(msgspec.Struct, kw_only=True):
    application_id: str
    call_id: str
    title: str
    status: str
    eligibility: str
    lead_id: str
    lead_name: str
    lead_region: str
    enterprises: int
    requested: Decimal
    awarded: Decimal
    settled: Decimal | None
    planned_trainees: int
    planned_hours: int
    next_step: str
    next_step_label: str
    version: int
    score: Decimal | None = None


class ApplicationPage(msgspec.Struct, kw_only=True):
    items: list[ApplicationSummary]
    total: int
    limit: int
    offset: int


class DashboardFigures(msgspec.Struct, kw_only=True):
    call_id: str
    breakdown: str
    key: str
    applications_answered: int
    enterprises_answered: int
    applications_retained: int
    enterprises_retained: int
    applications_rejected: int
    applications_ineligible: int
    applications_withdrawn: int
    applications_draft: int
    pending_review: int
    requested: Decimal
    awarded: Decimal
    settled: Decimal
    trainees_planned: int
    hours_planned: int
    trainees_delivered: int
    hours_delivered: int
    envelope_total: Decimal | None = None
    committed: Decimal | None = None
    paid: Decimal | None = None
    available: Decimal | None = None


class ReviewItem(msgspec.Struct, kw_only=True):
    application_id: str
    title: str
    lead_name: str
    kind: str
    amount: Decimal | None
    reason: str
    decided_by: str
    decided_on: date | None
    version: int


class CallDashboard(msgspec.Struct, kw_only=True):
    call_id: str
    year: int
    title: str
    status: str
    call: DashboardFigures
    regions: list[DashboardFigures]
    forms: list[DashboardFigures]
    review_queue: list[ReviewItem]


class RegionOverview(msgspec.Struct, kw_only=True):
    region: str
    figures: list[DashboardFigures]  # one per call: the region's part of each call
    applications: list[ApplicationSummary]


class WhatIfLine(msgspec.Struct, kw_only=True):
    rank: int
    application_id: str
    title: str
    lead_name: str
    score: Decimal
    requested: Decimal
    fundable: Decimal
    funded: Decimal
    outcome: str


class WhatIf(msgspec.Struct, kw_only=True):
    call_id: str
    envelope: Decimal
    cutoff_score: Decimal | None
    funded_total: Decimal
    fully_funded: int
    partly_funded: int
    unfunded: int
    below_cutoff: int
    lines: list[WhatIfLine]


class Change(msgspec.Struct, kw_only=True):
    field: str
    before: Any
    after: Any


class AmendmentDiff(msgspec.Struct, kw_only=True):
    application_id: str
    submitted_on: date | None
    amendments: int
    changes: list[Change]


class DecisionFileEntry(msgspec.Struct, kw_only=True):
    event: str
    source: str
    recorded_at: datetime
    actor_id: str
    actor_role: str
    correlation_id: str
    details: dict[str, Any]


class DecisionFile(msgspec.Struct, kw_only=True):
    application_id: str
    call_id: str
    title: str
    lead_name: str
    status: str
    eligibility: str
    checks: list[dict[str, Any]]
    scores: list[dict[str, Any]]
    score: Decimal | None
    decision: dict[str, Any] | None
    review: dict[str, Any] | None
    awarded: Decimal
    settled: Decimal | None
    entries: list[DecisionFileEntry]


class Assignment(msgspec.Struct, kw_only=True):
    application_id: str
    call_id: str
    title: str
    lead_name: str
    status: str
    scored: bool
    assigned_at: datetime
