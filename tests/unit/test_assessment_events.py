"""Le Cap's events as stored: each class declared once inside its aggregate, under the topic the
store already holds; the one fold refuses an event class it has no case for. No database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic, resolve_topic

from services.assessment.domain.access_grant import AccessGrant, AuditRead
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.member_assessments import MemberAssessments
from services.assessment.domain.referential import Referential, load_document
from services.assessment.domain.referential_version import ReferentialCatalogue, ReferentialVersion
from services.assessment.domain.sheet import apply_event, fold
from shared.events import UnknownEvent

T0 = datetime(2016, 3, 1, 9, tzinfo=UTC)
REFERENTIAL = Referential.parse(load_document())

# The topics events were stored under before the classes were declared explicitly: they must
# keep resolving to the same classes, or stored assessments would no longer load.
STORED_TOPICS = {
    "services.assessment.domain.assessment:Assessment": [
        "Started",
        "ParticipantInvited",
        "SubThemesAssigned",
        "Answered",
        "RevisitMarked",
        "AnswerSettled",
        "Submitted",
        "ReviewRequested",
        "ReviewCommented",
        "ReviewCompleted",
        "ProposalAccepted",
        "ProposalRejected",
        "Validated",
        "Superseded",
        "ActionAdopted",
        "ActionScheduled",
        "ActionCompleted",
        "ActionDropped",
    ],
    "services.assessment.domain.member_assessments:MemberAssessments": [
        "Opened",
        "AssessmentStarted",
        "AssessmentValidated",
    ],
    "services.assessment.domain.access_grant:AccessGrant": ["Granted", "Revoked"],
    "services.assessment.domain.access_grant:AuditRead": ["Recorded"],
    "services.assessment.domain.referential_version:ReferentialVersion": [
        "Drafted",
        "IndicatorRevised",
        "IndicatorRemoved",
        "Published",
        "TakenIntoUse",
    ],
    "services.assessment.domain.referential_version:ReferentialCatalogue": ["Opened", "VersionPublished"],
}
AGGREGATES: list[type[Aggregate]] = [
    Assessment,
    MemberAssessments,
    AccessGrant,
    AuditRead,
    ReferentialVersion,
    ReferentialCatalogue,
]


def started() -> Assessment:
    return Assessment.start(
        tenant_id="member-1",
        region="NPC",
        forms=("AI",),
        scope="member",
        referential=REFERENTIAL,
        previous=None,
        started_on=T0.date(),
        at=T0,
    )


@pytest.mark.parametrize(
    "topic", [f"{aggregate}.{name}" for aggregate, names in STORED_TOPICS.items() for name in names]
)
def test_every_stored_event_topic_still_names_its_event_class(topic: str) -> None:
    event_class = resolve_topic(topic)
    aggregate = resolve_topic(topic.rsplit(".", 1)[0])
    assert get_topic(event_class) == topic
    assert issubclass(event_class, aggregate.Event)


def test_every_event_class_of_le_cap_is_one_of_the_stored_topics() -> None:
    declared = {
        get_topic(value)
        for aggregate in AGGREGATES
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, aggregate.Event) and name not in ("Event", "Created")
    }  # `Event` and `Created`: the bases (the library defines them on every aggregate), never stored
    stored = {f"{aggregate}.{name}" for aggregate, names in STORED_TOPICS.items() for name in names}
    assert declared == stored


def test_an_event_the_sheet_has_no_case_for_is_refused_not_skipped() -> None:
    # Given a started assessment
    assessment = started()

    # When an event class the fold does not know is applied to its sheet
    class Unheard(Assessment.Event):
        pass

    stray: Any = Unheard(originator_id=assessment.id, originator_version=2, timestamp=T0, at=T0)

    # Then the fold refuses it, naming the class
    with pytest.raises(UnknownEvent, match="Unheard"):
        apply_event(assessment.sheet, stray)


def test_the_sheet_of_the_aggregate_is_the_fold_of_its_events() -> None:
    # Given a started assessment with an invited participant
    assessment = started()
    assessment.invite(participant_id="marie", name="Marie", kind="staff", sub_themes=(), referential=REFERENTIAL, at=T0)

    # When its events are folded afresh
    events = assessment.collect_events()

    # Then they are typed events, and give the aggregate's own sheet
    assert [type(e) for e in events] == [Assessment.Started, Assessment.ParticipantInvited]
    assert fold(events) == assessment.sheet


def test_an_event_before_the_start_is_refused() -> None:
    invited = Assessment.ParticipantInvited(
        originator_id=uuid4(),
        originator_version=2,
        timestamp=T0,
        at=T0,
        participant_id="marie",
        name="Marie",
        kind="staff",
        sub_themes=(),
    )
    with pytest.raises(ValueError, match="before it was started"):
        apply_event(None, invited)
