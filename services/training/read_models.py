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

from shared.values import about

CallStatusCode = Literal["open", "closed", "results_published", "cancelled"]
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
    accord_groupe_required: Annotated[bool, about("Every applicant enterprise must be in the Accord Groupe")]
    integration_pathway_required: Annotated[bool, about("Trainees must be employees on integration pathways")]
    max_cofunding_rate: Annotated[Decimal, about("Share of a training's cost the fund may pay")]
    priority_cofunding_rate: Annotated[Decimal, about("Share paid for the priority trainings")]
    max_per_trainee: Annotated[Decimal, about("Ceiling of the co-funding per trainee, in euros")]


class GridCriterionOut(msgspec.Struct, kw_only=True):
    code: Annotated[str, about("The criterion's code")]
    label: Annotated[str, about("The criterion as reviewers read it")]
    weight: Annotated[int, about("Its weight in the total")]


class TermsOut(msgspec.Struct, kw_only=True):
    title: Annotated[str, about("The call's title")]
    fund_amount: Annotated[Decimal, about("The mutualised fund, in euros")]
    envelope: Annotated[Decimal, about("The initial envelope, in euros")]
    opens_on: Annotated[date, about("First day applications are accepted")]
    closes_on: Annotated[date, about("Last day applications are accepted")]
    criteria: Annotated[CriteriaOut, about("The eligibility and co-funding criteria")]
    grid: Annotated[list[GridCriterionOut], about("The scoring grid")]
    priority_trainings: Annotated[list[str], about("The board's priority trainings")]


class EnterpriseOut(msgspec.Struct, kw_only=True):
    member_id: Annotated[str, about("The enterprise's member id")]
    name: Annotated[str, about("Its name, as the register showed it when it was named on the application")]
    region: Annotated[str, about("Its region, as recorded then")]
    forms: Annotated[list[str], about("Its member forms (AI, ACI, ETTI…)")]
    role: Annotated[Literal["lead", "partner"] | None, about("Lead or partner (absent inside `content`)")] = None


class TrainingOut(msgspec.Struct, kw_only=True):
    title: Annotated[str, about("The training's title")]
    priority: Annotated[bool, about("One of the call's priority trainings")]
    hours: Annotated[int, about("Length, in hours")]
    trainees: Annotated[int, about("Trainees planned")]
    cost: Annotated[Decimal, about("Cost, in euros")]
    enterprise_id: Annotated[str, about("The enterprise whose employees are trained")]
    integration_pathway: Annotated[bool, about("The trainees are employees on integration pathways")]


class ContentOut(msgspec.Struct, kw_only=True):
    title: Annotated[str, about("The application's title")]
    summary: Annotated[str, about("What the project is about")]
    partners: Annotated[list[EnterpriseOut], about("The partner enterprises")]
    trainings: Annotated[list[TrainingOut], about("The planned trainings")]
    requested: Annotated[Decimal, about("The co-funding requested, in euros")]


class OverrideOut(msgspec.Struct, kw_only=True):
    reason: Annotated[str, about("Why national staff overrode the check")]
    by: Annotated[str, about("Who overrode it")]
    recorded_at: Annotated[datetime, about("When")]


class CheckOut(msgspec.Struct, kw_only=True):
    code: Annotated[str, about("The check's code (`active:<member id>`, `cofunding_ceiling`…)")]
    label: Annotated[str, about("What is checked, in French")]
    passed: Annotated[bool, about("The check passed")]
    expected: Annotated[str, about("What the call's criteria expect, in French")]
    observed: Annotated[str, about("What was seen, in French")]
    override: Annotated[OverrideOut | None, about("National staff's override of a failed check, if any")] = None


class ReviewerOut(msgspec.Struct, kw_only=True):
    reviewer_id: Annotated[str, about("The fund reviewer's user id")]
    enterprise: Annotated[str | None, about("The reviewer's own enterprise, if any")]
    assigned_at: Annotated[datetime, about("When they were assigned")]
    conflict_declared_on: Annotated[
        date | None, about("When they declared a conflict of interest and stepped aside, if they did")
    ] = None
    conflict_reason: Annotated[str | None, about("The conflict they declared")] = None


class CriterionScoreOut(msgspec.Struct, kw_only=True):
    criterion: Annotated[str, about("The criterion's code")]
    score: Annotated[int, about("The score, 0 to 5")]
    comment: Annotated[str, about("Why this score")]


