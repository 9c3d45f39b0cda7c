"""The assessment sheet: everything an assessment's events say, folded in order.

One fold, used everywhere: the `Assessment` aggregate keeps its state in a sheet (its decisions
read it), the read models fold the same events into the same sheet (and store it between
batches), and the auditor's replay folds a prefix of the events. The progress plan and the
positioning are functions of a sheet and the referential version: so live, rebuilt and replayed
answers cannot disagree.

A sheet is made of msgspec Structs with JSON-native fields, so that storing it between batches
(JSON) and loading it back gives an equal sheet; its parts are stored as arrays rather than objects
(a sheet is written at every change: a third of the size). The fold only reads the events; it never looks at
the clock or anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias

import msgspec

from services.assessment.domain.answers import effective_answer, effective_answers
from shared.events import UnknownEvent

if TYPE_CHECKING:
    from services.assessment.domain.assessment import Assessment


class Participant(msgspec.Struct, kw_only=True, array_like=True):
    participant_id: str
    name: str | None  # as typed before the directory; None since (the directory has it)
    kind: str  # "staff" or "volunteer"
    sub_themes: list[str]  # assigned sub-themes; empty: may answer every indicator
    invited_at: datetime
    invited_by: str


class Answer(msgspec.Struct, kw_only=True, array_like=True):
    """One participant's latest answer to one indicator."""

    participant_id: str
    level: int
    comment: str
    practice: str  # "in_place" or "planned"
    improve: bool
    revisit: bool
    version: int  # the event that gave it
    at: datetime
    author_id: str  # who typed it (the participant, or someone answering for them)
    author_role: str


class Settlement(msgspec.Struct, kw_only=True, array_like=True):
    """The assessment's answer to an indicator, decided explicitly."""

    level: int
    practice: str
    improve: bool
    comment: str
    source: str  # "team" (settled among participants) or "review" (a reviewer's proposal accepted)
    version: int
    at: datetime
    author_id: str
    author_role: str
    from_versions: list[int]  # the answers (or the proposal) it settles from
    proposal_id: str | None = None


class ReviewRequest(msgspec.Struct, kw_only=True, array_like=True):
    request_id: str
    kind: str  # "third_party" or "peer"
    reviewer_id: str | None  # third party: the reviewer's user id
    reviewer_role: str | None  # third party: regional_delegate or trainer
    reviewer_tenant: str | None  # peer: the reviewing member
    status: str  # "requested" or "completed"
    requested_at: datetime
    requested_by: str
    version: int
    completed_at: datetime | None = None
    completed_by: str | None = None
    summary: str | None = None


class ReviewComment(msgspec.Struct, kw_only=True, array_like=True):
    request_id: str
    indicator: str
    comment: str
    author_id: str
    author_role: str
    version: int
    at: datetime
    proposal_id: str | None = None


class Proposal(msgspec.Struct, kw_only=True, array_like=True):
    """A reviewer's proposal of another level, and the team's decision on it."""

    proposal_id: str
    request_id: str
    indicator: str
    level: int
    reason: str
    reviewer_kind: str
    author_id: str
    author_role: str
    version: int
    at: datetime
    decision: str | None = None  # "accepted" or "rejected"
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_version: int | None = None


class ActionFollowUp(msgspec.Struct, kw_only=True, array_like=True):
    """What the team decided about one progress-plan action."""

    status: str  # "adopted", "scheduled", "done" or "dropped"
    owner: str | None = None
    due_on: date | None = None
    completed_on: date | None = None
    reason: str | None = None
    versions: list[int] = msgspec.field(default_factory=list)


class Sheet(msgspec.Struct, kw_only=True):
    assessment_id: str
    tenant_id: str
    region: str
    forms: list[str]
    scope: str  # "member", or "group" for a GES assessing its group
    referential_version: str
    previous_assessment_id: str | None
    started_on: date
    started_at: datetime
    started_by: str
    status: str = "in_progress"  # then submitted, under_review, reviewed, validated
    version: int = 1
    last_at: datetime | None = None
    last_answer_at: datetime | None = None
    submitted_at: datetime | None = None
    validated_at: datetime | None = None
    validated_recorded_at: datetime | None = None  # when the store recorded it: benchmarks as known at a moment
    superseded_by: str | None = None
    participants: dict[str, Participant] = msgspec.field(default_factory=dict)
    answers: dict[str, dict[str, Answer]] = msgspec.field(default_factory=dict)  # indicator → participant → answer
    settled: dict[str, Settlement] = msgspec.field(default_factory=dict)
    self_view: dict[str, int] = msgspec.field(default_factory=dict)  # levels as submitted
    reviews: dict[str, ReviewRequest] = msgspec.field(default_factory=dict)
    comments: list[ReviewComment] = msgspec.field(default_factory=list)
    proposals: dict[str, Proposal] = msgspec.field(default_factory=dict)
    actions: dict[str, ActionFollowUp] = msgspec.field(default_factory=dict)


