"""Read model `member_directory`: what le Cap needs to know about members, followed from the
member register's event log (never from its code): current region, forms, name and status.

It decides who a regional delegate sees (the members *now* in their region), groups figures per
region and per form, and checks that a member (or a peer) exists before an assessment or a review
names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.assessment.events_log import MEMBERSHIP_LOG
from shared.projection import ForeignEvent, Notified, Projection
from shared.readmodel import Table, TableNames, fetch_rows_by_key, upsert_rows

MEMBER_DIRECTORY = Table(
    "member_directory",
    (
        ("member_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("name", "text NOT NULL"),
        ("forms", "text[] NOT NULL"),
        ("primary_form", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("version", "int NOT NULL"),
    ),
    primary_key=("member_id",),
    indexes=(("region", "primary_form"),),
)

_STATUS = {"Resigned": "resigned", "Excluded": "excluded", "Reinstated": "active"}


def _changed(row: dict[str, Any] | None, event: ForeignEvent) -> dict[str, Any] | None:
    state = event.state
    if event.name == "Member.Registered":
        forms = list(state["forms"])
        return {
            "member_id": str(event.originator_id),
            "tenant_id": str(event.originator_id),
            "region": state["region"],
            "name": state["name"],
            "forms": forms,
            "primary_form": forms[0],
            "status": "active",
        }
    if row is None:
        return None
    kind = event.name.removeprefix("Member.")
    if kind == "MovedToRegion":
        return {**row, "region": state["region"]}
    if kind == "FormsChanged":
        forms = list(state["forms"])
        return {**row, "forms": forms, "primary_form": forms[0]}
    if kind == "DetailsChanged":
        return {**row, "name": state["name"]}
    if kind in _STATUS:
        return {**row, "status": _STATUS[kind]}
    return None  # certifications, dues, Accord Groupe: not le Cap's business


class MemberDirectoryProjection(Projection):
    name = "member_directory"
    foreign = True
    version = 1
    source = MEMBERSHIP_LOG
    tables = (MEMBER_DIRECTORY,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        member_events: list[ForeignEvent] = [n.event for n in events if n.event.name.startswith("Member.")]
        if not member_events:
            return
        rows = await fetch_rows_by_key(
            conn, tables["member_directory"], "member_id", [str(e.originator_id) for e in member_events]
        )
        changed = {}
        for event in member_events:
            key = str(event.originator_id)
            row = _changed(rows.get(key), event)
            if row is not None:
                row["version"] = event.originator_version
                rows[key] = changed[key] = row
        await upsert_rows(conn, tables["member_directory"], MEMBER_DIRECTORY, list(changed.values()))
