"""Reads of the register (asyncpg), on connections already scoped by row-level security
(`shared.tenancy.scoped_connection`): a row outside the caller's scope is simply not there, so
"another tenant's member" and "no such member" both answer None.

Every read takes `on` (the effective date: today for the live register) and `known_at` (None:
what is known now). Live and as-of answers are the same queries over the bi-temporal rows of the
`register` projection (see `projections/register.py`), so they cannot disagree.

Whether a collective certificate is at risk depends on the other holders, whom the caller may not
see: those reads then also read in network scope, only to learn the latest loss of each
certificate and the regions' names, never to return other members' rows. They take one
connection at a time, so a read never holds one while waiting for another.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from services.membership.figures import figure_parts, figures, map_bucket, merged_groups
from services.membership.member_state import certificate_at_risk, latest_losses
from services.membership.projections.register import MEMBER_STATES
from services.membership.read_models import (
    HistoryEntry,
    MemberPage,
    MemberRecord,
    MemberSummary,
    NetworkDashboard,
    Region,
    RegionDashboard,
)
from shared.tenancy import ReadScope, scoped_connection

S = "membership"
_COLUMNS = ", ".join(MEMBER_STATES.column_names)


class _Args(list[Any]):
    """Query arguments, numbered as they are added."""

    def add(self, value: Any) -> str:
        self.append(value)
        return f"${len(self)}"


def like_pattern(text: str) -> str:
    """`text` as a literal part of a LIKE pattern: its `%`, `_` and `\\` match themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _states(args: _Args, on: date, known_at: datetime | None) -> str:
    """A subquery: every member's state in force on `on`, as known at `known_at` (one row each)."""
    day = args.add(on)
    in_force = f"effective_from <= {day} AND {day} < effective_to"
    if known_at is None:
        return f"(SELECT {_COLUMNS} FROM {S}.member_states WHERE {in_force})"
    moment = args.add(known_at)
    return (
        f"(SELECT {_COLUMNS} FROM {S}.member_states WHERE {in_force} AND recorded_from <= {moment} "
        f"UNION ALL SELECT {_COLUMNS} FROM {S}.member_states_past "
        f"WHERE {in_force} AND recorded_from <= {moment} AND {moment} < recorded_to)"
    )


async def _versions(
    conn: asyncpg.Connection, member_ids: list[str], known_at: datetime | None
) -> dict[str, tuple[int, datetime]]:
    """Each member's latest version known at `known_at` and when it was recorded."""
    if known_at is None:
        source = f"{S}.member_states WHERE member_id = ANY($1)"
    else:
        source = (
            f"(SELECT member_id, recorded_version, recorded_from FROM {S}.member_states "
            "WHERE member_id = ANY($1) AND recorded_from <= $2 "
            f"UNION ALL SELECT member_id, recorded_version, recorded_from FROM {S}.member_states_past "
            "WHERE member_id = ANY($1) AND recorded_from <= $2) AS recorded"
        )
    rows = await conn.fetch(
        f"SELECT member_id, max(recorded_version) AS version, max(recorded_from) AS updated_at FROM {source} "
        "GROUP BY member_id",
        member_ids,
        *([] if known_at is None else [known_at]),
    )
    return {r["member_id"]: (r["version"], r["updated_at"]) for r in rows}


async def certificate_losses(network: asyncpg.Connection, on: date, known_at: datetime | None) -> dict[str, date]:
    """The latest loss of each collective certificate among the states in force on `on`
    (network scope: the other holders may be outside the caller's scope)."""
    args = _Args()
    states = _states(args, on, known_at)
    rows = await network.fetch(
        f"SELECT l.key AS certificate, max(l.value::date) AS lost_on FROM {states} s "
        "CROSS JOIN LATERAL jsonb_each_text(s.lost_certificates) AS l "
        "WHERE s.lost_certificates IS NOT NULL GROUP BY l.key",
        *args,
    )
    return {r["certificate"]: r["lost_on"] for r in rows}


async def member_record(
    pool: asyncpg.Pool, scope: ReadScope, member_id: str, on: date, known_at: datetime | None
) -> MemberRecord | None:
    args = _Args()
    states = _states(args, on, known_at)
    async with scoped_connection(pool, scope) as conn:
        row = await conn.fetchrow(f"SELECT * FROM {states} s WHERE member_id = {args.add(member_id)}", *args)
        if row is None:
            return None
        version, updated_at = (await _versions(conn, [member_id], known_at))[member_id]
    state = dict(row)
    at_risk = False
    if state["certification_group"] is not None:
        # One connection at a time: a read never holds one while it waits for another.
        async with scoped_connection(pool, ReadScope.network()) as network:
            at_risk = certificate_at_risk(state, await certificate_losses(network, on, known_at))
    fields = {k: v for k, v in state.items() if k in MemberRecord.__struct_fields__}
    return MemberRecord(**fields, certificate_at_risk=at_risk, version=version, updated_at=updated_at)