class ScoreSheetOut(msgspec.Struct, kw_only=True):
    reviewer_id: Annotated[str, about("The fund reviewer's user id")]
    total: Annotated[Decimal, about("The weighted total, out of 100")]
    on: Annotated[date, about("When the application was scored")]
    no_conflict_declared: Annotated[bool, about("The reviewer declared no conflict of interest")]
    scores: Annotated[list[CriterionScoreOut], about("One score per criterion of the grid")]


class EnvelopeViewOut(msgspec.Struct, kw_only=True):
    total: Annotated[Decimal, about("The envelope when the decision was taken")]
    available_before: Annotated[Decimal, about("Available before the decision")]
    available_after: Annotated[Decimal, about("Available after it")]


class DecisionOut(msgspec.Struct, kw_only=True):
    kind: Annotated[DecisionKind, about("An award or a rejection")]
    amount: Annotated[Decimal | None, about("The amount awarded (null for a rejection)")]
    reason: Annotated[str, about("The decision's reason")]
    on: Annotated[date, about("When it was decided")]
    # what national staff and auditors see besides (an applicant sees the four fields above)
    requested: Annotated[Decimal | None, about("The co-funding requested when decided (awards)")] = None
    allowed_maximum: Annotated[Decimal | None, about("The ceiling the criteria allowed (awards)")] = None
    score: Annotated[Decimal | None, about("The mean score when decided")] = None
    envelope: Annotated[EnvelopeViewOut | None, about("The envelope as the decision saw it")] = None
    decided_by: Annotated[str | None, about("Who decided")] = None


class ReviewOut(msgspec.Struct, kw_only=True):
    outcome: Annotated[Literal["approved", "sent_back"], about("Approved, or sent back")]
    reviewer_id: Annotated[str, about("The staff member who reviewed the decision")]
    comment: Annotated[str, about("Their comment")]
    on: Annotated[date, about("When")]


class ActualOut(msgspec.Struct, kw_only=True):
    training: Annotated[int, about("Position of the planned training")]
    trainees: Annotated[int, about("Trainees trained")]
    hours: Annotated[int, about("Hours delivered")]
    cost: Annotated[Decimal, about("Actual cost, in euros")]


class EnvelopeFigures(msgspec.Struct, kw_only=True):
    fund_amount: Annotated[Decimal, about("The mutualised fund, in euros")]
    envelope_initial: Annotated[Decimal, about("The call's initial envelope")]
    top_ups: Annotated[Decimal, about("The sum of the top-ups")]
    envelope_total: Annotated[Decimal, about("Initial envelope plus top-ups")]
    committed: Annotated[Decimal, about("Awarded and not yet settled")]
    paid: Annotated[Decimal, about("Paid at settlement")]
    available: Annotated[Decimal, about("What is left to award")]


class CallRecord(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, about("The call's id")]
    year: Annotated[int, about("The call's year")]
    label: Annotated[str, about("What tells it apart from the year's other calls (\"\" for a year's first calls)")]
    title: Annotated[str, about("The call's title")]
    status: Annotated[CallStatusCode, about("Where the call stands")]
    opens_on: Annotated[date, about("First day applications are accepted")]
    closes_on: Annotated[date, about("Last day applications are accepted")]
    opened_on: Annotated[date, about("When the call was opened")]
    closed_on: Annotated[date | None, about("When the call was closed")]
    cancelled_on: Annotated[date | None, about("When the call was cancelled (it then takes nothing more)")] = None
    cancellation_reason: Annotated[str | None, about("Why it was cancelled")] = None
    results_published_on: Annotated[date | None, about("When its results were published")]
    terms: Annotated[TermsOut, about("The call's terms: amounts, criteria, grid, priority trainings")]
    applications_received: Annotated[bool, about("An application was submitted: the terms are frozen")]
    version: Annotated[int, about("The call's version (its ETag)")]
    envelope: Annotated[EnvelopeFigures | None, about("The envelope's figures (national staff only)")] = None


class LedgerLine(msgspec.Struct, kw_only=True):
    entry: Annotated[int, about("The line's id: the call's version when it was recorded")]
    kind: Annotated[LedgerKind, about("What moved the envelope")]
    application_id: Annotated[str | None, about("The application concerned, if any")]
    amount: Annotated[Decimal, about("The amount of the movement, in euros")]
    released: Annotated[Decimal | None, about("What went back to the envelope, if anything")]
    reason: Annotated[str | None, about("Why, as recorded")]
    envelope_total: Annotated[Decimal, about("The envelope after this line")]
    committed: Annotated[Decimal, about("Committed after this line")]
    paid: Annotated[Decimal, about("Paid after this line")]
    available: Annotated[Decimal, about("Available after this line")]
    effective_on: Annotated[date, about("The date the movement took effect (the act's date)")]
    actor_id: Annotated[str, about("Who recorded it")]
    recorded_at: Annotated[datetime, about("When it was recorded")]


