"""Request and response bodies of le Cap's API (msgspec Structs; unknown fields refused).

Responses reuse the domain's own Structs where they exist (`PlanAction`, `Position`, `Source`,
`AssessmentDiff`): the live read model, the as-of replay and the API speak the same shapes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from services.assessment.diff import AssessmentDiff
from services.assessment.domain.answers import Source
from services.assessment.plan import PlanAction
from services.assessment.positioning import Position

Text = Annotated[str, Meta(min_length=1, max_length=300)]
LongText = Annotated[str, Meta(max_length=4000)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000)]
Level = Annotated[int, Meta(ge=1, le=4)]
Code = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+(\.[0-9]+)*$")]
Id = Annotated[str, Meta(min_length=1, max_length=200)]
VersionCode = Annotated[str, Meta(min_length=1, max_length=30, pattern=r"^[0-9A-Za-z._-]+$")]


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    pass


# --- requests -------------------------------------------------------------------------------


class ReferentialDraft(Strict):
    """A new version: a whole document, or a copy of `based_on` numbered `version`."""

    document: dict[str, Any] | None = None
    based_on: VersionCode | None = None
    version: VersionCode | None = None


class AssessmentStart(Strict):
    tenant_id: Id | None = None  # national staff name the member; a member admin starts its own
    referential_version: VersionCode | None = None  # default: the latest published version
    scope: Literal["member", "group"] = "member"


class Reopening(Strict):
    referential_version: VersionCode | None = None


class ParticipantIn(Strict):
    participant_id: Id
    name: Text
    kind: Literal["staff", "volunteer"]
    sub_themes: list[Code] = []


class SubThemesIn(Strict):
    sub_themes: list[Code]


class AnswerIn(Strict):
    level: Level
    comment: LongText = ""
    practice: Literal["in_place", "planned"] = "in_place"
    improve: bool = False
    revisit: bool = False
    participant_id: Id | None = None  # default: the caller


class RevisitIn(Strict):
    revisit: bool
    participant_id: Id | None = None


class SettlementIn(Strict):
    level: Level
    practice: Literal["in_place", "planned"] = "in_place"
    improve: bool = False
    comment: LongText = ""


class ReviewRequestIn(Strict):
    kind: Literal["third_party", "peer"]
    reviewer_id: Id | None = None
    reviewer_role: Literal["regional_delegate", "trainer"] | None = None
    reviewer_tenant: Id | None = None


class ReviewCommentIn(Strict):
    indicator: Code
    comment: Annotated[str, Meta(min_length=1, max_length=4000)]
    proposed_level: Level | None = None
    reason: LongText | None = None


class ReviewCompletion(Strict):
    summary: LongText = ""


class ReasonIn(Strict):
    reason: Reason


class ScheduleIn(Strict):
    owner: Text
    due_on: date


class CompletionIn(Strict):
    completed_on: date | None = None


class GrantIn(Strict):
    auditor_id: Id
    valid_until: datetime
    reason: Reason
    tenant_id: Id | None = None  # one member, or
    assessment_id: Id | None = None  # one assessment
    valid_from: datetime | None = None  # default: now


# --- responses ------------------------------------------------------------------------------


class ReferentialSummary(msgspec.Struct, kw_only=True):
    code: str
    title: str
    status: str
    in_use: bool
    based_on: str | None
    published_at: datetime | None
    indicators: int
    version: int


class ReferentialRecord(ReferentialSummary):
    document: dict[str, Any]


class IndicatorHelp(msgspec.Struct, kw_only=True):
    referential_version: str
    code: str
    theme: str
    sub_theme: str
    question: dict[str, str]
    help: dict[str, str]
    example: dict[str, str]
    levels: list[dict[str, Any]]
    objective_level: int
    weight: int
    actions: dict[str, dict[str, str]]
    service: str
    service_label: dict[str, str]


class AssessmentSummary(msgspec.Struct, kw_only=True):
    assessment_id: str
    tenant_id: str
    region: str
    scope: str
    forms: list[str]
    primary_form: str
    referential_version: str
    status: str
    previous_assessment_id: str | None
    superseded_by: str | None
    started_on: date
    started_at: datetime
    started_by: str
    submitted_at: datetime | None
    validated_at: datetime | None
    last_answer_at: datetime | None
    last_at: datetime | None
    participants: int
    answered: int
    indicators: int
    divergent: int
    to_revisit: int
    reviews_waiting: int
    proposals_pending: int
    plan_actions: int
    open_actions: int
    score: float | None
    attainment: float | None
    gap: float | None
    version: int


class ParticipantView(msgspec.Struct, kw_only=True):
    participant_id: str
    name: str
    kind: str
    sub_themes: list[str]
    invited_at: datetime
    invited_by: str


class AssessmentRecord(AssessmentSummary):
    participant_list: list[ParticipantView]
    as_of: datetime | None = None
    as_of_version: int | None = None


class AssessmentPage(msgspec.Struct, kw_only=True):
    items: list[AssessmentSummary]
    total: int
    limit: int
    offset: int


class ParticipantAnswerView(msgspec.Struct, kw_only=True):
    participant_id: str
    level: int
    comment: str
    practice: str
    improve: bool
    revisit: bool
    author_id: str
    author_role: str
    at: datetime
    version: int


class SettlementView(msgspec.Struct, kw_only=True):
    level: int
    source: str
    comment: str
    author_id: str
    author_role: str
    at: datetime
    version: int
    from_versions: list[int]
    proposal_id: str | None


class ReviewNote(msgspec.Struct, kw_only=True):
    request_id: str
    reviewer_kind: str
    author_id: str
    author_role: str
    comment: str
    at: datetime
    proposal_id: str | None
    proposed_level: int | None
    reason: str | None
    decision: str | None
    decision_reason: str | None


class AnswerView(msgspec.Struct, kw_only=True):
    """One indicator: the participants' answers, the assessment's answer, the self view as submitted
    and the reviewers' view, and where they diverge."""

    indicator: str
    theme: str
    sub_theme: str
    level: int | None
    source: str | None
    practice: str | None
    improve: bool
    self_level: int | None
    divergent: bool
    reviewers_diverge: bool
    revisit: bool
    participant_answers: list[ParticipantAnswerView]
    settlement: SettlementView | None
    reviews: list[ReviewNote]


