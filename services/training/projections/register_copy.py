"""Read model `enterprises`: the training service's own copy of what it needs of the member register
(name, region, forms, status, Accord Groupe membership), kept by following the membership service's
published events, decoded into its contract (`shared.contracts.membership`) and folded by its
`facts_after`. Services never import each other: eligibility checks read this copy.

Beside it, `enterprise_history` keeps every published event of every member as the contract states
it, written in the same transaction (one projection: the copy and its history never disagree), so
that eligibility reads a member's facts as they stood on a call's closing date with the contract's
`facts_as_of`: the same fold, in the register's effective order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from services.training.events_log import MEMBERSHIP_LOG
from shared.contracts import membership
from shared.contracts.member_follower import MemberRowsProjection
from shared.contracts.membership import (
    MemberEvent,
    MemberFacts,
    MemberRegisteredV1,
    facts_after,
    published_member_events,
    registered_facts,
)
from shared.projection import ForeignEvent, Notified
from shared.readmodel import Table, TableNames, upsert_rows

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

ENTERPRISE_HISTORY = Table(
    "enterprise_history",
    (
        ("member_id", "text NOT NULL"),
        ("version", "int NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text"),  # none: a member's history is read on the write side and by national staff
        ("event", "text NOT NULL"),  # the event's stored name (`stored_as` of its contract Struct)
        ("recorded_at", "timestamptz NOT NULL"),
        ("fields", "jsonb NOT NULL"),  # the contract Struct's own fields
    ),
    primary_key=("member_id", "version"),
)
HISTORY_ROW_COLUMNS = ("member_id", "version", "recorded_at")  # the contract's fields kept as columns


def history_row(event: MemberEvent) -> dict[str, Any]:
    fields = msgspec.to_builtins(event)
    return {
        "member_id": str(event.member_id),
        "version": event.version,
        "tenant_id": str(event.member_id),
        "region": None,
        "event": event.stored_as,
        "recorded_at": event.recorded_at,
        "fields": {k: v for k, v in fields.items() if k not in HISTORY_ROW_COLUMNS},
    }


def apply_member_fact(row: dict[str, Any] | None, event: ForeignEvent) -> dict[str, Any] | None:
    """The enterprise's row after one of its membership events (None: not a member yet)."""
    if row is None and event.name != MemberRegisteredV1.stored_as:
        return None  # an enterprise this copy never saw registered
    return enterprise_after(row, membership.decode(event))


def enterprise_after(row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
    """The enterprise's row after a member event, its facts folded by the register's published fold."""
    if row is None:
        if not isinstance(event, MemberRegisteredV1):
            return None
        facts = registered_facts(event)
    else:
        facts = facts_after(MemberFacts.from_columns(row), event)
    member_id = str(event.member_id)
    return {"member_id": member_id, "tenant_id": member_id, **facts.columns(), "version": event.version}


class RegisterCopyProjection(MemberRowsProjection):
    name = "register_copy"
    version = 2  # 2: the members' published history beside their current facts
    source = MEMBERSHIP_LOG
    table = ENTERPRISES
    tables = (ENTERPRISES, ENTERPRISE_HISTORY)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        await super().apply_batch(conn, events, tables)
        history = [history_row(e) for e in published_member_events(events, f"{self.name} history")]
        # By (member, version): the same rows again if a batch is ever applied twice.
        await upsert_rows(conn, tables[ENTERPRISE_HISTORY.name], ENTERPRISE_HISTORY, history)

    def row_after(self, row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
        return enterprise_after(row, event)
