"""Read model of the register: `members` (one row per member: what its own portal shows), the
`regions` reference list, and the figures per region (`region_dashboard`) and for the network
(`network_dashboard`).

The figures are recounted, after each batch and in the same transaction, from the `members` rows of
the regions the batch touched (one aggregate query). Counting from rows rather than adding and
subtracting per event makes the figures independent of batch boundaries: a rebuild in large
batches equals the live tables row for row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import asyncpg

from services.membership.domain.regions import OVERSEAS
from services.membership.events_log import MEMBERSHIP_LOG
from services.membership.member_state import apply_member_event
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, fetch_rows_by_key, upsert_rows

MEMBERS = Table(
    "members",
    (
        ("member_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
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
        ("certificate_at_risk", "boolean NOT NULL"),
        ("accord_groupe_since", "date"),
        ("dues", "jsonb NOT NULL"),
        ("tenures", "jsonb NOT NULL"),
        ("version", "int NOT NULL"),
        ("updated_at", "timestamptz NOT NULL"),
    ),
    primary_key=("member_id",),
    indexes=(("region", "status"), ("certification_group",), ("name",)),
)

REGIONS = Table(
    "regions",
    (
        ("code", "text NOT NULL"),
        ("tenant_id", "text"),
        ("region", "text"),
        ("name", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("merged_into", "text"),
        ("overseas", "boolean NOT NULL"),
    ),
    primary_key=("code",),
)

_FIGURES = (
    ("members", "int NOT NULL"),
    ("active_members", "int NOT NULL"),
    ("by_form", "jsonb NOT NULL"),
    ("by_carried_form", "jsonb NOT NULL"),
    ("by_status", "jsonb NOT NULL"),
    ("certified", "jsonb NOT NULL"),
    ("certificates_at_risk", "int NOT NULL"),
    ("accord_groupe", "int NOT NULL"),
)

REGION_DASHBOARD = Table(
    "region_dashboard",
    (
        ("region", "text NOT NULL"),
        ("tenant_id", "text"),
        ("name", "text NOT NULL"),
        *_FIGURES,
        ("map_bucket", "text NOT NULL"),
    ),
    primary_key=("region",),
)

NETWORK_DASHBOARD = Table(
    "network_dashboard",
    (
        ("scope", "text NOT NULL"),
        ("tenant_id", "text"),
        ("region", "text"),
        *_FIGURES,
        ("members_per_region", "jsonb NOT NULL"),
        ("regions_per_bucket", "jsonb NOT NULL"),
    ),
    primary_key=("scope",),
)


def map_bucket(active_members: int) -> str:
    """The activity report's map legend."""
    if active_members > 60:
        return "more than 60"
    if active_members >= 30:
        return "30 to 60"
    if active_members >= 15:
        return "15 to 30"
    if active_members >= 1:
        return "1 to 15"
    return "none"


