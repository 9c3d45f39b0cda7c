"""Property: the register's read model answers what the fold of the events says, for every member
and every figure, at any date and as known at any moment; in particular the live register (today,
known now) equals the register as of today.

Histories are generated: joining dates and changes dated in the past and in the future, recorded
late (long after they took effect), corrections (recorded later with an earlier date), collective
certificates lost by one holder, Accord Groupe dates before joining. They are written to the event
store, the `register` projection follows them, and each read is compared with `fold_as_of` over
the same events (and the figures with `figures` over those folded states).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.membership import queries
from services.membership.figures import figures
from services.membership.member_state import certificate_at_risk, fold_as_of, latest_losses
from services.membership.read_models import MemberRecord
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.member_histories import HISTORY, TODAY, recorded_history
from tests.helpers.projections import catch_up_everything


def expected_record(events: list[Any], losses: dict[str, date], on: date, known_at: datetime | None) -> Any:
    state = fold_as_of(events, on, known_at)
    if state is None:
        return None
    fields = {k: v for k, v in state.items() if k in MemberRecord.__struct_fields__}
    return msgspec.structs.asdict(MemberRecord(**fields, certificate_at_risk=certificate_at_risk(state, losses)))


def expected_network(states: list[dict[str, Any]]) -> dict[str, Any]:
    losses = latest_losses(states)
    groups = [
        {
            **s,
            "n": 1,
            "accord_groupe": s["accord_groupe_since"] is not None,
            "certificate_at_risk": certificate_at_risk(s, losses),
        }
        for s in states
    ]
    active = Counter(s["region"] for s in states if s["status"] == "active")
    return {**figures(groups), "members_per_region": {r: active[r] for r in sorted({s["region"] for s in states})}}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=st.lists(HISTORY, min_size=1, max_size=3))
async def test_the_read_model_answers_the_fold_at_every_date_and_moment_and_live_equals_as_of_today(
    platform: Platform, histories: list[tuple]
) -> None:
    app = platform.application("membership")
    written = _WRITTEN.setdefault(id(platform), {})
    new_ids = []
    for history in histories:
        events = recorded_history(history, len(written) + 1)
        app.save(*events)
        member_id = events[0].originator_id
        # As the log holds them: the contact person's details with their data subject.
        written[member_id] = list(app.events.get(member_id))
        new_ids.append(member_id)
    await catch_up_everything(platform)

    # Live (today, known now) first; then dates around the changes' own, and moments in between.
    moments: list[datetime | None] = [None]
    effective: set[date] = set()
    for member_id in new_ids:
        events = written[member_id]
        moments.append(events[len(events) // 2].timestamp)
        moments.append(events[-1].timestamp - timedelta(microseconds=1))
        for event in events:
            on = getattr(event, "effective_on", None) or event.joined_on
            effective |= {on, on - timedelta(days=1)}
    days = [TODAY, TODAY + timedelta(days=3650), *sorted(effective)[:: max(1, len(effective) // 6)]]
    for known_at in moments[:3]:
        for on in days:
            states = [s for e in written.values() if (s := fold_as_of(e, on, known_at)) is not None]
            losses = latest_losses(states)
            for member_id in new_ids:
                read = await queries.member_record(
                    platform.read_pool, ReadScope.network(), str(member_id), on, known_at
                )
                answer = None if read is None else msgspec.structs.asdict(read)
                assert answer == expected_record(written[member_id], losses, on, known_at), (on, known_at)
            dashboard = await queries.network_dashboard(platform.read_pool, on, known_at)
            counted = msgspec.structs.asdict(dashboard) if dashboard else None
            expected = expected_network(states) if states else None
            if counted is not None:
                counted = {k: v for k, v in counted.items() if k not in ("regions_per_bucket", "as_of", "known_at")}
            assert counted == expected, (on, known_at)
            assert await listed_in_pages_of_two(platform, on, known_at) == sorted(s["member_id"] for s in states)


async def listed_in_pages_of_two(platform: Platform, on: date, known_at: datetime | None) -> list[str]:
    """Every member id the list gives, page after page (as known at a moment, a page merges the
    current rows walked by name with the replaced ones: none may be missed or given twice)."""
    listed: list[str] = []
    offset, total = 0, None
    while total is None or offset < total + 2:
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            page = await queries.list_members(
                conn,
                on=on,
                known_at=known_at,
                region=None,
                form=None,
                status=None,
                certification=None,
                name=None,
                limit=2,
                offset=offset,
            )
        assert total in (None, page.total), "the total moved between pages"
        total = page.total
        listed += [item.member_id for item in page.items]
        offset += 2
    assert len(listed) == total, (on, known_at)
    return sorted(listed)


_WRITTEN: dict[int, dict[UUID, list[Any]]] = {}
