"""The shared command pipeline (`ServiceApplication.find`/`load`/`change`/`save_command`) on a tiny
aggregate, in memory (the library's POPO persistence, no PostgreSQL): load-or-404, `If-Match`,
a lost race refused with 409 unless the command commutes, then decided again and both kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import event

from shared.errors import CommandRefused, NotFound, VersionMismatch
from shared.events import AuditedAggregate, command_context
from shared.eventstore import CONFLICT_ATTEMPTS, CommandResult, IntegrityError, ServiceApplication
from shared.http_errors import concurrency_error_handler
from tests.helpers.in_memory import in_memory


class Tally(AuditedAggregate):
    """A count that only goes up: the smallest aggregate with a rule."""

    class Opened(AuditedAggregate.Created):
        label: str

    class Counted(AuditedAggregate.Event):
        by: int

    @event(Opened)
    def __init__(self, label: str) -> None:
        self.label = label
        self.total = 0

    def count(self, by: int) -> None:
        if by < 1:
            raise CommandRefused("on ne compte que vers le haut", field="by")
        self._counted(by=by)

    @event(Counted)
    def _counted(self, by: int) -> None:
        self.total += by


class Label(AuditedAggregate):
    """Another aggregate class, to show that `find` is typed."""

    @event("Named")
    def __init__(self, text: str) -> None:
        self.text = text


class TallyNotFound(NotFound):
    def __init__(self, tally_id: UUID) -> None:
        super().__init__(f"aucun décompte {tally_id}")


class TallyApplication(ServiceApplication):
    name = "tally"
    schema = "tally"

    def open(self, label: str) -> CommandResult:
        return self.save_command(Tally(label))

    def count(
        self,
        tally_id: UUID,
        by: int,
        *,
        expected_version: int | None = None,
        commutes: bool = False,
        before_save: Callable[[], Any] = lambda: None,
    ) -> CommandResult:
        """`before_save` runs between deciding and saving: a test's rival command goes there."""

        def decide(tally: Tally) -> None:
            tally.count(by)
            before_save()

        return self.change(
            lambda: self.load(Tally, tally_id, TallyNotFound, expected_version), decide, commutes=commutes
        )

    def tally(self, tally_id: UUID) -> Tally:
        return self.load(Tally, tally_id, TallyNotFound)


@pytest.fixture
def app() -> TallyApplication:
    return in_memory(TallyApplication)


def opened(app: TallyApplication, *counts: int) -> UUID:
    """Given: a tally opened, then counted by each of `counts`."""
    tally_id = UUID(app.open("visites").id)
    for by in counts:
        app.count(tally_id, by)
    return tally_id


def events_of(app: TallyApplication, tally_id: UUID) -> list[tuple[str, dict[str, Any]]]:
    """The stored events of an aggregate, by class name, with their own fields."""
    return [
        (type(e).__name__, {k: v for k, v in e.__dict__.items() if k in {"label", "by"}})
        for e in app.events.get(tally_id)
    ]


def test_an_in_memory_application_needs_no_database() -> None:
    app = in_memory(TallyApplication)
    assert type(app.recorder).__module__ == "eventsourcing.popo"


def test_a_command_answers_the_id_the_new_version_and_the_notification_id(app: TallyApplication) -> None:
    first = app.open("visites")
    counted = app.count(UUID(first.id), 2)
    assert (first.version, first.notification_id) == (1, 1)
    assert (counted.id, counted.version, counted.notification_id) == (first.id, 2, 2)


def test_counting_records_one_event_with_its_fields(app: TallyApplication) -> None:
    tally_id = opened(app)
    app.count(tally_id, 3)
    assert events_of(app, tally_id) == [("Opened", {"label": "visites"}), ("Counted", {"by": 3})]
    assert app.tally(tally_id).total == 3


def test_events_carry_the_command_context_in_memory_too(app: TallyApplication) -> None:
    tally_id = opened(app)
    with command_context(actor_id="alice", actor_role="national_staff", tenant_id=None, correlation_id="c-1"):
        app.count(tally_id, 1)
    last = list(app.events.get(tally_id))[-1]
    assert (last.meta.actor_id, last.meta.correlation_id) == ("alice", "c-1")


