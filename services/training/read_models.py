"""What the training API answers to reads: the read side's response types (msgspec Structs).

The read models keep an application's parts as JSON (amounts and dates as strings); these Structs
document their shape (every field's description is in the OpenAPI document), `redaction.py` builds
them from read-model rows for each reader, and the tests decode every answer into them. Request
bodies stay in `api/schemas.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta


def doc(text: str) -> Meta:
    """A field's one-line description."""
    return Meta(description=text)


CallStatusCode = Literal["open", "closed", "results_published"]
ApplicationStatusCode = Literal[
    "draft", "submitted", "withdrawn", "decided", "sent_back", "awarded", "rejected", "settled"
]
# What a reader sees: applicants and delegates see "under_review" until a decision is approved.
VisibleStatus = Literal[
    "draft", "submitted", "withdrawn", "decided", "sent_back", "under_review", "awarded", "rejected", "settled"
]
EligibilityCode = Literal["pending", "eligible", "ineligible"]
NextStep = Literal["complete_and_submit", "review_eligibility", "report_actuals", "none"]
LedgerKind = Literal["initial", "top_up", "committed", "released", "settled"]
Breakdown = Literal["call", "region", "form"]
DecisionKind = Literal["award", "reject"]
WhatIfOutcome = Literal["full", "partial", "unfunded", "below_cutoff"]


class CriteriaOut(msgspec.Struct, kw_only=True):
    accord_groupe_required: Annotated[bool, doc("Every applicant enterprise must be in the Accord Groupe")]
    integration_pathway_required: Annotated[bool, doc("Trainees must be employees on integration pathways")]
    max_cofunding_rate: Annotated[Decimal, doc("Share of a training's cost the fund may pay")]
    priority_cofunding_rate: Annotated[Decimal, doc("Share paid for the priority trainings")]
    max_per_trainee: Annotated[Decimal, doc("Ceiling of the co-funding per trainee, in euros")]


class GridCriterionOut(msgspec.Struct, kw_only=True):
    code: Annotated[str, doc("The criterion's code")]
    label: Annotated[str, doc("The criterion as reviewers read it")]
    weight: Annotated[int, doc("Its weight in the total")]


class TermsOut(msgspec.Struct, kw_only=True):
    title: Annotated[str, doc("The call's title")]
    fund_amount: Annotated[Decimal, doc("The mutualised fund, in euros")]
    envelope: Annotated[Decimal, doc("The initial envelope, in euros")]
    opens_on: Annotated[date, doc("First day applications are accepted")]
    closes_on: Annotated[date, doc("Last day applications are accepted")]
    criteria: Annotated[CriteriaOut, doc("The eligibility and co-funding criteria")]
    grid: Annotated[list[GridCriterionOut], doc("The scoring grid")]
    priority_trainings: Annotated[list[str], doc("The board's priority trainings")]


class EnterpriseOut(msgspec.Struct, kw_only=True):
    member_id: Annotated[str, doc("The enterprise's member id")]
    name: Annotated[str, doc("Its name, as the register showed it when it was named on the application")]
    region: Annotated[str, doc("Its region, as recorded then")]
    forms: Annotated[list[str], doc("Its member forms (AI, ACI, ETTI…)")]
    role: Annotated[Literal["lead", "partner"] | None, doc("Lead or partner (absent inside `content`)")] = None


class TrainingOut(msgspec.Struct, kw_only=True):
    title: Annotated[str, doc("The training's title")]
    priority: Annotated[bool, doc("One of the call's priority trainings")]
    hours: Annotated[int, doc("Length, in hours")]
    trainees: Annotated[int, doc("Trainees planned")]
    cost: Annotated[Decimal, doc("Cost, in euros")]
    enterprise_id: Annotated[str, doc("The enterprise whose employees are trained")]
    integration_pathway: Annotated[bool, doc("The trainees are employees on integration pathways")]


class ContentOut(msgspec.Struct, kw_only=True):
    title: Annotated[str, doc("The application's title")]
    summary: Annotated[str, doc("What the project is about")]
    partners: Annotated[list[EnterpriseOut], doc("The partner enterprises")]
    trainings: Annotated[list[TrainingOut], doc("The planned trainings")]
    requested: Annotated[Decimal, doc("The co-funding requested, in euros")]


class OverrideOut(msgspec.Struct, kw_only=True):
    reason: Annotated[str, doc("Why national staff overrode the check")]
    by: Annotated[str, doc("Who overrode it")]
    recorded_at: Annotated[datetime, doc("When")]