async def member_history(conn: asyncpg.Connection, member_id: str) -> list[HistoryEntry]:
    rows = await conn.fetch(f"SELECT * FROM {S}.member_history WHERE member_id = $1 ORDER BY version", member_id)
    return [msgspec.convert(dict(r), HistoryEntry, strict=False) for r in rows]


async def list_members(
    conn: asyncpg.Connection,
    *,
    on: date,
    known_at: datetime | None,
    region: str | None,
    form: str | None,
    status: str | None,
    certification: str | None,
    name: str | None,
    limit: int,
    offset: int,
    scope: ReadScope | None = None,
) -> MemberPage:
    """A page of the members in force on `on`. `scope`, when given, narrows the query itself to
    what row-level security lets the caller see, so that a member's own list reads its own rows
    rather than filtering everybody's."""

    def condition(args: _Args) -> str:
        where = ["true"] if scope is None else [_within(scope, args)]
        for column, value in (("region", region), ("status", status), ("certification_scheme", certification)):
            if value is not None:
                where.append(f"{column} = {args.add(value)}")
        if form is not None:
            where.append(f"{args.add(form)} = ANY(forms)")
        if name is not None:
            where.append(f"name ILIKE {args.add(like_pattern(name))} ESCAPE '\\'")
        return " AND ".join(where)

    counted = _Args()
    states = _states(counted, on, known_at)
    count_query = f"SELECT count(*) FROM {states} s WHERE {condition(counted)}"
    paged = _Args()
    page_query = _page(paged, on, known_at, condition, limit, offset)
    # One snapshot for the count, the page and its versions. The page's order and the filters read
    # only columns of the lists' indexes: the other columns are read for the page's members only.
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        total = await conn.fetchval(count_query, *counted)
        page = await conn.fetch(page_query, *paged)
        member_ids = [r["member_id"] for r in page]
        shown = _Args()
        rows = await conn.fetch(
            f"SELECT member_id, name, siret, forms, region, city, status, certification_scheme, "
            f"accord_groupe_since IS NOT NULL AS accord_groupe FROM {_states(shown, on, known_at)} s "
            f"WHERE member_id = ANY({shown.add(member_ids)}::text[])",
            *shown,
        )
        versions = await _versions(conn, member_ids, known_at)
    summaries = {r["member_id"]: r for r in rows}
    items = [MemberSummary(**dict(summaries[m]), version=versions[m][0]) for m in member_ids]
    return MemberPage(items=items, total=total, limit=limit, offset=offset)


def _page(
    args: _Args, on: date, known_at: datetime | None, condition: Callable[[_Args], str], limit: int, offset: int
) -> str:
    """The query of a page of member ids in name order.

    As of a date, the states in force are found by the name index and the walk stops at the page.
    As known at a moment they are the current rows recorded by then and the replaced rows still in
    force then: sorting their union would sort every state in force (15,000 for a 30,000-member log,
    25 ms), so the current rows are walked by name up to the page's end on their own, and only the
    replaced rows (few: those replaced after the moment, found by their BRIN index) are sorted with
    them. Deep pages (past the first thousand rows) sort, as walking that far costs more."""
    if known_at is None or offset + limit > _WALKED_ROWS:
        return (
            f"SELECT member_id FROM {_states(args, on, known_at)} s WHERE {condition(args)} "
            f"ORDER BY name, member_id LIMIT {int(limit)} OFFSET {int(offset)}"
        )
    day, moment = args.add(on), args.add(known_at)
    in_force = f"effective_from <= {day} AND {day} < effective_to AND recorded_from <= {moment}"
    return (
        f"WITH replaced AS MATERIALIZED (SELECT member_id, name FROM {S}.member_states_past s "
        f"WHERE {in_force} AND {moment} < recorded_to AND {condition(args)}), "
        f"current AS (SELECT member_id, name FROM {S}.member_states s WHERE {in_force} AND {condition(args)} "
        f"ORDER BY name, member_id LIMIT {int(offset) + int(limit)}) "
        "SELECT member_id FROM (SELECT * FROM current UNION ALL SELECT * FROM replaced) s "
        f"ORDER BY name, member_id LIMIT {int(limit)} OFFSET {int(offset)}"
    )


_WALKED_ROWS = 1000


def _within(scope: ReadScope, args: _Args) -> str:
    if scope.kind == "network":
        return "true"
    if scope.kind == "region":
        return f"region = ANY({args.add(list(scope.regions))}::text[])"
    if scope.kind == "tenant":
        # A member's tenant id is its member id: the primary key finds its rows.
        return f"member_id = ANY({args.add(list(scope.tenants))}::text[])"
    return "false"


