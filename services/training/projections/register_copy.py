"""Read model `enterprises`: the training service's own copy of what it needs of the member register
(name, region, forms, status, Accord Groupe membership), kept by following the membership service's
published events. Services never import each other: eligibility checks read this copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.training.events_log import MEMBERSHIP_LOG
from shared.projection import ForeignEvent, Notified, Projection
from shared.readmodel import Table, TableNames, fetch_rows_by_key, upsert_rows

ENTERPRISES = Table(
    "enterprises",
    (
        ("member_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("name", "text NOT NULL"),
        ("forms", "text[] NOT NULL"),
        ("primary_form", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("accord_groupe_since", "date"),
        ("version", "int NOT NULL"),
    ),
    primary_key=("member_id",),
    indexes=(("accord_groupe_since",),),
)

_STATUS_AFTER = {"Member.Resigned": "resigned", "Member.Excluded": "excluded", "Member.Reinstated": "active"}


def apply_member_fact(row: dict[str, Any] | None, event: ForeignEvent) -> dict[str, Any] | None:
    """The enterprise's row after one of its membership events (None: not a member yet)."""
    state = event.state
    if event.name == "Member.Registered":
        member_id = str(event.originator_id)
        row = {
            "member_id": member_id,
            "tenant_id": member_id,
            "region": state["region"],
            "name": state["name"],
            "forms": list(state["forms"]),
            "primary_form": state["forms"][0],
            "status": "active",
            "accord_groupe_since": None,
        }
    elif row is None:
        return None
    else:
        row = dict(row)
        if event.name == "Member.MovedToRegion":
            row["region"] = state["region"]
        elif event.name == "Member.FormsChanged":
            row.update(forms=list(state["forms"]), primary_form=state["forms"][0])
        elif event.name == "Member.DetailsChanged":
            row["name"] = state["name"]
        elif event.name == "Member.JoinedAccordGroupe":
            row["accord_groupe_since"] = state["effective_on"]
        elif event.name == "Member.LeftAccordGroupe":
            row["accord_groupe_since"] = None
        elif event.name in _STATUS_AFTER:
            row["status"] = _STATUS_AFTER[event.name]
    row["version"] = event.originator_version
    return row


class RegisterCopyProjection(Projection):
    name = "register_copy"
    version = 1
    foreign = True
    source = MEMBERSHIP_LOG
    tables = (ENTERPRISES,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        member_events = [n.event for n in events if n.event.name.startswith("Member.")]
        if not member_events:
            return
        rows = await fetch_rows_by_key(
            conn, tables["enterprises"], "member_id", [str(e.originator_id) for e in member_events]
        )
        changed: dict[str, dict[str, Any]] = {}
        for event in member_events:
            member_id = str(event.originator_id)
            row = apply_member_fact(rows.get(member_id), event)
            if row is not None:
                rows[member_id] = changed[member_id] = row
        await upsert_rows(conn, tables["enterprises"], ENTERPRISES, list(changed.values()))