class CheckOut(msgspec.Struct, kw_only=True):
    code: Annotated[str, doc("The check's code (`active:<member id>`, `cofunding_ceiling`…)")]
    label: Annotated[str, doc("What is checked, in French")]
    passed: Annotated[bool, doc("The check passed")]
    expected: Annotated[str, doc("What the call's criteria expect, in French")]
    observed: Annotated[str, doc("What was seen, in French")]
    override: Annotated[OverrideOut | None, doc("National staff's override of a failed check, if any")] = None


class ReviewerOut(msgspec.Struct, kw_only=True):
    reviewer_id: Annotated[str, doc("The fund reviewer's user id")]
    enterprise: Annotated[str | None, doc("The reviewer's own enterprise, if any")]
    assigned_at: Annotated[datetime, doc("When they were assigned")]


class CriterionScoreOut(msgspec.Struct, kw_only=True):
    criterion: Annotated[str, doc("The criterion's code")]
    score: Annotated[int, doc("The score, 0 to 5")]
    comment: Annotated[str, doc("Why this score")]


class ScoreSheetOut(msgspec.Struct, kw_only=True):
    reviewer_id: Annotated[str, doc("The fund reviewer's user id")]
    total: Annotated[Decimal, doc("The weighted total, out of 100")]
    on: Annotated[date, doc("When the application was scored")]
    no_conflict_declared: Annotated[bool, doc("The reviewer declared no conflict of interest")]
    scores: Annotated[list[CriterionScoreOut], doc("One score per criterion of the grid")]


class EnvelopeViewOut(msgspec.Struct, kw_only=True):
    total: Annotated[Decimal, doc("The envelope when the decision was taken")]
    available_before: Annotated[Decimal, doc("Available before the decision")]
    available_after: Annotated[Decimal, doc("Available after it")]


class DecisionOut(msgspec.Struct, kw_only=True):
    kind: Annotated[DecisionKind, doc("An award or a rejection")]
    amount: Annotated[Decimal | None, doc("The amount awarded (null for a rejection)")]
    reason: Annotated[str, doc("The decision's reason")]
    on: Annotated[date, doc("When it was decided")]
    # what national staff and auditors see besides (an applicant sees the four fields above)
    requested: Annotated[Decimal | None, doc("The co-funding requested when decided (awards)")] = None
    allowed_maximum: Annotated[Decimal | None, doc("The ceiling the criteria allowed (awards)")] = None
    score: Annotated[Decimal | None, doc("The mean score when decided")] = None
    envelope: Annotated[EnvelopeViewOut | None, doc("The envelope as the decision saw it")] = None
    decided_by: Annotated[str | None, doc("Who decided")] = None


class ReviewOut(msgspec.Struct, kw_only=True):
    outcome: Annotated[Literal["approved", "sent_back"], doc("Approved, or sent back")]
    reviewer_id: Annotated[str, doc("The staff member who reviewed the decision")]
    comment: Annotated[str, doc("Their comment")]
    on: Annotated[date, doc("When")]


class ActualOut(msgspec.Struct, kw_only=True):
    training: Annotated[int, doc("Position of the planned training")]
    trainees: Annotated[int, doc("Trainees trained")]
    hours: Annotated[int, doc("Hours delivered")]
    cost: Annotated[Decimal, doc("Actual cost, in euros")]


class EnvelopeFigures(msgspec.Struct, kw_only=True):
    fund_amount: Annotated[Decimal, doc("The mutualised fund, in euros")]
    envelope_initial: Annotated[Decimal, doc("The call's initial envelope")]
    top_ups: Annotated[Decimal, doc("The sum of the top-ups")]
    envelope_total: Annotated[Decimal, doc("Initial envelope plus top-ups")]
    committed: Annotated[Decimal, doc("Awarded and not yet settled")]
    paid: Annotated[Decimal, doc("Paid at settlement")]
    available: Annotated[Decimal, doc("What is left to award")]


class CallRecord(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, doc("The call's id")]
    year: Annotated[int, doc("The call's year")]
    title: Annotated[str, doc("The call's title")]
    status: Annotated[CallStatusCode, doc("Where the call stands")]
    opens_on: Annotated[date, doc("First day applications are accepted")]
    closes_on: Annotated[date, doc("Last day applications are accepted")]
    opened_on: Annotated[date, doc("When the call was opened")]
    closed_on: Annotated[date | None, doc("When the call was closed")]
    results_published_on: Annotated[date | None, doc("When its results were published")]
    terms: Annotated[TermsOut, doc("The call's terms: amounts, criteria, grid, priority trainings")]
    applications_received: Annotated[bool, doc("An application was submitted: the terms are frozen")]
    version: Annotated[int, doc("The call's version (its ETag)")]
    envelope: Annotated[EnvelopeFigures | None, doc("The envelope's figures (national staff only)")] = None


