"""Event versions without a database: a `FundingApplication.CheckOverridden` stored by the code
before version 2 (no `on`, no `class_version`) is upcast when mapped back to a domain event; one
written now is stored as version 2 and comes back unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

from eventsourcing.persistence import Mapper, StoredEvent

from services.training.domain.funding_application import FundingApplication
from shared.events import SYSTEM_META
from shared.eventstore import event_transcoder

TOPIC = "services.training.domain.funding_application:FundingApplication.CheckOverridden"


def mapper() -> Mapper:
    return Mapper(transcoder=event_transcoder())


def test_a_version_1_override_gets_the_utc_day_of_its_timestamp() -> None:
    late_in_paris = datetime(2015, 4, 9, 0, 30, tzinfo=timezone(timedelta(hours=2)))  # 8 April, 22:30 UTC
    v1_state = {"timestamp": late_in_paris, "meta": SYSTEM_META, "check": "active:x", "reason": "r", "by": "s"}
    stored = StoredEvent(
        originator_id=uuid4(),
        originator_version=3,
        topic=TOPIC,
        state=event_transcoder().encode({**v1_state, "eligible": True}),
    )

    event = mapper().to_domain_event(stored)

    assert isinstance(event, FundingApplication.CheckOverridden)
    assert event.on == date(2015, 4, 8)
    assert (event.check, event.by, event.eligible) == ("active:x", "s", True)


def test_an_override_is_stored_as_version_2_and_read_back_as_written() -> None:
    event = FundingApplication.CheckOverridden(
        originator_id=uuid4(),
        originator_version=3,
        timestamp=datetime(2015, 4, 8, 10, 0, tzinfo=UTC),
        check="active:x",
        reason="r",
        by="s",
        eligible=False,
        on=date(2015, 4, 7),  # the act's day, as the command said: not the recording's
    )

    stored = mapper().to_stored_event(event)
    state = event_transcoder().decode(stored.state)

    assert (stored.topic, state["class_version"], state["on"]) == (TOPIC, 2, date(2015, 4, 7))
    assert mapper().to_domain_event(stored).on == date(2015, 4, 7)
