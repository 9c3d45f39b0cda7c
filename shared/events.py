"""Who did it and why: the metadata every event carries, and the aggregate base that fills it in.

The HTTP layer (or the CLI, or the demo seeder) opens a `command_context` for each command; every
event triggered inside it records the actor, the role, the tenant and the correlation/causation ids
without the domain code passing them around.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import KW_ONLY, dataclass, field
from typing import TypeVar

from eventsourcing.domain import Aggregate

# Frozen dataclasses that events carry as values, by the name they are stored under. Every
# transcoder built for an application or a projection registers them all.
EVENT_VALUE_TYPES: dict[str, type] = {}
T = TypeVar("T")


def event_value(name: str) -> Callable[[type[T]], type[T]]:
    """Register a frozen dataclass as a value events may carry, stored as `{"_type_": name, ...}`."""

    def register(cls: type[T]) -> type[T]:
        if EVENT_VALUE_TYPES.setdefault(name, cls) is not cls:
            raise ValueError(f"event value name {name!r} is already taken by {EVENT_VALUE_TYPES[name]}")
        return cls

    return register


@event_value("event_meta")
@dataclass(frozen=True)
class EventMeta:
    actor_id: str
    actor_role: str
    tenant_id: str | None
    correlation_id: str
    causation_id: str | None


SYSTEM_META = EventMeta(
    actor_id="system", actor_role="system", tenant_id=None, correlation_id="system", causation_id=None
)

_current_meta: ContextVar[EventMeta] = ContextVar("current_event_meta", default=SYSTEM_META)


def current_meta() -> EventMeta:
    return _current_meta.get()


@contextmanager
def command_context(
    *,
    actor_id: str,
    actor_role: str,
    tenant_id: str | None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Iterator[EventMeta]:
    meta = EventMeta(
        actor_id=actor_id,
        actor_role=actor_role,
        tenant_id=tenant_id,
        correlation_id=correlation_id or str(uuid.uuid4()),
        causation_id=causation_id,
    )
    token = _current_meta.set(meta)
    try:
        yield meta
    finally:
        _current_meta.reset(token)


class AuditedAggregate(Aggregate):
    """Base of every aggregate: each of its events carries the `EventMeta` of the command."""

    class Event(Aggregate.Event):
        _: KW_ONLY
        meta: EventMeta = field(default_factory=current_meta)

    class Created(Event, Aggregate.Created):
        pass


class UnknownEvent(Exception):
    """A fold or projection met an event class it has no case for: a bug to fix, never a reason to
    skip the event (a projection parks it; an aggregate refuses to load)."""

    def __init__(self, where: str, event: object) -> None:
        super().__init__(f"{where} has no case for {type(event).__qualname__}")
        self.event = event