class EnvelopeLedger(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, about("The call's id")]
    as_at: Annotated[datetime | None, about("The moment asked for (`at`, the former name of `known_at`), or null")]
    as_of: Annotated[date | None, about("The date asked for: the figures in force at the end of that day")] = None
    known_at: Annotated[datetime | None, about("The moment asked for: what had been recorded by then")] = None
    version: Annotated[int, about("The call's version at that moment")]
    envelope_initial: Annotated[Decimal, about("The initial envelope")]
    top_ups: Annotated[Decimal, about("The sum of the top-ups")]
    envelope_total: Annotated[Decimal, about("Initial envelope plus top-ups")]
    committed: Annotated[Decimal, about("Awarded and not yet settled")]
    paid: Annotated[Decimal, about("Paid at settlement")]
    available: Annotated[Decimal, about("What is left to award")]
    lines: Annotated[list[LedgerLine], about("Every movement of the envelope, in order")]


class ApplicationRecord(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, about("The application's id")]
    call_id: Annotated[str, about("The call it answers")]
    title: Annotated[str, about("The application's title")]
    status: Annotated[VisibleStatus, about("Where it stands, as the caller may see it")]
    eligibility: Annotated[EligibilityCode, about("The outcome of the last eligibility check")]
    lead_id: Annotated[str, about("The lead enterprise's member id")]
    lead_name: Annotated[str, about("The lead enterprise's name")]
    lead_region: Annotated[str, about("The lead enterprise's region, as recorded when it applied")]
    enterprises: Annotated[list[EnterpriseOut], about("The applicant enterprises (lead and partners)")]
    content: Annotated[ContentOut, about("The current content")]
    submitted_content: Annotated[ContentOut | None, about("The content as submitted, before any amendment")]
    amendments: Annotated[int, about("How many amendments since the submission")]
    checks: Annotated[list[CheckOut], about("The eligibility checks: expected, observed, passed, override")]
    allowed_maximum: Annotated[Decimal | None, about("The most the call's criteria allow for this content")]
    requested: Annotated[Decimal, about("The co-funding requested")]
    awarded: Annotated[Decimal, about("The amount awarded (once approved)")]
    settled: Annotated[Decimal | None, about("The amount paid at settlement")]
    planned_trainees: Annotated[int, about("Trainees planned")]
    planned_hours: Annotated[int, about("Hours planned")]
    planned_cost: Annotated[Decimal, about("Cost planned")]
    actuals: Annotated[list[ActualOut] | None, about("What was delivered, per planned training")]
    delivered_trainees: Annotated[int | None, about("Trainees trained")]
    delivered_hours: Annotated[int | None, about("Hours delivered")]
    delivered_cost: Annotated[Decimal | None, about("Actual cost")]
    drafted_on: Annotated[date, about("When the draft was started")]
    submitted_on: Annotated[date | None, about("When it was submitted")]
    notified_on: Annotated[date | None, about("When the decision was notified")]
    next_step: Annotated[NextStep, about("What the applicant is expected to do next")]
    next_step_label: Annotated[str, about("The next step, in French")]
    version: Annotated[int, about("The application's version (its ETag)")]
    updated_at: Annotated[datetime, about("When it last changed")]
    # what the roles that take part in the decision see (others get None)
    reviewers: Annotated[list[ReviewerOut] | None, about("Assigned reviewers (staff and auditors)")] = None
    scores: Annotated[list[ScoreSheetOut] | None, about("Scores (staff and auditors; a reviewer: their own)")] = None
    score: Annotated[Decimal | None, about("Mean score out of 100 (staff and auditors)")] = None
    decision: Annotated[DecisionOut | None, about("The decision (applicants: once notified)")] = None
    review: Annotated[ReviewOut | None, about("The decision's review (staff and auditors)")] = None
    decided_on: Annotated[date | None, about("When the decision was taken (staff and auditors)")] = None


