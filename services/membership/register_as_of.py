"""The register as of a past date, answered from the events themselves.

`as_of` is the date changes take effect; `known_at` is the moment the register is read as it was
recorded then ("what did the register say on the day of the general assembly"). Both fold the
member events with `member_state.fold_as_of`, the same fold the live read model uses.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.membership.application import MembershipApplication
from services.membership.domain.member import Member
from services.membership.member_state import fold_as_of

PAGE = 5000


def member_as_of(
    app: MembershipApplication, member_id: UUID, as_of: date | None, known_at: datetime | None
) -> dict[str, Any] | None:
    events = [e for e in app.events.get(member_id) if type(e).__qualname__.startswith("Member.")]
    return fold_as_of(events, as_of, known_at)


def register_as_of(app: MembershipApplication, as_of: date | None, known_at: datetime | None) -> list[dict[str, Any]]:
    topics = [f"{Member.__module__}:{cls.__qualname__}" for cls in _member_event_classes()]
    by_member: dict[UUID, list[Any]] = defaultdict(list)
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE, topics=topics)
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            by_member[event.originator_id].append(event)
        if len(page) < PAGE:
            break
        start = page[-1].id + 1
    rows = [fold_as_of(events, as_of, known_at) for events in by_member.values()]
    return sorted((r for r in rows if r is not None), key=lambda r: (r["name"], r["member_id"]))


def _member_event_classes() -> list[type]:
    return [cls for cls in vars(Member).values() if isinstance(cls, type) and issubclass(cls, Member.Event)]


def network_figures_as_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The network dashboard's figures over the as-of rows (the live projection's own counting)."""
    from collections import Counter

    from services.membership.projections.register import figures, map_bucket

    def group(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "n": 1, "accord_groupe": row["accord_groupe_since"] is not None}

    per_region: Counter[str] = Counter(r["region"] for r in rows if r["status"] == "active")
    return {
        **figures([group(r) for r in rows]),
        "members_per_region": dict(sorted(per_region.items())),
        "regions_per_bucket": dict(sorted(Counter(map_bucket(n) for n in per_region.values()).items())),
    }
