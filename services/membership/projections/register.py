"""Read model of the register: every member's timeline, bi-temporal, and the regions with their dates.

`member_states` holds what is known now: per member, one row per range of effective dates
(`effective_from` … `effective_to`, 'infinity' when open-ended), each with the state `member_timeline`
folds for that range, and `recorded_from` / `recorded_version`, the event that recorded the row.
When a new event changes a range (or is dated inside it), the rows it replaces move to
`member_states_past` with `recorded_to`, the time the event was recorded. So for any date D and
any moment K there is exactly one row per member answering "in force on D, as known at K":

- current knowledge: `member_states` where D is in [effective_from, effective_to);
- known at K: the same, plus `member_states_past` where K is in [recorded_from, recorded_to),
  both with recorded_from <= K.

The live register is the first query with D = today: a change dated in the future takes effect
on its date without anything having to run at midnight, and live equals as-of today by
construction. Figures (dashboards) are counted at read time from these rows (`queries.py`).

Every event writes at least one row (the range it takes effect in is rewritten even when it looks
the same), so a member's latest version known at K is the largest `recorded_version` among its
rows recorded by K.

`regions` keeps each period of a region's code under one name: opened on `opened_on` (NULL: since
the list was established), ended on `merged_on` by `ended_by` (a merger, a rename or a split) with
its `successors` (`merged_into`: the one successor of a merger or a rename); each with the moment it
was recorded. A rename that keeps the code ends the row of the old name and opens one of the new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.membership.domain.member import Member
from services.membership.domain.regions import OVERSEAS, RegionRegistry
from services.membership.domain.siret import SiretIndex
from services.membership.events_log import MEMBERSHIP_LOG
from services.membership.figures import figure_key
from services.membership.member_state import (
    MEMBER_EVENT_TOPIC_PREFIX,
    Segment,
    Timeline,
    in_force,
    takes_effect,
)
from services.membership.published import published
from shared.contracts.membership import MemberEvent
from shared.events import UnknownEvent
from shared.projection import Notified, Projection, decode
from shared.readmodel import Table, TableNames, append_rows

_STATE_COLUMNS = (
    ("member_id", "text NOT NULL"),
    ("tenant_id", "text NOT NULL"),
    ("region", "text NOT NULL"),
    ("effective_from", "date NOT NULL"),
    ("effective_to", "date NOT NULL"),  # 'infinity' when open-ended: one range condition, indexable
    ("recorded_from", "timestamptz NOT NULL"),
    ("recorded_version", "int NOT NULL"),
    ("name", "text NOT NULL"),
    ("siret", "text NOT NULL"),
    ("forms", "text[] NOT NULL"),
    ("primary_form", "text NOT NULL"),
    ("city", "text NOT NULL"),
    ("status", "text NOT NULL"),
    ("joined_on", "date NOT NULL"),
    ("left_on", "date"),
    ("contact", "jsonb NOT NULL"),
    ("certification", "jsonb"),
    ("certification_scheme", "text"),
    ("certification_group", "text"),
    ("certified_on", "date"),
    ("lost_certificates", "jsonb"),  # NULL when none: only the few rows that have some are read
    ("accord_groupe_since", "date"),
    ("dues", "jsonb NOT NULL"),
    ("tenures", "jsonb NOT NULL"),
    ("figure", "text NOT NULL"),  # what the figures count (`figures.figure_key`)
)

# What lists and figures read, after the range columns: counting the members in force on a date is
# then an index-only scan (once autovacuum has marked the pages all-visible), not a heap scan.
_COUNTED = (
    "tenant_id",  # row-level security reads tenant_id and region: both in the index
    "region",
    "status",
    "certification_scheme",
    "primary_form",
    "forms",
    "accord_groupe_since",
    "certification_group",
    "certified_on",
    "member_id",
    "name",
)

# What dashboards read (figures and the losses of collective certificates), narrow: an index-only
# scan of it reads a third of the pages of the lists' index, and groups on one text column.
_FIGURES = ("tenant_id", "region", "figure", "lost_certificates")

MEMBER_STATES = Table(
    "member_states",
    _STATE_COLUMNS,
    primary_key=("member_id", "effective_from"),
    indexes=(
        ("effective_to", "effective_from", "recorded_from", *_COUNTED),
        # An unfiltered list and its count, the most asked: the narrowest index-only scan of the
        # states in force (a page as known at a moment sorts them all by name).
        ("effective_to", "effective_from", "recorded_from", "tenant_id", "region", "name", "member_id"),
        ("name", "member_id"),
        ("effective_to", "effective_from", "recorded_from", *_FIGURES),
        ("effective_from",),
        # A region's figures: its own states, not the whole network's read and filtered.
        ("region", "effective_to", "effective_from", "recorded_from", "tenant_id", "figure"),
    ),
    # The losses of collective certificates, read (in network scope) for every dashboard of a
    # region and every record with such a certificate: the few states that have some.
    partial_indexes=(
        (
            "lost_certificates IS NOT NULL",
            ("effective_to", "effective_from", "recorded_from", "tenant_id", "region", "lost_certificates"),
        ),
    ),
)

# The replaced rows in force on D as known at K are few (those whose replacement was recorded after
# K), but `recorded_from <= K < recorded_to` is two ranges on two columns: a B-tree narrows one of
# them and reads the rest (half the table for a K half-way through the log). Rows are appended as
# they are replaced, in the order of `recorded_to`, mostly soon after they were recorded: a BRIN
# index on both times narrows to the few 16-page ranges written around K (a row recorded long
# before its replacement widens its range; answers stay right). Its comparison operators are
# leakproof, so it serves row-level-secured reads (a GiST index of ranges would not, and btree_gist
# is missing from the embedded PostgreSQL). No parallel scans: the planner cannot know how few rows
# match (it multiplies the two conditions' selectivities) and would prefer a parallel sequential scan.
MEMBER_STATES_PAST = Table(
    "member_states_past",
    (*_STATE_COLUMNS, ("recorded_to", "timestamptz NOT NULL")),
    primary_key=("member_id", "effective_from", "recorded_from"),
    indexes=(
        ("member_id", "recorded_from"),
        ("name", "member_id"),  # a page "as known at" merges both tables in name order
    ),
    brin_indexes=(("recorded_from", "recorded_to"),),
    parallel_scans=False,
)

REGIONS = Table(
    "regions",
    (
        ("code", "text NOT NULL"),
        ("tenant_id", "text"),
        ("region", "text"),
        ("name", "text NOT NULL"),
        ("overseas", "boolean NOT NULL"),
        ("opened_on", "date"),
        ("opened_at", "timestamptz NOT NULL"),
        ("merged_on", "date"),
        ("merged_into", "text"),
        ("merged_at", "timestamptz"),
        ("ended_by", "text"),  # merger, rename or split
        ("successors", "text[]"),
    ),
    primary_key=("code", "opened_at"),
)


@dataclass
class _Row:
    """A row of `member_states` as the batch sees it: written already (`stored`) or new in it."""

    segment: Segment
    recorded_from: datetime
    recorded_version: int
    stored: bool


def state_row(member_id: str, row: _Row) -> dict[str, Any]:
    state = row.segment.state
    return {
        **state,
        "member_id": member_id,
        "effective_from": row.segment.effective_from,
        "effective_to": row.segment.effective_to or date.max,  # asyncpg writes date.max as 'infinity'
        "recorded_from": row.recorded_from,
        "recorded_version": row.recorded_version,
        "lost_certificates": state["lost_certificates"] or None,
        "figure": figure_key(state),
    }


class RegisterProjection(Projection):
    name = "register"
    version = 7  # 3: the `figure` column and its index; 4: regions' renames and splits; 5: the BRIN
    # index of replaced rows, a region's figures index, the losses' partial index; 6: the unfiltered
    # lists' index; 7: the contact person with its data subject (`PersonalDetails.shown`)
    source = MEMBERSHIP_LOG
    tables = (MEMBER_STATES, MEMBER_STATES_PAST, REGIONS)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        by_member: dict[str, list[MemberEvent]] = defaultdict(list)
        for notified in events:
            match notified.event:
                case Member.Event() as event:
                    by_member[str(event.originator_id)].append(published(event))
                case (
                    RegionRegistry.Established()
                    | RegionRegistry.RegionsMerged()
                    | RegionRegistry.RegionRenamed()
                    | RegionRegistry.RegionSplit() as event
                ):
                    await self._apply_region_event(conn, event, tables)
                case SiretIndex.Claimed():
                    pass  # the SIRET index is how registration keeps SIRETs unique: no row of the register
                case event:
                    raise UnknownEvent("register projection", event)
        if by_member:
            await self._apply_member_events(conn, by_member, events[0].notification_id, tables)

    async def _apply_member_events(
        self, conn: asyncpg.Connection, by_member: dict[str, list[MemberEvent]], first_id: int, tables: TableNames
    ) -> None:
        # A member whose registration is in this batch has neither earlier events nor rows (the
        # common case of a rebuild, where a member's first events are saved together): nothing to read.
        seen_before = [m for m, new_events in by_member.items() if new_events[0].version > 1]
        known: dict[str, list[MemberEvent]] = {}
        stored: dict[str, dict[date, asyncpg.Record]] = defaultdict(dict)
        if seen_before:
            known = await self._events_before(conn, seen_before, first_id)
            for record in await conn.fetch(
                f"SELECT member_id, effective_from, recorded_from, recorded_version FROM {tables['member_states']} "
                "WHERE member_id = ANY($1)",
                seen_before,
            ):
                stored[record["member_id"]][record["effective_from"]] = record
        dropped: list[tuple[str, date]] = []  # stored rows replaced in the same instant: never in force
        closed: list[tuple[str, date, datetime]] = []  # stored rows that move to the past
        past: list[dict[str, Any]] = []  # rows written and replaced within this batch
        current: list[dict[str, Any]] = []
        for member_id, new_events in by_member.items():
            history = Timeline(known.get(member_id, []))
            rows = {
                s.effective_from: _Row(s, r["recorded_from"], r["recorded_version"], stored=True)
                for s in history.segments
                if (r := stored[member_id].get(s.effective_from)) is not None
            }
            for event in new_events:
                timeline = history.add(event)
                rewritten = _range_of(timeline, takes_effect(event, timeline[0].effective_from))
                starts = {s.effective_from: s for s in timeline}
                for start, row in list(rows.items()):
                    # The range the event takes effect in is rewritten even if it looks the same.
                    if starts.get(start) == row.segment and start != rewritten.effective_from:
                        continue
                    del rows[start]
                    if row.recorded_from >= event.recorded_at:
                        if row.stored:
                            dropped.append((member_id, start))
                    elif row.stored:
                        closed.append((member_id, start, event.recorded_at))
                    else:
                        past.append({**state_row(member_id, row), "recorded_to": event.recorded_at})
                for segment in timeline:
                    if segment.effective_from not in rows:
                        rows[segment.effective_from] = _Row(segment, event.recorded_at, event.version, stored=False)
            current += [state_row(member_id, row) for row in rows.values() if not row.stored]
        states, states_past = tables["member_states"], tables["member_states_past"]
        if dropped:
            await conn.execute(
                f"DELETE FROM {states} s USING unnest($1::text[], $2::date[]) AS d(member_id, effective_from) "
                "WHERE s.member_id = d.member_id AND s.effective_from = d.effective_from",
                [m for m, _ in dropped],
                [f for _, f in dropped],
            )
        if closed:
            columns = ", ".join(c for c, _ in _STATE_COLUMNS)
            await conn.execute(
                f"WITH moved AS (DELETE FROM {states} s "
                "USING unnest($1::text[], $2::date[], $3::timestamptz[]) AS c(member_id, effective_from, recorded_to) "
                "WHERE s.member_id = c.member_id AND s.effective_from = c.effective_from "
                "RETURNING s.*, c.recorded_to) "
                f"INSERT INTO {states_past} ({columns}, recorded_to) SELECT {columns}, recorded_to FROM moved",
                [m for m, _, _ in closed],
                [f for _, f, _ in closed],
                [t for _, _, t in closed],
            )
        await append_rows(conn, states_past, MEMBER_STATES_PAST, past)
        await append_rows(conn, states, MEMBER_STATES, current)

    async def _events_before(
        self, conn: asyncpg.Connection, member_ids: list[str], before: int
    ) -> dict[str, list[MemberEvent]]:
        """The members' events already applied (before this batch), in recording order."""
        rows = await conn.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state FROM {self.source.qualified} "
            "WHERE originator_id = ANY($1::uuid[]) AND notification_id < $2 AND topic LIKE $3 "
            "ORDER BY originator_id, originator_version",
            [UUID(m) for m in member_ids],
            before,
            MEMBER_EVENT_TOPIC_PREFIX + "%",
        )
        known: dict[str, list[MemberEvent]] = defaultdict(list)
        for row in rows:
            known[str(row["originator_id"])].append(published(decode(row).event))
        return known

    async def _apply_region_event(
        self, conn: asyncpg.Connection, event: RegionRegistry.Event, tables: TableNames
    ) -> None:
        regions = tables["regions"]
        match event:
            case RegionRegistry.Established():
                rows = [_region_row(code, name, None, event.timestamp) for code, name in event.regions]
                await append_rows(conn, regions, REGIONS, rows)
            case RegionRegistry.RegionsMerged():
                await _end_regions(conn, regions, event.merged, event, "merger", (event.new_code,))
                new_region = _region_row(event.new_code, event.new_name, event.effective_on, event.timestamp)
                await append_rows(conn, regions, REGIONS, [new_region])
            case RegionRegistry.RegionRenamed():
                await _end_regions(conn, regions, (event.code,), event, "rename", (event.new_code,))
                new_region = _region_row(event.new_code, event.new_name, event.effective_on, event.timestamp)
                await append_rows(conn, regions, REGIONS, [new_region])
            case RegionRegistry.RegionSplit():
                successors = tuple(code for code, _ in event.successors)
                await _end_regions(conn, regions, (event.code,), event, "split", successors)
                rows = [_region_row(code, name, event.effective_on, event.timestamp) for code, name in event.successors]
                await append_rows(conn, regions, REGIONS, rows)
            case _:
                raise UnknownEvent("register projection", event)


