"""A region's name for le Cap's dashboard tabs, from the region list's published events in
membership's log (`shared.contracts.membership`): le Cap's own read models keep region codes only,
and the register's tab of the same dashboard shows the name. One primary-key read of a handful of
rows, as `shared.tenancy.region_lineage` reads the same events for every regional reader."""

from __future__ import annotations

from datetime import date

import asyncpg

from shared.contracts.membership import (
    REGION_EVENT_PREFIX,
    REGION_REGISTRY_ID,
    RegionEvent,
    RegionRenamedV1,
    RegionsEstablishedV1,
    RegionsMergedV1,
    RegionSplitV1,
    decode_region_event,
)
from shared.projection import decode_foreign

MEMBERSHIP_LOG = "membership.membership_events"


def names_after(names: dict[str, str], event: RegionEvent, today: date) -> dict[str, str]:
    """The regions' names once `event` is recorded (a change not yet in effect `today` is not)."""
    match event:
        case RegionsEstablishedV1():
            return {**names, **dict(event.regions)}
        case RegionsMergedV1() | RegionRenamedV1() if event.effective_on <= today:
            return {**names, event.new_code: event.new_name}
        case RegionSplitV1() if event.effective_on <= today:
            return {**names, **dict(event.successors)}
    return names


async def region_names(log_pool: asyncpg.Pool, today: date) -> dict[str, str] | None:
    """Every region's name today (code -> name); None where membership's log has no region list (a
    process of le Cap alone on a database without it)."""
    try:
        rows = await log_pool.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state FROM {MEMBERSHIP_LOG} "
            "WHERE originator_id = $1 ORDER BY originator_version",
            REGION_REGISTRY_ID,
        )
    except asyncpg.UndefinedTableError:
        return None
    if not rows:
        return None
    names: dict[str, str] = {}
    for row in rows:
        event = decode_foreign(row).event
        if event.name.startswith(REGION_EVENT_PREFIX):
            published = decode_region_event(event.name, event.originator_version, event.timestamp, event.state)
            names = names_after(names, published, today)
    return names