# --- the fold -----------------------------------------------------------------------------
# One function per event class; `apply_event` dispatches on the class (`match`), and an event class
# it has no case for is refused (`UnknownEvent`): the aggregate does not load, a projection parks it.


def _who(event: Assessment.Event) -> tuple[str, str]:
    return event.meta.actor_id, event.meta.actor_role


def _started(e: Assessment.Started) -> Sheet:
    actor, _role = _who(e)
    return Sheet(
        assessment_id=str(e.originator_id),
        tenant_id=e.tenant_id,
        region=e.region,
        forms=list(e.forms),
        scope=e.scope,
        referential_version=e.referential_version,
        previous_assessment_id=e.previous_assessment_id,
        started_on=e.started_on,
        started_at=e.at,
        started_by=actor,
    )


def _participant_invited(s: Sheet, e: Assessment.ParticipantInvited) -> None:
    s.participants[e.participant_id] = Participant(
        participant_id=e.participant_id,
        name=e.name,
        kind=e.kind,
        sub_themes=list(e.sub_themes),
        invited_at=e.at,
        invited_by=e.meta.actor_id,
    )


def _sub_themes_assigned(s: Sheet, e: Assessment.SubThemesAssigned) -> None:
    s.participants[e.participant_id].sub_themes = list(e.sub_themes)


def _answered(s: Sheet, e: Assessment.Answered) -> None:
    author, role = _who(e)
    s.answers.setdefault(e.indicator, {})[e.participant_id] = Answer(
        participant_id=e.participant_id,
        level=e.level,
        comment=e.comment,
        practice=e.practice,
        improve=e.improve,
        revisit=e.revisit,
        version=e.originator_version,
        at=e.at,
        author_id=author,
        author_role=role,
    )
    s.last_answer_at = e.at


def _revisit_marked(s: Sheet, e: Assessment.RevisitMarked) -> None:
    s.answers[e.indicator][e.participant_id].revisit = e.revisit


def _answer_settled(s: Sheet, e: Assessment.AnswerSettled) -> None:
    author, role = _who(e)
    s.settled[e.indicator] = Settlement(
        level=e.level,
        practice=e.practice,
        improve=e.improve,
        comment=e.comment,
        source="team",
        version=e.originator_version,
        at=e.at,
        author_id=author,
        author_role=role,
        from_versions=list(e.from_versions),
    )
    s.last_answer_at = e.at


def _submitted(s: Sheet, e: Assessment.Submitted) -> None:
    s.status = "submitted"
    s.submitted_at = e.at
    s.self_view = {code: answer.level for code, answer in effective_answers(s).items()}


def _review_requested(s: Sheet, e: Assessment.ReviewRequested) -> None:
    s.reviews[e.request_id] = ReviewRequest(
        request_id=e.request_id,
        kind=e.kind,
        reviewer_id=e.reviewer_id,
        reviewer_role=e.reviewer_role,
        reviewer_tenant=e.reviewer_tenant,
        status="requested",
        requested_at=e.at,
        requested_by=e.meta.actor_id,
        version=e.originator_version,
    )
    s.status = "under_review"


def _review_commented(s: Sheet, e: Assessment.ReviewCommented) -> None:
    author, role = _who(e)
    s.comments.append(
        ReviewComment(
            request_id=e.request_id,
            indicator=e.indicator,
            comment=e.comment,
            author_id=author,
            author_role=role,
            version=e.originator_version,
            at=e.at,
            proposal_id=e.proposal_id,
        )
    )
    if e.proposal_id is not None and e.proposed_level is not None:
        s.proposals[e.proposal_id] = Proposal(
            proposal_id=e.proposal_id,
            request_id=e.request_id,
            indicator=e.indicator,
            level=e.proposed_level,
            reason=e.reason or "",
            reviewer_kind=s.reviews[e.request_id].kind,
            author_id=author,
            author_role=role,
            version=e.originator_version,
            at=e.at,
        )


def _review_completed(s: Sheet, e: Assessment.ReviewCompleted) -> None:
    review = s.reviews[e.request_id]
    review.status, review.completed_at, review.completed_by, review.summary = (
        "completed",
        e.at,
        e.meta.actor_id,
        e.summary,
    )
    if all(r.status == "completed" for r in s.reviews.values()):
        s.status = "reviewed"


def _decided(s: Sheet, e: Assessment.ProposalAccepted | Assessment.ProposalRejected, decision: str) -> Proposal:
    proposal = s.proposals[e.proposal_id]
    proposal.decision, proposal.decided_by, proposal.decided_at = decision, e.meta.actor_id, e.at
    proposal.decision_version = e.originator_version
    return proposal