class LedgerLine(msgspec.Struct, kw_only=True):
    entry: Annotated[int, doc("The line's id: the call's version when it was recorded")]
    kind: Annotated[LedgerKind, doc("What moved the envelope")]
    application_id: Annotated[str | None, doc("The application concerned, if any")]
    amount: Annotated[Decimal, doc("The amount of the movement, in euros")]
    released: Annotated[Decimal | None, doc("What went back to the envelope, if anything")]
    reason: Annotated[str | None, doc("Why, as recorded")]
    envelope_total: Annotated[Decimal, doc("The envelope after this line")]
    committed: Annotated[Decimal, doc("Committed after this line")]
    paid: Annotated[Decimal, doc("Paid after this line")]
    available: Annotated[Decimal, doc("Available after this line")]
    actor_id: Annotated[str, doc("Who recorded it")]
    recorded_at: Annotated[datetime, doc("When it was recorded")]


class EnvelopeLedger(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, doc("The call's id")]
    as_at: Annotated[datetime | None, doc("The moment asked for (`at`), or null for now")]
    version: Annotated[int, doc("The call's version at that moment")]
    envelope_initial: Annotated[Decimal, doc("The initial envelope")]
    top_ups: Annotated[Decimal, doc("The sum of the top-ups")]
    envelope_total: Annotated[Decimal, doc("Initial envelope plus top-ups")]
    committed: Annotated[Decimal, doc("Awarded and not yet settled")]
    paid: Annotated[Decimal, doc("Paid at settlement")]
    available: Annotated[Decimal, doc("What is left to award")]
    lines: Annotated[list[LedgerLine], doc("Every movement of the envelope, in order")]


class ApplicationRecord(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, doc("The application's id")]
    call_id: Annotated[str, doc("The call it answers")]
    title: Annotated[str, doc("The application's title")]
    status: Annotated[VisibleStatus, doc("Where it stands, as the caller may see it")]
    eligibility: Annotated[EligibilityCode, doc("The outcome of the last eligibility check")]
    lead_id: Annotated[str, doc("The lead enterprise's member id")]
    lead_name: Annotated[str, doc("The lead enterprise's name")]
    lead_region: Annotated[str, doc("The lead enterprise's region, as recorded when it applied")]
    enterprises: Annotated[list[EnterpriseOut], doc("The applicant enterprises (lead and partners)")]
    content: Annotated[ContentOut, doc("The current content")]
    submitted_content: Annotated[ContentOut | None, doc("The content as submitted, before any amendment")]
    amendments: Annotated[int, doc("How many amendments since the submission")]
    checks: Annotated[list[CheckOut], doc("The eligibility checks: expected, observed, passed, override")]
    allowed_maximum: Annotated[Decimal | None, doc("The most the call's criteria allow for this content")]
    requested: Annotated[Decimal, doc("The co-funding requested")]
    awarded: Annotated[Decimal, doc("The amount awarded (once approved)")]
    settled: Annotated[Decimal | None, doc("The amount paid at settlement")]
    planned_trainees: Annotated[int, doc("Trainees planned")]
    planned_hours: Annotated[int, doc("Hours planned")]
    planned_cost: Annotated[Decimal, doc("Cost planned")]
    actuals: Annotated[list[ActualOut] | None, doc("What was delivered, per planned training")]
    delivered_trainees: Annotated[int | None, doc("Trainees trained")]
    delivered_hours: Annotated[int | None, doc("Hours delivered")]
    delivered_cost: Annotated[Decimal | None, doc("Actual cost")]
    drafted_on: Annotated[date, doc("When the draft was started")]
    submitted_on: Annotated[date | None, doc("When it was submitted")]
    notified_on: Annotated[date | None, doc("When the decision was notified")]
    next_step: Annotated[NextStep, doc("What the applicant is expected to do next")]
    next_step_label: Annotated[str, doc("The next step, in French")]
    version: Annotated[int, doc("The application's version (its ETag)")]
    updated_at: Annotated[datetime, doc("When it last changed")]
    # what the roles that take part in the decision see (others get None)
    reviewers: Annotated[list[ReviewerOut] | None, doc("Assigned reviewers (staff and auditors)")] = None
    scores: Annotated[list[ScoreSheetOut] | None, doc("Scores (staff and auditors; a reviewer: their own)")] = None
    score: Annotated[Decimal | None, doc("Mean score out of 100 (staff and auditors)")] = None
    decision: Annotated[DecisionOut | None, doc("The decision (applicants: once notified)")] = None
    review: Annotated[ReviewOut | None, doc("The decision's review (staff and auditors)")] = None
    decided_on: Annotated[date | None, doc("When the decision was taken (staff and auditors)")] = None


