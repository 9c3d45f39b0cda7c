"""A test projection beside the real ones: it records which events it saw, and fails on command.

It follows the membership log into its own table, so the real read models are untouched by it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

import asyncpg

from services.membership.app import MEMBERSHIP
from services.membership.events_log import MEMBERSHIP_LOG
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows
from shared.service import ServiceDefinition

PROBE_ROWS = Table(
    "poison_probe_rows",
    (("notification_id", "bigint NOT NULL"), ("tenant_id", "text NOT NULL"), ("region", "text NOT NULL")),
    primary_key=("notification_id",),
)


class PoisonProbe(Projection):
    """Raises on the registration of the members named in `poison` (a bug in the projection, or an
    event it cannot take)."""

    name = "poison_probe"
    version = 1
    source = MEMBERSHIP_LOG
    tables = (PROBE_ROWS,)

    poison: set[str] = set()
    attempts_on_poison: list[float] = []  # loop time of each try that held a poisoned event alone

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        poisoned = [n.notification_id for n in events if getattr(n.event, "name", None) in PoisonProbe.poison]
        if poisoned:
            if len(events) == 1:
                PoisonProbe.attempts_on_poison.append(asyncio.get_running_loop().time())
            raise RuntimeError(f"the probe cannot take event {poisoned[0]}")
        rows = [{"notification_id": n.notification_id, "tenant_id": "-", "region": "-"} for n in events]
        await append_rows(conn, tables["poison_probe_rows"], PROBE_ROWS, rows)


class HangsWhenRebuilt(PoisonProbe):
    """Applies the live generation normally, and hangs for good when a rebuild replays into a new one:
    a rebuild that a test can kill half-way."""

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        if tables.generation > 1:
            await asyncio.sleep(3600)
        await super().apply_batch(conn, events, tables)


class FailsWhenRebuilt(PoisonProbe):
    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        if tables.generation > 1:
            raise RuntimeError("the replay fails half-way")
        await super().apply_batch(conn, events, tables)


def membership_with_probe() -> ServiceDefinition:
    """The membership service with the probe registered beside its real projections."""
    return dataclasses.replace(MEMBERSHIP, projections=lambda: [*MEMBERSHIP.projections(), PoisonProbe()])


def reset_probe() -> None:
    PoisonProbe.poison = set()
    PoisonProbe.attempts_on_poison = []