def _proposal_accepted(s: Sheet, e: Assessment.ProposalAccepted) -> None:
    proposal = _decided(s, e, "accepted")
    before = effective_answer(s, proposal.indicator)
    author, role = _who(e)
    s.settled[proposal.indicator] = Settlement(
        level=proposal.level,
        practice=before.practice if before else "in_place",
        improve=before.improve if before else False,
        comment=proposal.reason,
        source="review",
        version=e.originator_version,
        at=e.at,
        author_id=author,
        author_role=role,
        from_versions=[proposal.version],
        proposal_id=proposal.proposal_id,
    )


def _proposal_rejected(s: Sheet, e: Assessment.ProposalRejected) -> None:
    _decided(s, e, "rejected").decision_reason = e.reason


def _validated(s: Sheet, e: Assessment.Validated) -> None:
    s.status, s.validated_at, s.validated_recorded_at = "validated", e.at, e.timestamp


def _superseded(s: Sheet, e: Assessment.Superseded) -> None:
    s.superseded_by = e.by_assessment_id


PlanEvent: TypeAlias = (
    "Assessment.ActionAdopted | Assessment.ActionScheduled | Assessment.ActionCompleted | Assessment.ActionDropped"
)


def _follow_up(s: Sheet, e: PlanEvent) -> ActionFollowUp:
    follow_up = s.actions.setdefault(e.indicator, ActionFollowUp(status="adopted"))
    follow_up.versions.append(e.originator_version)
    return follow_up


def _action_adopted(s: Sheet, e: Assessment.ActionAdopted) -> None:
    _follow_up(s, e).status = "adopted"


def _action_scheduled(s: Sheet, e: Assessment.ActionScheduled) -> None:
    follow_up = _follow_up(s, e)
    follow_up.status, follow_up.owner, follow_up.due_on = "scheduled", e.owner, e.due_on


def _action_completed(s: Sheet, e: Assessment.ActionCompleted) -> None:
    follow_up = _follow_up(s, e)
    follow_up.status, follow_up.completed_on = "done", e.completed_on


def _action_dropped(s: Sheet, e: Assessment.ActionDropped) -> None:
    follow_up = _follow_up(s, e)
    follow_up.status, follow_up.reason = "dropped", e.reason


def apply_event(sheet: Sheet | None, event: Assessment.Event) -> Sheet:
    """The sheet after `event` (an `Assessment` event), changed in place when there is one."""
    # Imported here, not above: the aggregate folds its events with this function (the two modules
    # need each other, and only when events are applied).
    from services.assessment.domain.assessment import Assessment

    if isinstance(event, Assessment.Started):
        sheet = _started(event)
    elif sheet is None:
        raise ValueError(f"{type(event).__name__} for assessment {event.originator_id} before it was started")
    else:
        match event:
            case Assessment.ParticipantInvited():
                _participant_invited(sheet, event)
            case Assessment.SubThemesAssigned():
                _sub_themes_assigned(sheet, event)
            case Assessment.Answered():
                _answered(sheet, event)
            case Assessment.RevisitMarked():
                _revisit_marked(sheet, event)
            case Assessment.AnswerSettled():
                _answer_settled(sheet, event)
            case Assessment.Submitted():
                _submitted(sheet, event)
            case Assessment.ReviewRequested():
                _review_requested(sheet, event)
            case Assessment.ReviewCommented():
                _review_commented(sheet, event)
            case Assessment.ReviewCompleted():
                _review_completed(sheet, event)
            case Assessment.ProposalAccepted():
                _proposal_accepted(sheet, event)
            case Assessment.ProposalRejected():
                _proposal_rejected(sheet, event)
            case Assessment.Validated():
                _validated(sheet, event)
            case Assessment.Superseded():
                _superseded(sheet, event)
            case Assessment.ActionAdopted():
                _action_adopted(sheet, event)
            case Assessment.ActionScheduled():
                _action_scheduled(sheet, event)
            case Assessment.ActionCompleted():
                _action_completed(sheet, event)
            case Assessment.ActionDropped():
                _action_dropped(sheet, event)
            case _:
                raise UnknownEvent("assessment sheet", event)
    sheet.version = event.originator_version
    sheet.last_at = event.at
    return sheet


def fold(events: Iterable[Assessment.Event], sheet: Sheet | None = None) -> Sheet | None:
    for event in events:
        sheet = apply_event(sheet, event)
    return sheet


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Sheet)


def dump_sheet(sheet: Sheet) -> bytes:
    return _encoder.encode(sheet)


def load_sheet(data: bytes | str) -> Sheet:
    return _decoder.decode(data)