class ApplicationSummary(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, doc("The application's id")]
    call_id: Annotated[str, doc("The call it answers")]
    title: Annotated[str, doc("The application's title")]
    status: Annotated[VisibleStatus, doc("Where it stands, as the caller may see it")]
    eligibility: Annotated[EligibilityCode, doc("The outcome of the last eligibility check")]
    lead_id: Annotated[str, doc("The lead enterprise's member id")]
    lead_name: Annotated[str, doc("The lead enterprise's name")]
    lead_region: Annotated[str, doc("The lead enterprise's region, as recorded when it applied")]
    enterprises: Annotated[int, doc("How many enterprises apply together")]
    requested: Annotated[Decimal, doc("The co-funding requested")]
    awarded: Annotated[Decimal, doc("The amount awarded (once approved)")]
    settled: Annotated[Decimal | None, doc("The amount paid at settlement")]
    planned_trainees: Annotated[int, doc("Trainees planned")]
    planned_hours: Annotated[int, doc("Hours planned")]
    next_step: Annotated[NextStep, doc("What the applicant is expected to do next")]
    next_step_label: Annotated[str, doc("The next step, in French")]
    version: Annotated[int, doc("The application's version (its ETag)")]
    score: Annotated[Decimal | None, doc("Mean score out of 100 (staff and auditors)")] = None


class ApplicationPage(msgspec.Struct, kw_only=True):
    items: Annotated[list[ApplicationSummary], doc("The applications of this page, by title")]
    total: Annotated[int, doc("How many applications match, in all")]
    limit: Annotated[int, doc("The page size asked for")]
    offset: Annotated[int, doc("The rank of the page's first item")]


class DashboardFigures(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, doc("The call's id")]
    breakdown: Annotated[Breakdown, doc("The whole call, one region, or one member form")]
    key: Annotated[str, doc("The call's id, the region's code or the form's code")]
    applications_answered: Annotated[int, doc("Applications submitted")]
    enterprises_answered: Annotated[int, doc("Enterprises in submitted applications")]
    applications_retained: Annotated[int, doc("Applications awarded")]
    enterprises_retained: Annotated[int, doc("Enterprises in awarded applications")]
    applications_rejected: Annotated[int, doc("Applications rejected")]
    applications_ineligible: Annotated[int, doc("Applications found ineligible")]
    applications_withdrawn: Annotated[int, doc("Applications withdrawn")]
    applications_draft: Annotated[int, doc("Applications still in draft")]
    pending_review: Annotated[int, doc("Decisions awaiting their review")]
    requested: Annotated[Decimal, doc("Co-funding requested")]
    awarded: Annotated[Decimal, doc("Co-funding awarded")]
    settled: Annotated[Decimal, doc("Paid at settlement")]
    trainees_planned: Annotated[int, doc("Trainees planned")]
    hours_planned: Annotated[int, doc("Hours planned")]
    trainees_delivered: Annotated[int, doc("Trainees trained")]
    hours_delivered: Annotated[int, doc("Hours delivered")]
    envelope_total: Annotated[Decimal | None, doc("The envelope (whole call only)")] = None
    committed: Annotated[Decimal | None, doc("Committed (whole call only)")] = None
    paid: Annotated[Decimal | None, doc("Paid (whole call only)")] = None
    available: Annotated[Decimal | None, doc("Available (whole call only)")] = None


class ReviewItem(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, doc("The application's id")]
    title: Annotated[str, doc("The application's title")]
    lead_name: Annotated[str, doc("The lead enterprise's name")]
    kind: Annotated[DecisionKind, doc("An award or a rejection")]
    amount: Annotated[Decimal | None, doc("The amount awarded, for an award")]
    reason: Annotated[str, doc("The decision's reason")]
    decided_by: Annotated[str, doc("Who decided (another staff member must review)")]
    decided_on: Annotated[date | None, doc("When")]
    version: Annotated[int, doc("The application's version (for If-Match)")]


