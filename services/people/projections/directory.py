"""Read model `directory`: everyone in the directory as they stand now, one row per person.

Row-level security scopes it like every read model: a member's people (`tenant_id` = the member) to
that member, regional people (`region`) to their region, everyone to the network. People of the
national level (staff, fund reviewers, auditors) have neither and are seen by the network only.
The sign-in and the session lookup read it too (on the write pool, by e-mail and by id).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.people.domain.erasure import Erasure
from services.people.domain.person import EmailIndex, Person, Status
from services.people.events_log import PEOPLE_LOG
from shared.events import UnknownEvent
from shared.personal import ERASED
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, fetch_rows_by_key, upsert_rows

DIRECTORY = Table(
    "directory",
    (
        ("person_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),  # '' for people of no member
        ("region", "text NOT NULL"),  # '' for people of no region
        ("name", "text NOT NULL"),
        ("email", "text NOT NULL"),
        ("phone", "text"),
        ("subject", "text"),  # the data subject of the details (NULL: stored before sealing)
        ("role", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("invited_at", "timestamptz NOT NULL"),
        ("invited_by", "text NOT NULL"),
        ("activated_at", "timestamptz"),  # when the invitation was accepted (NULL: not yet)
        ("version", "int NOT NULL"),
        ("updated_at", "timestamptz NOT NULL"),
    ),
    primary_key=("person_id",),
    indexes=(("email",), ("tenant_id", "name"), ("region", "name"), ("name",)),
)


def row_after(row: dict[str, Any] | None, event: Any) -> dict[str, Any] | None:
    """A person's row after one of their events (None: the event is not about a person's row)."""
    match event:
        case Person.Invited():
            details = event.details
            return {
                "person_id": str(event.originator_id),
                "tenant_id": event.tenant or "",
                "region": event.region or "",
                "name": details.name,
                "email": details.email,
                "phone": details.phone,
                "subject": None if details.subject is None else str(details.subject),
                "role": event.role,
                "status": Status.INVITED.value,
                "invited_at": event.timestamp,
                "invited_by": event.invited_by,
                "activated_at": None,
                "version": event.originator_version,
                "updated_at": event.timestamp,
            }
        case EmailIndex.Claimed() | Erasure.Recorded():
            return None  # not a person's row (an erasure rewrites rows by subject: `erase_rows`)
        case _ if row is None:
            return None  # an event of a person whose invitation the log does not hold: nothing to show
        case Person.Activated():
            changes: dict[str, Any] = {"status": Status.ACTIVE.value, "activated_at": event.timestamp}
        case Person.RoleChanged():
            changes = {"role": event.role, "tenant_id": event.tenant or "", "region": event.region or ""}
        case Person.Deactivated():
            changes = {"status": Status.DEACTIVATED.value}
        case Person.Reactivated():
            # Back to where the person was: active if they had accepted their invitation.
            changes = {"status": Status.ACTIVE.value if row["activated_at"] else Status.INVITED.value}
        case _:
            raise UnknownEvent("the directory projection", event)
    return {**row, **changes, "version": event.originator_version, "updated_at": event.timestamp}


async def erase_rows(conn: asyncpg.Connection, physical: str, subjects: Sequence[str]) -> None:
    """The rows of erased data subjects read as their events now decode: "[effacé]"."""
    await conn.execute(
        f"UPDATE {physical} SET name = $2, email = $2, phone = NULL WHERE subject = ANY($1::text[])", subjects, ERASED
    )


class DirectoryProjection(Projection):
    name = "directory"
    version = 2  # 2: the details' data subject, and erasures
    source = PEOPLE_LOG
    tables = (DIRECTORY,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        physical = tables["directory"]
        not_people = (EmailIndex.Claimed, Erasure.Recorded)
        ids = {str(n.event.originator_id) for n in events if not isinstance(n.event, not_people)}
        rows: dict[str, dict[str, Any]] = await fetch_rows_by_key(conn, physical, "person_id", ids)
        changed: dict[str, dict[str, Any]] = {}
        for notified in events:
            key = str(notified.event.originator_id)
            after = row_after(rows.get(key), notified.event)
            if after is None:
                continue
            rows[key] = changed[key] = after
        await upsert_rows(conn, physical, DIRECTORY, list(changed.values()))
        erased = [str(s) for n in events if isinstance(n.event, Erasure.Recorded) for s in n.event.subjects]
        if erased:
            await erase_rows(conn, physical, erased)
