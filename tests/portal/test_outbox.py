"""The outbox: a message a command sends is kept in the database, whole, until delivered."""

from __future__ import annotations

from shared.mail import Message


async def test_a_queued_message_is_kept_whole_and_waits_for_delivery(platform) -> None:  # noqa: ANN001
    message_id = await platform.outbox.send(
        Message(recipient="anne@example.org", subject="Invitation", body="Bonjour Anne,\n…", kind="invitation")
    )
    async with platform.write_pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM platform.outbox WHERE id = $1", message_id)
    assert (row["recipient"], row["subject"], row["body"], row["kind"]) == (
        "anne@example.org",
        "Invitation",
        "Bonjour Anne,\n…",
        "invitation",
    )
    assert row["sent_at"] is None and row["attempts"] == 0