class ApplicationSummary(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, about("The application's id")]
    call_id: Annotated[str, about("The call it answers")]
    title: Annotated[str, about("The application's title")]
    status: Annotated[VisibleStatus, about("Where it stands, as the caller may see it")]
    eligibility: Annotated[EligibilityCode, about("The outcome of the last eligibility check")]
    lead_id: Annotated[str, about("The lead enterprise's member id")]
    lead_name: Annotated[str, about("The lead enterprise's name")]
    lead_region: Annotated[str, about("The lead enterprise's region, as recorded when it applied")]
    enterprises: Annotated[int, about("How many enterprises apply together")]
    requested: Annotated[Decimal, about("The co-funding requested")]
    awarded: Annotated[Decimal, about("The amount awarded (once approved)")]
    settled: Annotated[Decimal | None, about("The amount paid at settlement")]
    planned_trainees: Annotated[int, about("Trainees planned")]
    planned_hours: Annotated[int, about("Hours planned")]
    next_step: Annotated[NextStep, about("What the applicant is expected to do next")]
    next_step_label: Annotated[str, about("The next step, in French")]
    version: Annotated[int, about("The application's version (its ETag)")]
    score: Annotated[Decimal | None, about("Mean score out of 100 (staff and auditors)")] = None


class ApplicationPage(msgspec.Struct, kw_only=True):
    items: Annotated[list[ApplicationSummary], about("The applications of this page, by title")]
    total: Annotated[int, about("How many applications match, in all")]
    limit: Annotated[int, about("The page size asked for")]
    offset: Annotated[int, about("The rank of the page's first item")]


class DashboardFigures(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, about("The call's id")]
    breakdown: Annotated[Breakdown, about("The whole call, one region, or one member form")]
    key: Annotated[str, about("The call's id, the region's code or the form's code")]
    applications_answered: Annotated[int, about("Applications submitted")]
    enterprises_answered: Annotated[int, about("Enterprises in submitted applications")]
    applications_retained: Annotated[int, about("Applications awarded")]
    enterprises_retained: Annotated[int, about("Enterprises in awarded applications")]
    applications_rejected: Annotated[int, about("Applications rejected")]
    applications_ineligible: Annotated[int, about("Applications found ineligible")]
    applications_withdrawn: Annotated[int, about("Applications withdrawn")]
    applications_draft: Annotated[int, about("Applications still in draft")]
    pending_review: Annotated[int, about("Decisions awaiting their review")]
    requested: Annotated[Decimal, about("Co-funding requested")]
    awarded: Annotated[Decimal, about("Co-funding awarded")]
    settled: Annotated[Decimal, about("Paid at settlement")]
    trainees_planned: Annotated[int, about("Trainees planned")]
    hours_planned: Annotated[int, about("Hours planned")]
    trainees_delivered: Annotated[int, about("Trainees trained")]
    hours_delivered: Annotated[int, about("Hours delivered")]
    envelope_total: Annotated[Decimal | None, about("The envelope (whole call only)")] = None
    committed: Annotated[Decimal | None, about("Committed (whole call only)")] = None
    paid: Annotated[Decimal | None, about("Paid (whole call only)")] = None
    available: Annotated[Decimal | None, about("Available (whole call only)")] = None


class ReviewItem(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, about("The application's id")]
    title: Annotated[str, about("The application's title")]
    lead_name: Annotated[str, about("The lead enterprise's name")]
    kind: Annotated[DecisionKind, about("An award or a rejection")]
    amount: Annotated[Decimal | None, about("The amount awarded, for an award")]
    reason: Annotated[str, about("The decision's reason")]
    decided_by: Annotated[str, about("Who decided (another staff member must review)")]
    decided_on: Annotated[date | None, about("When")]
    version: Annotated[int, about("The application's version (for If-Match)")]


class CallDashboard(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, about("The call's id")]
    year: Annotated[int, about("The call's year")]
    title: Annotated[str, about("The call's title")]
    status: Annotated[CallStatusCode, about("Where the call stands")]
    call: Annotated[DashboardFigures, about("The whole call's figures")]
    regions: Annotated[list[DashboardFigures], about("Figures per region")]
    forms: Annotated[list[DashboardFigures], about("Figures per member form")]
    review_queue: Annotated[list[ReviewItem], about("Decisions awaiting their review")]


class RegionOverview(msgspec.Struct, kw_only=True):
    region: Annotated[str, about("The region's code")]
    figures: Annotated[list[DashboardFigures], about("The region's part of each call")]
    applications: Annotated[list[ApplicationSummary], about("Applications of the region's members (one page)")]


class WhatIfLine(msgspec.Struct, kw_only=True):
    rank: Annotated[int, about("Rank by score")]
    application_id: Annotated[str, about("The application's id")]
    title: Annotated[str, about("The application's title")]
    lead_name: Annotated[str, about("The lead enterprise's name")]
    score: Annotated[Decimal, about("Mean score out of 100")]
    requested: Annotated[Decimal, about("Co-funding requested")]
    fundable: Annotated[Decimal, about("What the criteria allow (requested, within the ceilings)")]
    funded: Annotated[Decimal, about("What this envelope would fund")]
    outcome: Annotated[WhatIfOutcome, about("Fully, partly, not funded, or below the cut-off score")]