async def regions(network: asyncpg.Connection, on: date, known_at: datetime | None = None) -> list[Region]:
    """The regions that exist on `on`, under their names then, and those retired by then (status
    "retired", with what retired them and their successors); each with its predecessors."""
    rows = await network.fetch(
        "SELECT DISTINCT ON (code) code, name, overseas, merged_into, ended_by, successors, merged_on, "
        "merged_on IS NOT NULL AND merged_on <= $1 AND ($2::timestamptz IS NULL OR merged_at <= $2) AS ended "
        f"FROM {S}.regions "
        "WHERE (opened_on IS NULL OR opened_on <= $1) AND ($2::timestamptz IS NULL OR opened_at <= $2) "
        "ORDER BY code, opened_on DESC NULLS LAST, opened_at DESC",
        on,
        known_at,
    )
    succeeded: dict[str, set[str]] = defaultdict(set)  # code -> the codes it directly succeeds
    for r in rows:
        if r["ended"]:
            for successor in r["successors"] or ():
                if successor != r["code"]:
                    succeeded[successor].add(r["code"])
    return [
        Region(
            code=r["code"],
            name=r["name"],
            status="retired" if r["ended"] else "active",
            merged_into=r["merged_into"] if r["ended"] else None,
            ended_by=r["ended_by"] if r["ended"] else None,
            ended_on=r["merged_on"] if r["ended"] else None,
            successors=list(r["successors"] or ()) if r["ended"] else [],
            predecessors=sorted(_ancestors(r["code"], succeeded)),
            overseas=r["overseas"],
        )
        for r in rows
    ]


def _ancestors(code: str, succeeded: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    todo = [code]
    while todo:
        for predecessor in succeeded.get(todo.pop(), ()):
            if predecessor not in found and predecessor != code:
                found.add(predecessor)
                todo.append(predecessor)
    return found


async def _figure_groups(
    pool: asyncpg.Pool, scope: ReadScope, on: date, known_at: datetime | None, region: str | None
) -> tuple[list[dict[str, Any]], list[Region]]:
    """The member states in force (in the caller's scope) in the groups `figures` counts, each
    certificate known at risk or not; and the regions then."""
    args = _Args()
    states = _states(args, on, known_at)
    where = "" if region is None else f"WHERE region = {args.add(region)}"
    # The network's own figures read every state in force: the certificates' losses are among
    # them, so one scan gives both (grouped by loss too; only the few that lost one differ).
    whole_network = scope.kind == "network" and region is None
    keys = "figure, lost_certificates" if whole_network else "figure"
    async with scoped_connection(pool, scope) as conn:
        rows = await conn.fetch(f"SELECT {keys}, count(*) AS n FROM {states} s {where} GROUP BY {keys}", *args)
    async with scoped_connection(pool, ReadScope.network()) as network:
        known_regions = await regions(network, on, known_at)
        if whole_network:
            losses = latest_losses(rows)
        elif any(figure_parts(r["figure"])["certification_group"] for r in rows):
            losses = await certificate_losses(network, on, known_at)
        else:
            losses = {}
    return merged_groups(((r["figure"], r["n"]) for r in rows), losses), known_regions


async def region_dashboard(
    pool: asyncpg.Pool, scope: ReadScope, code: str, on: date, known_at: datetime | None
) -> RegionDashboard | None:
    """A region's figures; None for a region that does not exist then (or is retired and empty), or
    that the caller may not see (the figures of a region are for network, that region's readers and
    the readers of the regions that succeed it)."""
    if not scope.reads_region(code):
        return None
    groups, known_regions = await _figure_groups(pool, scope, on, known_at, code)
    region = next((r for r in known_regions if r.code == code), None)
    if not groups and (region is None or region.status == "retired"):
        return None
    counted = figures(groups)
    return RegionDashboard(
        region=code,
        name=region.name if region else code,
        map_bucket=map_bucket(counted["active_members"]),
        **counted,
    )


async def network_dashboard(pool: asyncpg.Pool, on: date, known_at: datetime | None) -> NetworkDashboard | None:
    """The network's figures; None when there is neither a region nor a member yet."""
    groups, known_regions = await _figure_groups(pool, ReadScope.network(), on, known_at, None)
    if not groups and not known_regions:
        return None
    per_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in groups:
        per_region[g["region"]].append(g)
    shown = {r.code for r in known_regions if r.status == "active"} | set(per_region)
    members_per_region = {code: figures(per_region[code])["active_members"] for code in sorted(shown)}
    buckets = Counter(map_bucket(n) for n in members_per_region.values())
    return NetworkDashboard(
        **figures(groups),
        members_per_region=members_per_region,
        regions_per_bucket=dict(sorted(buckets.items())),
    )
