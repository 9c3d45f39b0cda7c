"""E-mail: every message goes to the outbox table first, in French, addressed to one person.

Writing to the outbox is all a command does; delivering is the sender's job (`shared.mail_delivery`:
SMTP when configured, else the messages stay in the outbox, which national staff read in the
portal in development). A message is thus never lost when the mail server is down, and never sent
from inside a command.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

# After this many failed attempts a message is no longer retried: it stays in the outbox with its
# last error, for staff to see (and queue again by hand if the cause is fixed).
MAX_ATTEMPTS = 10
PAGE_SIZE = 50


class Message(msgspec.Struct, frozen=True, kw_only=True):
    recipient: str
    subject: str
    body: str
    # What the message is for ("invitation", "password_reset", "review_request", ...): staff filter
    # the outbox by it, and tests find their message by it.
    kind: str


class OutboxEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A message as the outbox holds it, with where its delivery stands."""

    id: int
    recipient: str
    subject: str
    body: str
    kind: str
    queued_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime

    @property
    def status(self) -> str:
        """ "sent", "failed" (no more attempts) or "waiting" (maybe after failed attempts)."""
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.attempts >= MAX_ATTEMPTS else "waiting"


_COLUMNS = "id, recipient, subject, body, kind, queued_at, sent_at, attempts, last_error, next_attempt_at"


class Outbox:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def send(self, message: Message) -> int:
        """Queue the message; answers its id in the outbox."""
        async with self._pool.acquire() as conn:
            message_id: int = await conn.fetchval(
                "INSERT INTO platform.outbox (recipient, subject, body, kind) VALUES ($1, $2, $3, $4) RETURNING id",
                message.recipient,
                message.subject,
                message.body,
                message.kind,
            )
        return message_id

    # The outbox holds every tenant's mail: these reads are for national staff only (the page's
    # guard), and go through the write pool since the reader role has no grant on the platform schema.

    async def entries(
        self,
        *,
        kind: str | None = None,
        recipient: str | None = None,
        before: int | None = None,
        limit: int = PAGE_SIZE,
    ) -> list[OutboxEntry]:
        """The newest messages first (those older than message `before`, when given); `recipient`
        matches any part of the address, ignoring case."""
        pattern = None if not recipient else "%" + _escape_like(recipient) + "%"
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM platform.outbox "
            "WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR recipient ILIKE $2) "
            "AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
            kind or None,
            pattern,
            before,
            limit,
        )
        return [OutboxEntry(**dict(row)) for row in rows]

    async def entry(self, message_id: int) -> OutboxEntry | None:
        row = await self._pool.fetchrow(f"SELECT {_COLUMNS} FROM platform.outbox WHERE id = $1", message_id)
        return None if row is None else OutboxEntry(**dict(row))

    async def kinds(self) -> list[str]:
        return [row["kind"] for row in await self._pool.fetch("SELECT DISTINCT kind FROM platform.outbox ORDER BY 1")]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