def _range_of(timeline: list[Segment], day: date) -> Segment:
    segment = in_force(timeline, day)
    if segment is None:  # a timeline covers every date from the joining date on
        raise ValueError(f"no range of the member's timeline covers {day}")
    return segment


async def _end_regions(
    conn: asyncpg.Connection,
    regions: str,
    codes: Sequence[str],
    event: RegionRegistry.RegionsMerged | RegionRegistry.RegionRenamed | RegionRegistry.RegionSplit,
    ended_by: str,
    successors: tuple[str, ...],
) -> None:
    """End the current row of each code on the change's effective date."""
    await conn.execute(
        f"UPDATE {regions} SET merged_on = $2, merged_into = $3, merged_at = $4, ended_by = $5, successors = $6 "
        "WHERE code = ANY($1) AND merged_on IS NULL",
        list(codes),
        event.effective_on,
        successors[0] if len(successors) == 1 else None,
        event.timestamp,
        ended_by,
        list(successors),
    )


def _region_row(code: str, name: str, opened_on: date | None, opened_at: datetime) -> dict[str, Any]:
    return {
        "code": code,
        "tenant_id": None,
        "region": code,
        "name": name,
        "overseas": code in OVERSEAS,
        "opened_on": opened_on,
        "opened_at": opened_at,
        "merged_on": None,
        "merged_into": None,
        "merged_at": None,
        "ended_by": None,
        "successors": None,
    }