class AnswerSheet(msgspec.Struct, kw_only=True):
    assessment_id: str
    version: int
    answers: list[AnswerView]
    as_of: datetime | None = None
    as_of_version: int | None = None


class ReviewRequestView(msgspec.Struct, kw_only=True):
    request_id: str
    kind: str
    reviewer_id: str | None
    reviewer_role: str | None
    reviewer_tenant: str | None
    status: str
    requested_at: datetime
    requested_by: str
    completed_at: datetime | None
    summary: str | None
    comments: int
    proposals: int
    proposals_accepted: int
    proposals_rejected: int
    proposals_pending: int


class Benchmark(msgspec.Struct, kw_only=True):
    """Averages of other members of the same form (latest validated assessments), shown only where
    at least `minimum` members contribute."""

    code: str
    region_average: float | None
    region_members: int
    network_average: float | None
    network_members: int


class PositioningView(msgspec.Struct, kw_only=True):
    assessment_id: str
    referential_version: str
    version: int
    overall: Position
    themes: list[Position]
    sub_themes: list[Position]
    benchmark_form: str | None = None
    benchmark_region: str | None = None
    benchmark_minimum: int = 5
    benchmarks: list[Benchmark] = []
    as_of: datetime | None = None
    as_of_version: int | None = None


class PlanView(msgspec.Struct, kw_only=True):
    assessment_id: str
    referential_version: str
    version: int
    actions: list[PlanAction]
    as_of: datetime | None = None
    as_of_version: int | None = None


class OpenAction(msgspec.Struct, kw_only=True):
    assessment_id: str
    indicator: str
    rank: int
    priority: str
    status: str
    suggested_action: str
    service: str
    owner: str | None
    due_on: date | None


class MemberOverview(msgspec.Struct, kw_only=True):
    tenant_id: str
    name: str | None
    region: str | None
    forms: list[str]
    assessments: list[AssessmentSummary]
    latest_positioning: list[Position]
    latest_positioning_of: str | None
    open_actions: list[OpenAction]


class ActionFrequency(msgspec.Struct, kw_only=True):
    indicator: str
    question: str
    service: str
    service_label: str
    assessments: int
    open: int
    done: int


class ServiceDemand(msgspec.Struct, kw_only=True):
    service: str
    service_label: str
    actions: int
    assessments: int


class ThemeAverage(msgspec.Struct, kw_only=True):
    code: str
    title: str
    score: float | None
    attainment: float | None
    members: int


class Dashboard(msgspec.Struct, kw_only=True):
    """A region's or the network's figures: assessments by stage, average positioning per theme
    (latest validated assessment of each member), the most frequent plan actions and the federation
    services they call on (what the federation should offer next)."""

    scope: str
    region: str | None
    members: int
    started: int
    in_progress: int
    submitted: int
    under_review: int
    reviewed: int
    validated: int
    themes: list[ThemeAverage]
    frequent_actions: list[ActionFrequency]
    services: list[ServiceDemand]


class StalledAssessment(msgspec.Struct, kw_only=True):
    assessment_id: str
    tenant_id: str
    member_name: str | None
    status: str
    last_answer_at: datetime | None
    started_at: datetime
    days_idle: int


class OverdueAction(msgspec.Struct, kw_only=True):
    assessment_id: str
    tenant_id: str
    member_name: str | None
    indicator: str
    suggested_action: str
    owner: str | None
    due_on: date
    days_late: int


class WaitingReview(msgspec.Struct, kw_only=True):
    assessment_id: str
    tenant_id: str
    member_name: str | None
    request_id: str
    kind: str
    reviewer_id: str | None
    reviewer_tenant: str | None
    requested_at: datetime
    days_waiting: int


class FollowUpFeed(msgspec.Struct, kw_only=True):
    """What a regional delegate should chase so that the approach does not fade away."""

    region: str
    stalled_days: int
    stalled: list[StalledAssessment]
    overdue_actions: list[OverdueAction]
    waiting_reviews: list[WaitingReview]


class GrantView(msgspec.Struct, kw_only=True):
    grant_id: str
    tenant_id: str
    auditor_id: str
    assessment_id: str | None
    valid_from: datetime
    valid_until: datetime
    reason: str
    granted_by: str
    granted_at: datetime
    revoked: bool
    revoked_reason: str | None
    revoked_by: str | None
    version: int


class AuditReadView(msgspec.Struct, kw_only=True):
    read_id: str
    tenant_id: str
    auditor_id: str
    grant_id: str
    assessment_id: str | None
    resource: str
    path: str
    query: str
    read_at: datetime


__all__ = ["AssessmentDiff", "Source"]
