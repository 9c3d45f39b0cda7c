"""The read model another service keeps of the members: one row per member, followed from
membership's published events (le Cap's member directory, training's register copy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import asyncpg

from shared.contracts.membership import MemberEvent, published_member_events
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, fetch_rows_by_key, upsert_rows


class MemberRowsProjection(Projection):
    """Applies each member event, in recording order, to the member's row of `table` (keyed by
    `member_id`) with `row_after`; a row `row_after` leaves as None is not written."""

    foreign = True
    table: ClassVar[Table]

    def row_after(self, row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
        raise NotImplementedError

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        member_events = published_member_events(events, self.name)
        if not member_events:
            return
        physical = tables[self.table.name]
        rows = await fetch_rows_by_key(conn, physical, "member_id", [str(e.member_id) for e in member_events])
        changed: dict[str, dict[str, Any]] = {}
        for event in member_events:
            member_id = str(event.member_id)
            row = self.row_after(rows.get(member_id), event)
            if row is not None:
                rows[member_id] = changed[member_id] = row
        await upsert_rows(conn, physical, self.table, list(changed.values()))
