"""Stored events outlive the code that wrote them: `FundingApplication.CheckOverridden` gained `on`
(the day of the override) in its version 2. An event written by the old code — same topic, the old
state JSON, no `class_version` — is upcast when read: the aggregate and the projections load it, with
`on` the day of its timestamp in UTC. The same holds for `Call.Opened` (version 2: `label`, "" before)
and `Call.Amended` (version 2: `on`, the Paris day it was recorded before)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from services.training.domain.call import Call
from services.training.domain.dates import paris_day
from services.training.domain.funding_application import FundingApplication
from shared.events import EventMeta
from shared.platform import Platform
from tests.helpers.training_application import (
    TODAY,
    catch_up_all,
    given_members,
    open_call,
    staff,
    submitted,
    terms,
    training_app,
)

TOPIC = "services.training.domain.funding_application:FundingApplication.CheckOverridden"
# 01:30 in Paris on 9 April is 23:30 UTC on 8 April: the day recorded is the UTC one.
RECORDED_AT = datetime(2015, 4, 9, 1, 30, tzinfo=timezone(timedelta(hours=2)))


def write_v1_override(platform: Platform, application_id: UUID, version: int, check: str) -> None:
    """Store a CheckOverridden exactly as the code before version 2 did (no `on`, no `class_version`)."""
    app = training_app(platform)
    old_state = {
        "timestamp": RECORDED_AT,
        "meta": EventMeta(
            actor_id="staff-9", actor_role="national_staff", tenant_id=None, correlation_id="c-1", causation_id=None
        ),
        "check": check,
        "reason": "adhésion signée avant le dépôt",
        "by": "staff-9",
        "eligible": True,
    }
    app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=application_id,
                originator_version=version,
                topic=TOPIC,
                state=app.mapper.transcoder.encode(old_state),
            )
        ]
    )


async def given_a_v1_override(platform: Platform) -> tuple[UUID, str]:
    [lead] = given_members(platform, 1, accord=False)  # so that the Accord Groupe check fails
    await catch_up_all(platform)
    application_id = submitted(platform, open_call(platform), lead)
    application = training_app(platform).funding_application(application_id)
    check = f"accord_groupe:{lead}"
    write_v1_override(platform, application_id, application.version + 1, check)
    return application_id, check


async def test_a_version_1_override_loads_with_the_day_of_its_timestamp_in_utc(platform: Platform) -> None:
    application_id, check = await given_a_v1_override(platform)

    app = training_app(platform)
    application = app.funding_application(application_id)
    *_, last = app.events.get(application_id)
    assert isinstance(last, FundingApplication.CheckOverridden)
    assert last.on == date(2015, 4, 8)
    assert (last.check, last.by, last.eligible) == (check, "staff-9", True)
    assert application.overrides == {check: "adhésion signée avant le dépôt"}
    assert application.eligibility == "eligible"


async def test_the_projections_read_a_version_1_override(platform: Platform) -> None:
    application_id, check = await given_a_v1_override(platform)

    await catch_up_all(platform)
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT checks FROM training.applications WHERE application_id = $1 AND role = 'lead'",
            str(application_id),
        )
        entry = await conn.fetchrow(
            "SELECT details FROM training.decision_file WHERE application_id = $1 AND event = 'CheckOverridden'",
            str(application_id),
        )
    [overridden] = [c for c in row["checks"] if c["code"] == check]
    assert overridden["override"]["by"] == "staff-9"
    assert datetime.fromisoformat(overridden["override"]["recorded_at"]) == RECORDED_AT
    assert entry["details"]["on"] == "2015-04-08"


async def test_an_override_is_stored_as_version_2_with_its_day(platform: Platform) -> None:
    [lead] = given_members(platform, 1, accord=False)
    await catch_up_all(platform)
    application_id = submitted(platform, open_call(platform), lead)
    app = training_app(platform)
    check = f"accord_groupe:{lead}"
    with staff():
        app.override_check(application_id, check=check, reason="pièce reçue", by="staff-1", on=TODAY)

    *_, stored = app.recorder.select_events(application_id)
    state = app.mapper.transcoder.decode(stored.state)
    assert stored.topic == TOPIC
    assert (state["class_version"], state["on"]) == (2, TODAY)


def store_as_version_1(platform: Platform, events: list[Any], strip: dict[str, tuple[str, ...]]) -> None:
    """Store events as the code before their version 2 did: without `class_version` and the fields
    that version added (`strip`: event class name -> fields)."""
    app = training_app(platform)
    stored = []
    for domain_event in events:
        event = app.mapper.to_stored_event(domain_event)
        state = app.mapper.transcoder.decode(event.state)
        for name in (*strip.get(type(domain_event).__name__, ()), "class_version"):
            state.pop(name, None)
        stored.append(
            StoredEvent(
                originator_id=event.originator_id,
                originator_version=event.originator_version,
                topic=event.topic,
                state=app.mapper.transcoder.encode(state),
            )
        )
    app.recorder.insert_events(stored)


async def test_a_call_stored_before_labels_and_effective_dates_loads_and_projects(platform: Platform) -> None:
    call = Call.open(2014, terms(opens_on=date(2014, 1, 6), closes_on=date(2014, 3, 31)), date(2014, 1, 6))
    with staff():
        call.amend(terms(opens_on=date(2014, 1, 6), closes_on=date(2014, 3, 31), title="Rectifié"), "coquille", TODAY)
    events = list(call.collect_events())
    recorded = events[1].timestamp
    store_as_version_1(platform, events, {"Opened": ("label",), "Amended": ("on",)})

    app = training_app(platform)
    loaded = app.call(call.id)
    assert (loaded.label, loaded.terms.title) == ("", "Rectifié")
    _, amended = app.events.get(call.id)
    assert isinstance(amended, Call.Amended) and amended.on == paris_day(recorded)
    await catch_up_all(platform)
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        row = await conn.fetchrow("SELECT label, title FROM training.calls WHERE call_id = $1", str(call.id))
        lines = await conn.fetch(
            "SELECT kind, effective_on FROM training.envelope_ledger WHERE call_id = $1 ORDER BY entry", str(call.id)
        )
    assert (row["label"], row["title"]) == ("", "Rectifié")
    assert [(line["kind"], line["effective_on"]) for line in lines] == [
        ("initial", date(2014, 1, 6)),
        ("initial", paris_day(recorded)),
    ]


async def test_a_call_snapshot_stored_before_version_2_loads_with_its_opening_as_its_first_day(
    platform: Platform,
) -> None:
    call = Call.open(2014, terms(opens_on=date(2014, 1, 6), closes_on=date(2014, 3, 31)), date(2014, 1, 2))
    call.close(date(2014, 4, 1))
    call.collect_events()
    app = training_app(platform)
    stored = app.mapper.to_stored_event(Snapshot.take(call))
    state = app.mapper.transcoder.decode(stored.state)
    # A snapshot stores the aggregate's attributes (and its class_version) under `state`.
    removed = ("opened_on", "closed_on", "published_on", "first_decision_on", "last_decision_on", "label")
    for name in (*removed, "class_version"):
        del state["state"][name]
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=app.mapper.transcoder.encode(state),
    )
    snapshot = app.mapper.to_domain_event(old)
    loaded = snapshot.mutate(None)
    assert (loaded.opened_on, loaded.closed_on, loaded.label, loaded.status) == (date(2014, 1, 6), None, "", "closed")
