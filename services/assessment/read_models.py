"""The read side's answers: the msgspec Structs that `queries.py` and `figures.py` return and the
API serves (the request bodies are `api/schemas.py`'s).

Every field says what it is (its OpenAPI description); coded values are `Literal`s, so the document
lists them. Responses reuse the domain's own Structs where they exist (`PlanAction`, `Position`,
`AssessmentDiff`, `HistoryEntry`): the live read model, the as-of replay and the API speak the same
shapes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from services.assessment.domain.plan import PlanAction
from services.assessment.domain.positioning import Position
from shared.values import about

# --- coded values (the request bodies use them too) -----------------------------------------

Status = Literal["in_progress", "submitted", "under_review", "reviewed", "validated"]
Scope = Literal["member", "group"]
Practice = Literal["in_place", "planned"]
ParticipantKind = Literal["staff", "volunteer"]
ReviewKind = Literal["third_party", "peer"]
ReviewerRole = Literal["regional_delegate", "trainer"]
ReferentialStatus = Literal["draft", "published"]
ActionStatus = Literal["proposed", "adopted", "scheduled", "done", "dropped"]
Priority = Literal["high", "medium", "low"]


class ReferentialSummary(msgspec.Struct, kw_only=True):
    code: Annotated[str, about("The version's code, e.g. 2016.1")]
    title: Annotated[str, about("The version's title (French)")]
    status: Annotated[ReferentialStatus, about("`draft` (editable) or `published` (assessments may use it)")]
    in_use: Annotated[bool, about("An assessment uses it: it can no longer change")]
    based_on: Annotated[str, about("The version it was copied from")] | None
    published_at: Annotated[datetime, about("When it was published")] | None
    indicators: Annotated[int, about("How many indicators it has")]
    version: Annotated[int, about("The version aggregate's version (for If-Match)")]


class ReferentialRecord(ReferentialSummary):
    document: Annotated[dict[str, Any], about("The whole referential document")]


class IndicatorHelp(msgspec.Struct, kw_only=True):
    referential_version: Annotated[str, about("The referential version")]
    code: Annotated[str, about("The indicator's code")]
    theme: Annotated[str, about("Its theme's code")]
    sub_theme: Annotated[str, about("Its sub-theme's code")]
    question: Annotated[dict[str, str], about("The question, by language (fr, en)")]
    help: Annotated[dict[str, str], about("Help on answering, by language")]
    example: Annotated[dict[str, str], about("An example, by language")]
    levels: Annotated[list[dict[str, Any]], about("What each level 1 to 4 means")]
    objective_level: Annotated[int, about("The Cap's objective for this indicator (1 to 4)")]
    weight: Annotated[int, about("Its weight in the positioning and the plan's priority (1 to 3)")]
    actions: Annotated[dict[str, dict[str, str]], about("The suggested action for each answered level")]
    service: Annotated[str, about("The federation service an action calls on")]
    service_label: Annotated[dict[str, str], about("That service's name, by language")]


class AssessmentSummary(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment's id")]
    tenant_id: Annotated[str, about("The member assessed")]
    region: Annotated[str, about("The member's region when the assessment started")]
    scope: Annotated[Scope, about("`member` or `group` (a GES group as a whole)")]
    forms: Annotated[list[str], about("The member's forms (AI, ACI, ETTI, EI, GES...) when it started")]
    primary_form: Annotated[str, about("The member's main form (benchmarks compare members of one form)")]
    referential_version: Annotated[str, about("The referential version answered")]
    status: Annotated[Status, about("Its stage")]
    previous_assessment_id: Annotated[str, about("The member's previous assessment, which this one replaces")] | None
    superseded_by: Annotated[str, about("The assessment that replaced this one (then read-only)")] | None
    started_on: Annotated[date, about("The day it started")]
    started_at: Annotated[datetime, about("When it started")]
    started_by: Annotated[str, about("Who started it")]
    submitted_at: Annotated[datetime, about("When the self-assessment was submitted")] | None
    validated_at: Annotated[datetime, about("When it was validated")] | None
    last_answer_at: Annotated[datetime, about("When a participant last answered")] | None
    last_at: Annotated[datetime, about("When anything last happened to it")] | None
    participants: Annotated[int, about("How many participants are invited")]
    answered: Annotated[int, about("How many indicators have the assessment's answer")]
    indicators: Annotated[int, about("How many indicators the referential version has")]
    divergent: Annotated[int, about("Indicators where participants disagree and no one has settled")]
    to_revisit: Annotated[int, about('Indicators with an answer marked "revisit this"')]
    reviews_waiting: Annotated[int, about("Review requests not completed yet")]
    proposals_pending: Annotated[int, about("Reviewers' proposals the team has not decided on")]
    plan_actions: Annotated[int, about("Actions in the progress plan")]
    open_actions: Annotated[int, about("Plan actions neither done nor dropped")]
    score: Annotated[float, about("Overall weighted mean level (1 to 4)")] | None
    attainment: Annotated[float, about("Overall attainment of the objectives, in %")] | None
    gap: Annotated[float, about("Overall mean shortfall below the objectives")] | None
    version: Annotated[int, about("The assessment's version (for If-Match)")]


class ParticipantView(msgspec.Struct, kw_only=True):
    participant_id: Annotated[str, about("The participant's user id")]
    name: Annotated[str, about("Their name: the directory's (as the team typed it, for older invitations)")] | None
    kind: Annotated[ParticipantKind, about("`staff` or `volunteer`")]
    sub_themes: Annotated[list[str], about("The sub-themes they answer (empty: every indicator)")]
    invited_at: Annotated[datetime, about("When they were invited")]
    invited_by: Annotated[str, about("Who invited them")]


class AssessmentRecord(AssessmentSummary):
    participant_list: Annotated[list[ParticipantView], about("The participants")]
    as_of: Annotated[date, about("Replay: the date asked for (the state at the end of that day, Paris)")] | None = None
    known_at: Annotated[datetime, about("Replay: the moment asked for (what had been recorded by then)")] | None = None
    as_of_version: Annotated[int, about("Replay: the version the answer stands at")] | None = None


class AssessmentPage(msgspec.Struct, kw_only=True):
    items: Annotated[list[AssessmentSummary], about("This page's assessments, latest started first")]
    total: Annotated[int, about("How many match, in all")]
    limit: Annotated[int, about("The page size asked for")]
    offset: Annotated[int, about("The rank of the page's first item")]


class ParticipantAnswerView(msgspec.Struct, kw_only=True):
    participant_id: Annotated[str, about("Whose answer")]
    level: Annotated[int, about("The level given, 1 to 4")]
    comment: Annotated[str, about("Their comment")]
    practice: Annotated[Practice, about("`in_place` or `planned`")]
    improve: Annotated[bool, about('"Improve this"')]
    revisit: Annotated[bool, about('"Revisit this"')]
    author_id: Annotated[str, about("Who recorded it: the participant, or the member's admin for them")]
    author_role: Annotated[str, about("The recorder's role")]
    at: Annotated[datetime, about("When it was given")]
    version: Annotated[int, about("The assessment version (event) that gave it")]


class SettlementView(msgspec.Struct, kw_only=True):
    level: Annotated[int, about("The settled level")]
    source: Annotated[Literal["team", "review"], about("`team` (settled) or `review` (a proposal accepted)")]
    comment: Annotated[str, about("The team's comment")]
    author_id: Annotated[str, about("Who settled")]
    author_role: Annotated[str, about("Their role")]
    at: Annotated[datetime, about("When")]
    version: Annotated[int, about("The event's version")]
    from_versions: Annotated[list[int], about("The participants' answers (event versions) it settled")]
    proposal_id: Annotated[str, about("The accepted proposal, for `review`")] | None


class ReviewNote(msgspec.Struct, kw_only=True):
    request_id: Annotated[str, about("The review request")]
    reviewer_kind: Annotated[ReviewKind, about("`third_party` or `peer`")]
    author_id: Annotated[str, about("The reviewer")]
    author_role: Annotated[str, about("Their role")]
    comment: Annotated[str, about("The comment")]
    at: Annotated[datetime, about("When")]
    proposal_id: Annotated[str, about("The proposal it made, if any")] | None
    proposed_level: Annotated[int, about("The level proposed")] | None
    reason: Annotated[str, about("Why")] | None
    decision: Annotated[Literal["accepted", "rejected"] | None, about("The team's decision on the proposal")]
    decision_reason: Annotated[str, about("Why the team rejected it")] | None


class AnswerView(msgspec.Struct, kw_only=True):
    """One indicator: the participants' answers, the assessment's answer, the self view as submitted
    and the reviewers' view, and where they diverge."""

    indicator: Annotated[str, about("The indicator's code")]
    theme: Annotated[str, about("Its theme")]
    sub_theme: Annotated[str, about("Its sub-theme")]
    level: Annotated[int, about("The assessment's answer (none while participants diverge)")] | None
    source: Annotated[
        Literal["settled", "review", "consensus"] | None, about("Where the assessment's answer comes from")
    ]
    practice: Annotated[Practice, about("`in_place` or `planned`")] | None
    improve: Annotated[bool, about('"Improve this"')]
    self_level: Annotated[int, about("The team's own level as submitted (before reviews)")] | None
    divergent: Annotated[bool, about("Participants disagree and no one has settled")]
    reviewers_diverge: Annotated[bool, about("A reviewer proposed another level")]
    revisit: Annotated[bool, about('An answer is marked "revisit this"')]
    participant_answers: Annotated[list[ParticipantAnswerView], about("Every participant's answer")]
    settlement: Annotated[SettlementView, about("The latest explicit settlement")] | None
    reviews: Annotated[list[ReviewNote], about("Reviewers' comments and proposals")]