def figures(groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The register's figures from member rows grouped by what they count (`n` members each)."""
    total: Counter[str] = Counter()
    by_form: Counter[str] = Counter()
    by_carried_form: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    certified: Counter[str] = Counter()
    for g in groups:
        n = g["n"]
        by_status[g["status"]] += n
        total["members"] += n
        if g["status"] != "active":
            continue
        total["active"] += n
        by_form[g["primary_form"]] += n
        for form in g["forms"]:
            by_carried_form[form] += n
        if g["certification_scheme"]:
            certified[g["certification_scheme"]] += n
        total["at_risk"] += n if g["certificate_at_risk"] else 0
        total["accord"] += n if g["accord_groupe"] else 0
    return {
        "members": total["members"],
        "active_members": total["active"],
        "by_form": dict(sorted(by_form.items())),
        "by_carried_form": dict(sorted(by_carried_form.items())),
        "by_status": dict(sorted(by_status.items())),
        "certified": dict(sorted(certified.items())),
        "certificates_at_risk": total["at_risk"],
        "accord_groupe": total["accord"],
    }


def is_member_event(notified: Notified) -> bool:
    return type(notified.event).__qualname__.startswith("Member.")


def is_region_event(notified: Notified) -> bool:
    return type(notified.event).__qualname__.startswith("RegionRegistry.")


class RegisterProjection(Projection):
    name = "register"
    version = 1
    source = MEMBERSHIP_LOG
    tables = (MEMBERS, REGIONS, REGION_DASHBOARD, NETWORK_DASHBOARD)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        touched: set[str] = set()
        members: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}
        member_ids = [str(n.event.originator_id) for n in events if is_member_event(n)]
        members.update(await fetch_rows_by_key(conn, tables["members"], "member_id", member_ids))
        for notified in events:
            event = notified.event
            if is_region_event(notified):
                touched |= await self._apply_region_event(conn, event, tables)
            elif is_member_event(notified):
                member_id = str(event.originator_id)
                before = members.get(member_id)
                row = apply_member_event(before, event)
                members[member_id] = changed[member_id] = row
                touched |= {row["region"], before["region"] if before else row["region"]}
                group = before["certification_group"] if before else None
                if group and type(event).__name__ in ("CertificationLost", "Resigned", "Excluded"):
                    # A collective certificate covers the whole group: when one member loses it,
                    # the certificate of every other holder is at risk.
                    for other in await self._holders(conn, tables, group, members):
                        if other["member_id"] != member_id:
                            members[other["member_id"]] = changed[other["member_id"]] = {
                                **other,
                                "certificate_at_risk": True,
                            }
        await upsert_rows(conn, tables["members"], MEMBERS, list(changed.values()))
        if touched:
            await self._recount(conn, tables, touched)

    @staticmethod
    async def _holders(
        conn: asyncpg.Connection, tables: TableNames, group: str, loaded: dict[str, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        for record in await conn.fetch(f"SELECT * FROM {tables['members']} WHERE certification_group = $1", group):
            loaded.setdefault(record["member_id"], dict(record))
        return [row for row in loaded.values() if row["certification_group"] == group]

    async def _apply_region_event(self, conn: asyncpg.Connection, event: Any, tables: TableNames) -> set[str]:
        kind = type(event).__name__
        rows: list[dict[str, Any]] = []
        if kind == "Established":
            rows = [_region_row(code, name, "active", None) for code, name in event.regions]
        elif kind == "RegionsMerged":
            names = await conn.fetch(
                f"SELECT code, name FROM {tables['regions']} WHERE code = ANY($1)", list(event.merged)
            )
            rows = [_region_row(r["code"], r["name"], "retired", event.new_code) for r in names]
            rows.append(_region_row(event.new_code, event.new_name, "active", None))
        await upsert_rows(conn, tables["regions"], REGIONS, rows)
        return {r["code"] for r in rows}

    async def _recount(self, conn: asyncpg.Connection, tables: TableNames, regions: set[str]) -> None:
        groups = await conn.fetch(
            f"SELECT region, primary_form, forms, status, certification_scheme, certificate_at_risk, "
            f"accord_groupe_since IS NOT NULL AS accord_groupe, count(*) AS n FROM {tables['members']} "
            f"WHERE region = ANY($1) GROUP BY 1, 2, 3, 4, 5, 6, 7",
            sorted(regions),
        )
        regions_rows = {r["code"]: r for r in await conn.fetch(f"SELECT * FROM {tables['regions']}")}
        rows = []
        for code in sorted(regions):
            region_figures = figures([g for g in groups if g["region"] == code])
            region = regions_rows.get(code)
            if region is not None and region["status"] == "retired" and region_figures["members"] == 0:
                await conn.execute(f"DELETE FROM {tables['region_dashboard']} WHERE region = $1", code)
                continue
            rows.append(
                {
                    "region": code,
                    "tenant_id": None,
                    "name": region["name"] if region else code,
                    **region_figures,
                    "map_bucket": map_bucket(region_figures["active_members"]),
                }
            )
        await upsert_rows(conn, tables["region_dashboard"], REGION_DASHBOARD, rows)
        await self._recount_network(conn, tables)

    async def _recount_network(self, conn: asyncpg.Connection, tables: TableNames) -> None:
        dashboards = [dict(r) for r in await conn.fetch(f"SELECT * FROM {tables['region_dashboard']}")]
        summed: dict[str, Any] = {"members": 0, "active_members": 0, "certificates_at_risk": 0, "accord_groupe": 0}
        counters: dict[str, Counter[str]] = {
            k: Counter() for k in ("by_form", "by_carried_form", "by_status", "certified")
        }
        for d in dashboards:
            for key in summed:
                summed[key] += d[key]
            for key, counter in counters.items():
                counter.update(d[key])
        row = {
            "scope": "network",
            "tenant_id": None,
            "region": None,
            **summed,
            **{key: dict(sorted(counter.items())) for key, counter in counters.items()},
            "members_per_region": {d["region"]: d["active_members"] for d in sorted(dashboards, key=_region)},
            "regions_per_bucket": dict(sorted(Counter(d["map_bucket"] for d in dashboards).items())),
        }
        await upsert_rows(conn, tables["network_dashboard"], NETWORK_DASHBOARD, [row])


def _region(d: dict[str, Any]) -> str:
    return d["region"]


def _region_row(code: str, name: str, status: str, merged_into: str | None) -> dict[str, Any]:
    return {
        "code": code,
        "tenant_id": None,
        "region": code,
        "name": name,
        "status": status,
        "merged_into": merged_into,
        "overseas": code in OVERSEAS,
    }
