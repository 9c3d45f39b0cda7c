"""Read model `notifications` and the outbox: each `Notification.Sent` becomes one outbox message.

The message is written in the projection's own transaction, with the projection's position: a
process that dies between the event and the outbox rolls both back, and the runner applies the
event again — exactly once into the outbox, however often the runner retries. A replay (a rebuild
of this projection into a new generation) must not queue the message again: the outbox row's id is
kept in `people.notification_deliveries`, keyed by the notification, written in that same
transaction; a replay finds it there and reuses the id (its primary key refuses a second row even
when a rebuild and the live projection race on the same event).

The `notifications` table lists what was sent, to whom and why (no body: it is in the outbox).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from services.people.domain.notification import Notification, text_sent
from services.people.events_log import PEOPLE_LOG, SCHEMA
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, upsert_rows

NOTIFICATIONS = Table(
    "notifications",
    (
        ("notification_id", "text NOT NULL"),
        ("kind", "text NOT NULL"),
        ("key", "text NOT NULL"),
        ("recipient_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),  # the member it is about ('' for none)
        ("region", "text NOT NULL"),  # always '' (seen by the network only, and by its member)
        ("subject", "text NOT NULL"),
        ("link", "text NOT NULL"),
        ("cause_service", "text NOT NULL"),
        ("cause_event", "text NOT NULL"),
        ("sent_at", "timestamptz NOT NULL"),
        ("outbox_id", "bigint NOT NULL"),
    ),
    primary_key=("notification_id",),
    indexes=(("recipient_id", "sent_at"), ("kind", "sent_at")),
)

_DELIVERED = f"SELECT outbox_id FROM {SCHEMA}.notification_deliveries WHERE notification_id = $1"
_QUEUE = "INSERT INTO platform.outbox (recipient, subject, body, kind) VALUES ($1, $2, $3, $4) RETURNING id"
_RECORD = f"INSERT INTO {SCHEMA}.notification_deliveries (notification_id, outbox_id) VALUES ($1, $2)"


async def queue_once(conn: asyncpg.Connection, notification_id: UUID, event: Notification.Sent) -> int:
    """The outbox message of the notification: queued now, or the one queued before."""
    outbox_id: int | None = await conn.fetchval(_DELIVERED, notification_id)
    if outbox_id is None:
        outbox_id = await conn.fetchval(_QUEUE, event.recipient.email, event.subject, text_sent(event), event.kind)
        # A rival transaction that queued it first makes this fail: the whole batch rolls back
        # (its outbox row too) and the runner's retry finds the rival's row above.
        await conn.execute(_RECORD, notification_id, outbox_id)
    assert outbox_id is not None
    return outbox_id


class NotificationOutboxProjection(Projection):
    name = "notification_outbox"
    version = 1
    source = PEOPLE_LOG
    tables = (NOTIFICATIONS,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        rows: list[dict[str, Any]] = []
        for notified in events:
            event = notified.event
            if not isinstance(event, Notification.Sent):
                continue  # the directory's other events (people, e-mail index): not ours
            outbox_id = await queue_once(conn, event.originator_id, event)
            rows.append(
                {
                    "notification_id": str(event.originator_id),
                    "kind": event.kind,
                    "key": event.key,
                    "recipient_id": event.recipient_id,
                    "tenant_id": event.tenant_id or "",
                    "region": "",
                    "subject": event.subject,
                    "link": event.link,
                    "cause_service": event.cause_service,
                    "cause_event": event.cause_event,
                    "sent_at": event.timestamp,
                    "outbox_id": outbox_id,
                }
            )
        await upsert_rows(conn, tables["notifications"], NOTIFICATIONS, rows)