class AnswerSheet(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    version: Annotated[int, about("The assessment version the sheet reflects")]
    answers: Annotated[list[AnswerView], about("One entry per indicator answered or commented")]
    as_of: Annotated[date, about("Replay: the date asked for (the state at the end of that day, Paris)")] | None = None
    known_at: Annotated[datetime, about("Replay: the moment asked for (what had been recorded by then)")] | None = None
    as_of_version: Annotated[int, about("Replay: the version the answer stands at")] | None = None


class ReviewRequestView(msgspec.Struct, kw_only=True):
    request_id: Annotated[str, about("The request's id")]
    kind: Annotated[ReviewKind, about("`third_party` or `peer`")]
    reviewer_id: Annotated[str, about("The third party's user id")] | None
    reviewer_role: Annotated[ReviewerRole, about("The third party's role")] | None
    reviewer_tenant: Annotated[str, about("The peer member")] | None
    status: Annotated[Literal["requested", "completed"], about("`requested` or `completed`")]
    requested_at: Annotated[datetime, about("When it was requested")]
    requested_by: Annotated[str, about("Who requested it")]
    completed_at: Annotated[datetime, about("When the reviewer completed it")] | None
    summary: Annotated[str, about("The reviewer's summary")] | None
    comments: Annotated[int, about("How many comments")]
    proposals: Annotated[int, about("How many level proposals")]
    proposals_accepted: Annotated[int, about("Proposals the team accepted")]
    proposals_rejected: Annotated[int, about("Proposals the team rejected")]
    proposals_pending: Annotated[int, about("Proposals waiting for the team's decision")]


class Benchmark(msgspec.Struct, kw_only=True):
    """Averages of other members of the same form (latest validated assessments), shown only where
    at least `minimum` members contribute."""

    code: Annotated[str, about("The theme or sub-theme (or `overall`)")]
    region_average: Annotated[float, about("Average score of the region's other members of the form")] | None
    region_members: Annotated[int, about("How many contribute to it")]
    network_average: Annotated[float, about("Average score of the network's other members of the form")] | None
    network_members: Annotated[int, about("How many contribute to it")]


class PositioningView(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    referential_version: Annotated[str, about("Its referential version")]
    version: Annotated[int, about("The assessment version the positioning reflects")]
    overall: Annotated[Position, about("The overall positioning")]
    themes: Annotated[list[Position], about("Per theme")]
    sub_themes: Annotated[list[Position], about("Per sub-theme")]
    benchmark_form: Annotated[str, about("The form compared against")] | None = None
    benchmark_region: Annotated[str, about("The region compared against")] | None = None
    benchmark_minimum: Annotated[int, about("The fewest members an average is shown for")] = 5
    benchmarks: Annotated[list[Benchmark], about("Peer averages (as of the moment asked for, in a replay)")] = []
    benchmark_members: Annotated[
        Literal["current"],
        about(
            "Which facts of the members group the benchmarks: `current` — their region, form and status as the "
            "member directory knows them now (le Cap follows the register's current facts), in a replay too; "
            "the assessments averaged are those validated by the moment asked for"
        ),
    ] = "current"
    as_of: Annotated[date, about("Replay: the date asked for (the state at the end of that day, Paris)")] | None = None
    known_at: Annotated[datetime, about("Replay: the moment asked for (what had been recorded by then)")] | None = None
    as_of_version: Annotated[int, about("Replay: the version the answer stands at")] | None = None


class PlanView(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    referential_version: Annotated[str, about("Its referential version")]
    version: Annotated[int, about("The assessment version the plan reflects")]
    actions: Annotated[list[PlanAction], about("The plan's actions, by priority")]
    as_of: Annotated[date, about("Replay: the date asked for (the state at the end of that day, Paris)")] | None = None
    known_at: Annotated[datetime, about("Replay: the moment asked for (what had been recorded by then)")] | None = None
    as_of_version: Annotated[int, about("Replay: the version the answer stands at")] | None = None


class OpenAction(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    indicator: Annotated[str, about("The indicator")]
    rank: Annotated[int, about("Its rank in the plan")]
    priority: Annotated[Priority, about("`high`, `medium` or `low`")]
    status: Annotated[ActionStatus, about("Where the team is with it")]
    suggested_action: Annotated[str, about("What to do")]
    service: Annotated[str, about("The federation service it calls on")]
    owner: Annotated[str, about("Who carries it")] | None
    due_on: Annotated[date, about("When it is due")] | None


class MemberOverview(msgspec.Struct, kw_only=True):
    tenant_id: Annotated[str, about("The member")]
    name: Annotated[str, about("Its name")] | None
    region: Annotated[str, about("Its current region")] | None
    forms: Annotated[list[str], about("Its current forms")]
    assessments: Annotated[list[AssessmentSummary], about("Its assessments")]
    latest_positioning: Annotated[list[Position], about("The positioning of its latest validated assessment")]
    latest_positioning_of: Annotated[str, about("That assessment")] | None
    open_actions: Annotated[list[OpenAction], about("Its open plan actions")]


class ActionFrequency(msgspec.Struct, kw_only=True):
    indicator: Annotated[str, about("The indicator")]
    question: Annotated[str, about("Its question")]
    service: Annotated[str, about("The federation service its actions call on")]
    service_label: Annotated[str, about("That service's name")]
    assessments: Annotated[int, about("Assessments whose plan has this action")]
    open: Annotated[int, about("Of which still open")]
    done: Annotated[int, about("Of which done")]


class ServiceDemand(msgspec.Struct, kw_only=True):
    service: Annotated[str, about("A federation service")]
    service_label: Annotated[str, about("Its name")]
    actions: Annotated[int, about("Plan actions that call on it")]
    assessments: Annotated[int, about("Assessments with such an action")]


class ThemeAverage(msgspec.Struct, kw_only=True):
    code: Annotated[str, about("The theme")]
    title: Annotated[str, about("Its title")]
    score: Annotated[float, about("Average score")] | None
    attainment: Annotated[float, about("Average attainment, in %")] | None
    members: Annotated[int, about("Members contributing")]


class Dashboard(msgspec.Struct, kw_only=True):
    """A region's or the network's figures: assessments by stage, average positioning per theme
    (latest validated assessment of each member), the most frequent plan actions and the federation
    services they call on (what the federation should offer next)."""

    scope: Annotated[Literal["region", "network"], about("`region` or `network`")]
    region: Annotated[str, about("The region (region scope)")] | None
    members: Annotated[int, about("Members in scope")]
    started: Annotated[int, about("Members that started at least one assessment")]
    in_progress: Annotated[int, about("Assessments in progress")]
    submitted: Annotated[int, about("Assessments submitted")]
    under_review: Annotated[int, about("Assessments under review")]
    reviewed: Annotated[int, about("Assessments reviewed")]
    validated: Annotated[int, about("Assessments validated")]
    themes: Annotated[list[ThemeAverage], about("Average positioning per theme")]
    frequent_actions: Annotated[list[ActionFrequency], about("The most frequent plan actions")]
    services: Annotated[list[ServiceDemand], about("Federation services the plans call on")]


class StalledAssessment(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    tenant_id: Annotated[str, about("The member")]
    member_name: Annotated[str, about("Its name")] | None
    status: Annotated[Status, about("Its stage")]
    last_answer_at: Annotated[datetime, about("When a participant last answered")] | None
    started_at: Annotated[datetime, about("When it started")]
    days_idle: Annotated[int, about("Days without an answer")]


class OverdueAction(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    tenant_id: Annotated[str, about("The member")]
    member_name: Annotated[str, about("Its name")] | None
    indicator: Annotated[str, about("The indicator")]
    suggested_action: Annotated[str, about("What to do")]
    owner: Annotated[str, about("Who carries it")] | None
    due_on: Annotated[date, about("When it was due")]
    days_late: Annotated[int, about("Days late")]


class WaitingReview(msgspec.Struct, kw_only=True):
    assessment_id: Annotated[str, about("The assessment")]
    tenant_id: Annotated[str, about("The member")]
    member_name: Annotated[str, about("Its name")] | None
    request_id: Annotated[str, about("The review request")]
    kind: Annotated[ReviewKind, about("`third_party` or `peer`")]
    reviewer_id: Annotated[str, about("The third party")] | None
    reviewer_tenant: Annotated[str, about("The peer member")] | None
    requested_at: Annotated[datetime, about("When it was requested")]
    days_waiting: Annotated[int, about("Days waiting")]


class FollowUpFeed(msgspec.Struct, kw_only=True):
    """What a regional delegate should chase so that the approach does not fade away: the active
    members' (a member that resigned or was excluded is no longer chased)."""

    region: Annotated[str, about("The region")]
    stalled_days: Annotated[int, about("Days without an answer after which an assessment is stalled")]
    stalled: Annotated[list[StalledAssessment], about("Stalled assessments")]
    overdue_actions: Annotated[list[OverdueAction], about("Plan actions past their due date")]
    waiting_reviews: Annotated[list[WaitingReview], about("Review requests not completed")]


class GrantView(msgspec.Struct, kw_only=True):
    grant_id: Annotated[str, about("The grant's id")]
    tenant_id: Annotated[str, about("The member it opens")]
    auditor_id: Annotated[str, about("The auditor")]
    assessment_id: Annotated[str, about("The one assessment it opens (none: all the member's)")] | None
    valid_from: Annotated[datetime, about("Start of the access")]
    valid_until: Annotated[datetime, about("End of the access (exclusive)")]
    reason: Annotated[str, about("Why")]
    granted_by: Annotated[str, about("Who granted it")]
    granted_at: Annotated[datetime, about("When")]
    revoked: Annotated[bool, about("Revoked")]
    revoked_reason: Annotated[str, about("Why it was revoked")] | None
    revoked_by: Annotated[str, about("Who revoked it")] | None
    version: Annotated[int, about("The grant's version (for If-Match)")]


class AuditReadView(msgspec.Struct, kw_only=True):
    read_id: Annotated[str, about("The read's id")]
    tenant_id: Annotated[str, about("The member read")]
    auditor_id: Annotated[str, about("The auditor")]
    grant_id: Annotated[str, about("The grant that allowed it")]
    assessment_id: Annotated[str, about("The assessment read")] | None
    resource: Annotated[str, about("What was read (assessment, answers, plan...)")]
    path: Annotated[str, about("The request's path")]
    query: Annotated[str, about("The request's query string")]
    read_at: Annotated[datetime, about("When")]


class DirectoryEntry(msgspec.Struct, kw_only=True):
    """A member as le Cap's directory (followed from the member register) knows it."""

    member_id: str
    region: str
    name: str
    forms: list[str]
    primary_form: str
    status: str