class WhatIf(msgspec.Struct, kw_only=True):
    call_id: Annotated[str, about("The call's id")]
    envelope: Annotated[Decimal, about("The envelope simulated")]
    cutoff_score: Annotated[Decimal | None, about("The cut-off score simulated")]
    at: Annotated[date | None, about("The date whose envelope was simulated (`at`), or null")] = None
    funded_total: Annotated[Decimal, about("What would be funded in all")]
    funded: Annotated[int, about("Applications funded, fully or partly")]
    fully_funded: Annotated[int, about("Applications fully funded")]
    partly_funded: Annotated[int, about("Applications partly funded")]
    unfunded: Annotated[int, about("Applications left unfunded (envelope spent)")]
    below_cutoff: Annotated[int, about("Applications below the cut-off score")]
    lines: Annotated[list[WhatIfLine], about("Every scored application, by rank")]


class Change(msgspec.Struct, kw_only=True):
    field: Annotated[str, about("What changed (e.g. `requested`, `trainings[0].cost`)")]
    before: Annotated[Any, about("Its value as submitted")]
    after: Annotated[Any, about("Its value now")]


class AmendmentDiff(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, about("The application's id")]
    submitted_on: Annotated[date | None, about("When it was submitted")]
    amendments: Annotated[int, about("How many amendments since the submission")]
    changes: Annotated[list[Change], about("What differs from the submitted content")]


class DecisionFileEntry(msgspec.Struct, kw_only=True):
    event: Annotated[str, about("The event's name (e.g. `AwardDecided`)")]
    source: Annotated[str, about("Where it was recorded: the application or the call")]
    recorded_at: Annotated[datetime, about("When")]
    actor_id: Annotated[str, about("Who")]
    actor_role: Annotated[str, about("In which role")]
    correlation_id: Annotated[str, about("The request it came from")]
    details: Annotated[dict[str, Any], about("What the event recorded")]


class TopUpOut(msgspec.Struct, kw_only=True):
    amount: Annotated[Decimal, about("The amount added, in euros")]
    on: Annotated[date, about("The date it took effect")]
    reason: Annotated[str | None, about("Where it came from")]


class EnvelopeComposition(msgspec.Struct, kw_only=True):
    initial: Annotated[Decimal, about("The initial envelope")]
    top_ups: Annotated[list[TopUpOut], about("The top-ups, in order")]
    total: Annotated[Decimal, about("Initial envelope plus top-ups")]


class DecisionFile(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, about("The application's id")]
    call_id: Annotated[str, about("The call it answers")]
    title: Annotated[str, about("The application's title")]
    lead_name: Annotated[str, about("The lead enterprise's name")]
    status: Annotated[ApplicationStatusCode, about("Where it stands")]
    eligibility: Annotated[EligibilityCode, about("The outcome of the last eligibility check")]
    checks: Annotated[list[CheckOut], about("The eligibility checks")]
    scores: Annotated[list[ScoreSheetOut], about("The reviewers' scores")]
    score: Annotated[Decimal | None, about("Mean score out of 100")]
    decision: Annotated[DecisionOut | None, about("The decision")]
    review: Annotated[ReviewOut | None, about("The decision's review")]
    awarded: Annotated[Decimal, about("The amount awarded (once approved)")]
    settled: Annotated[Decimal | None, about("The amount paid at settlement")]
    entries: Annotated[list[DecisionFileEntry], about("Every event of the application, and the envelope's for it")]
    rank: Annotated[
        int | None, about("Its rank among the call's eligible scored applications (best score first), if scored")
    ] = None
    ranked: Annotated[int, about("How many applications of the call are ranked")] = 0
    cutoff_score: Annotated[
        Decimal | None, about("The cut-off: the lowest score among the call's applications decided an award")
    ] = None
    envelope: Annotated[EnvelopeComposition | None, about("The call's envelope: its initial amount and top-ups")] = None


class Assignment(msgspec.Struct, kw_only=True):
    application_id: Annotated[str, about("The application's id")]
    call_id: Annotated[str, about("The call it answers")]
    title: Annotated[str, about("The application's title")]
    lead_name: Annotated[str, about("The lead enterprise's name")]
    status: Annotated[VisibleStatus, about("Where it stands")]
    scored: Annotated[bool, about("The caller has scored it")]
    assigned_at: Annotated[datetime, about("When it was assigned to the caller")]