def test_a_refused_command_writes_nothing(app: TallyApplication) -> None:
    tally_id = opened(app, 1)
    with pytest.raises(CommandRefused):
        app.count(tally_id, 0)
    assert [name for name, _ in events_of(app, tally_id)] == ["Opened", "Counted"]


def test_a_command_on_an_unknown_aggregate_is_the_services_not_found(app: TallyApplication) -> None:
    unknown = uuid4()
    with pytest.raises(TallyNotFound, match=str(unknown)) as refused:
        app.count(unknown, 1)
    assert refused.value.status_code == 404


def test_an_aggregate_of_another_class_is_not_found(app: TallyApplication) -> None:
    label = Label("étiquette")
    app.save_command(label)
    assert app.find(Tally, label.id) is None
    assert app.find(Label, label.id) is not None
    with pytest.raises(TallyNotFound):
        app.count(label.id, 1)


def test_if_match_with_the_current_version_is_accepted(app: TallyApplication) -> None:
    tally_id = opened(app, 1)
    assert app.count(tally_id, 1, expected_version=2).version == 3


def test_if_match_with_a_stale_version_is_a_version_mismatch_and_writes_nothing(app: TallyApplication) -> None:
    tally_id = opened(app, 1, 1)
    with pytest.raises(VersionMismatch) as refused:
        app.count(tally_id, 5, expected_version=2)
    assert (refused.value.status_code, refused.value.code) == (409, "conflict")
    assert refused.value.details == {"expected_version": 2, "current_version": 3}
    assert app.tally(tally_id).total == 2


def test_a_lost_race_is_a_409_when_the_command_does_not_commute(app: TallyApplication) -> None:
    tally_id = opened(app)
    rival = lambda: app.count(tally_id, 10)  # noqa: E731 - saved between our decision and our save
    with pytest.raises(IntegrityError) as lost:
        app.count(tally_id, 1, before_save=rival)
    assert app.tally(tally_id).total == 10  # the rival's change only
    answer = concurrency_error_handler(None, lost.value)  # type: ignore[arg-type]  # the request is not read
    assert (answer.status_code, answer.content["error"]) == (409, "concurrent_change")


def test_a_commuting_command_that_loses_a_race_is_decided_again_and_both_changes_are_kept(
    app: TallyApplication,
) -> None:
    tally_id = opened(app)
    rivals = iter([lambda: app.count(tally_id, 10)])

    def rival_once() -> None:
        for rival in rivals:  # only before the first attempt's save
            rival()
            break

    result = app.count(tally_id, 1, commutes=True, before_save=rival_once)
    assert app.tally(tally_id).total == 11
    assert result.version == 3
    assert [fields for name, fields in events_of(app, tally_id) if name == "Counted"] == [{"by": 10}, {"by": 1}]


def test_a_commuting_command_gives_up_with_a_409_after_losing_every_attempt(app: TallyApplication) -> None:
    tally_id = opened(app)
    decided = []

    def rival_every_time() -> None:
        decided.append(1)
        app.count(tally_id, 10)

    with pytest.raises(IntegrityError):
        app.count(tally_id, 1, commutes=True, before_save=rival_every_time)
    assert len(decided) == CONFLICT_ATTEMPTS
    assert app.tally(tally_id).total == 10 * CONFLICT_ATTEMPTS


def test_the_aggregate_cache_does_not_hide_a_lost_race() -> None:
    app = in_memory(TallyApplication, {"AGGREGATE_CACHE_MAXSIZE": "10"})
    tally_id = opened(app)
    with pytest.raises(IntegrityError):
        app.count(tally_id, 1, before_save=lambda: app.count(tally_id, 10))
    assert app.tally(tally_id).total == 10
    rivals = iter([lambda: app.count(tally_id, 10)])
    assert app.count(tally_id, 1, commutes=True, before_save=lambda: next(rivals, lambda: None)()).version == 4
    assert app.tally(tally_id).total == 21


def test_in_memory_keeps_no_idempotency_records(app: TallyApplication) -> None:
    opened(app)
    assert app.find_idempotent_answer("server", "any-key") is None
    with pytest.raises(TypeError, match="in-memory"):
        app.command_recorder  # noqa: B018 - the property refuses