class CallDashboard(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, doc("The call's id")]
    year: Annotated[int, doc("The call's year")]
    title: Annotated[str, doc("The call's title")]
    status: Annotated[CallStatusCode, doc("Where the call stands")]
    call: Annotated[DashboardFigures, doc("The whole call's figures")]
    regions: Annotated[list[DashboardFigures], doc("Figures per region")]
    forms: Annotated[list[DashboardFigures], doc("Figures per member form")]
    review_queue: Annotated[list[ReviewItem], doc("Decisions awaiting their review")]


class RegionOverview(msgspec.Struct, kw_only=True):
    region: Annotated[str, doc("The region's code")]
    figures: Annotated[list[DashboardFigures], doc("The region's part of each call")]
    applications: Annotated[list[ApplicationSummary], doc("Applications of the region's members (one page)")]


class WhatIfLine(msgspec.Struct, kw_only=True):
    rank: Annotated[int, doc("Rank by score")]
    application_id: Annotated[str, doc("The application's id")]
    title: Annotated[str, doc("The application's title")]
    lead_name: Annotated[str, doc("The lead enterprise's name")]
    score: Annotated[Decimal, doc("Mean score out of 100")]
    requested: Annotated[Decimal, doc("Co-funding requested")]
    fundable: Annotated[Decimal, doc("What the criteria allow (requested, within the ceilings)")]
    funded: Annotated[Decimal, doc("What this envelope would fund")]
    outcome: Annotated[WhatIfOutcome, doc("Fully, partly, not funded, or below the cut-off score")]


class WhatIf(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, doc("The call's id")]
    envelope: Annotated[Decimal, doc("The envelope simulated")]
    cutoff_score: Annotated[Decimal | None, doc("The cut-off score simulated")]
    funded_total: Annotated[Decimal, doc("What would be funded in all")]
    fully_funded: Annotated[int, doc("Applications fully funded")]
    partly_funded: Annotated[int, doc("Applications partly funded")]
    unfunded: Annotated[int, doc("Applications left unfunded (envelope spent)")]
    below_cutoff: Annotated[int, doc("Applications below the cut-off score")]
    lines: Annotated[list[WhatIfLine], doc("Every scored application, by rank")]


class Change(msgspec.Struct, kw_only=True):
    field: Annotated[str, doc("What changed (e.g. `requested`, `trainings[0].cost`)")]
    before: Annotated[Any, doc("Its value as submitted")]
    after: Annotated[Any, doc("Its value now")]


class AmendmentDiff(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, doc("The application's id")]
    submitted_on: Annotated[date | None, doc("When it was submitted")]
    amendments: Annotated[int, doc("How many amendments since the submission")]
    changes: Annotated[list[Change], doc("What differs from the submitted content")]


class DecisionFileEntry(msgspec.Struct, kw_only=True):
    event: Annotated[str, doc("The event's name (e.g. `AwardDecided`)")]
    source: Annotated[str, doc("Where it was recorded: the application or the call")]
    recorded_at: Annotated[datetime, doc("When")]
    actor_id: Annotated[str, doc("Who")]
    actor_role: Annotated[str, doc("In which role")]
    correlation_id: Annotated[str, doc("The request it came from")]
    details: Annotated[dict[str, Any], doc("What the event recorded")]


class DecisionFile(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, doc("The application's id")]
    call_id: Annotated[str, doc("The call it answers")]
    title: Annotated[str, doc("The application's title")]
    lead_name: Annotated[str, doc("The lead enterprise's name")]
    status: Annotated[ApplicationStatusCode, doc("Where it stands")]
    eligibility: Annotated[EligibilityCode, doc("The outcome of the last eligibility check")]
    checks: Annotated[list[CheckOut], doc("The eligibility checks")]
    scores: Annotated[list[ScoreSheetOut], doc("The reviewers' scores")]
    score: Annotated[Decimal | None, doc("Mean score out of 100")]
    decision: Annotated[DecisionOut | None, doc("The decision")]
    review: Annotated[ReviewOut | None, doc("The decision's review")]
    awarded: Annotated[Decimal, doc("The amount awarded (once approved)")]
    settled: Annotated[Decimal | None, doc("The amount paid at settlement")]
    entries: Annotated[list[DecisionFileEntry], doc("Every event of the application, and the envelope's for it")]


class Assignment(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, doc("The application's id")]
    call_id: Annotated[str, doc("The call it answers")]
    title: Annotated[str, doc("The application's title")]
    lead_name: Annotated[str, doc("The lead enterprise's name")]
    status: Annotated[VisibleStatus, doc("Where it stands")]
    scored: Annotated[bool, doc("The caller has scored it")]
    assigned_at: Annotated[datetime, doc("When it was assigned to the caller")]
