"""E-mail: every message goes to the outbox table first, in French, addressed to one person.

Writing to the outbox is all a command does; delivering is the sender's job (SMTP when configured,
else the messages stay in the outbox, which national staff read in the portal in development).
A message is thus never lost when the mail server is down, and never sent from inside a command.
"""

from __future__ import annotations

import asyncpg
import msgspec


class Message(msgspec.Struct, frozen=True, kw_only=True):
    recipient: str
    subject: str
    body: str
    # What the message is for ("invitation", "password_reset", "review_request", ...): staff filter
    # the outbox by it, and tests find their message by it.
    kind: str


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
