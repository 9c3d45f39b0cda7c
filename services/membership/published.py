"""Membership's own events as the contract publishes them (`shared.contracts.membership`).

Followers decode membership's stored events into the contract's Structs; the register converts the
events it reads here, through the same `decode_state`, so that the member facts are folded by the
one function every service uses, and a field the contract misses fails the register too.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from services.membership.domain.member import Certification, Member
from shared.contracts.membership import MemberEvent, decode_state
from shared.personal import PersonalDetails

# What the library and the audit metadata add to every event: not the event's own fields.
_ENVELOPE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "meta"})


def _as_published(value: Any) -> Any:
    """A value member events carry as a follower reads it: a flat value object as the mapping of its
    fields (what `shared.projection.log` untags it into), anything else as itself."""
    if isinstance(value, PersonalDetails):
        return value.shown()
    if isinstance(value, Certification):
        return asdict(value)
    return value


def published(event: Member.Event) -> MemberEvent:
    """A member event as its published Struct (what a follower decodes from the stored event)."""
    state: dict[str, Any] = {name: _as_published(value) for name, value in vars(event).items() if name not in _ENVELOPE}
    return decode_state(
        type(event).__qualname__, event.originator_id, event.originator_version, event.timestamp, state, source=event
    )
