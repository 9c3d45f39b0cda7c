"""Delivering the outbox to a real SMTP server (aiosmtpd on a free local port)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import psycopg
import pytest

from shared.config import Settings, SmtpSettings
from shared.database import DatabaseAddress
from shared.mail import MAX_ATTEMPTS, Message, OutboxEntry
from shared.mail_delivery import DeliveryPolicy, MailDelivery
from shared.platform import Platform
from tests.helpers.settings import make_settings
from tests.mail.smtp_server import SmtpServer, free_port

FROM = "COORACE <ne-pas-repondre@coorace.org>"
# No waiting between attempts, so that a test can retry at once.
QUICK = DeliveryPolicy(poll_interval=0.05, first_wait=0.0, longest_wait=0.0, smtp_timeout=5.0)

INVITATION = Message(
    recipient="elodie.brule@exemple.fr",
    subject="Invitation à rejoindre l'équipe de « Relais Lens »",
    body="Bonjour Élodie,\n\nVous êtes invitée à rejoindre l'équipe : http://localhost:8000/invitation/abc?x=1\n\n"
    "À bientôt — COORACE\n",
    kind="invitation",
)


def smtp_at(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False)


def delivery(platform: Platform, port: int, policy: DeliveryPolicy = QUICK) -> MailDelivery:
    assert platform.write_pool is not None
    return MailDelivery(platform.write_pool, smtp_at(port), FROM, policy)


async def entry(platform: Platform, message_id: int) -> OutboxEntry:
    found = await platform.outbox.entry(message_id)
    assert found is not None
    return found


async def test_a_queued_message_is_delivered_once_intact_and_marked_sent(
    platform: Platform, smtp_server: SmtpServer
) -> None:
    message_id = await platform.outbox.send(INVITATION)
    sender = delivery(platform, smtp_server.port)

    assert await sender.deliver_waiting() == 1
    assert await sender.deliver_waiting() == 0

    [received] = smtp_server.received
    assert received.recipients == ["elodie.brule@exemple.fr"]
    assert received.sender == "ne-pas-repondre@coorace.org"
    mail = received.message
    assert mail["Subject"] == INVITATION.subject
    assert mail["To"] == INVITATION.recipient
    assert mail["From"] == FROM
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n") == INVITATION.body  # SMTP carries lines ending in CRLF
    assert mail["Message-ID"].startswith(f"<outbox-{message_id}.") and mail["Message-ID"].endswith("@coorace.org>")
    assert mail["Date"] is not None
    sent = await entry(platform, message_id)
    assert sent.status == "sent" and sent.sent_at is not None and sent.last_error is None and sent.attempts == 1


async def test_two_delivery_loops_racing_send_each_message_once(platform: Platform, smtp_server: SmtpServer) -> None:
    smtp_server.collector.delay = 0.01  # a slow server keeps each message locked while the other loop looks
    ids = [
        await platform.outbox.send(msgspec.structs.replace(INVITATION, subject=f"Message {n}", recipient=f"p{n}@ex.fr"))
        for n in range(12)
    ]
    first, second = delivery(platform, smtp_server.port), delivery(platform, smtp_server.port)

    counts = await asyncio.gather(first.deliver_waiting(), second.deliver_waiting())

    subjects = sorted(r.message["Subject"] for r in smtp_server.received)
    assert subjects == sorted(f"Message {n}" for n in range(12))
    assert sum(counts) == 12 and all(counts), "both loops took part, neither sent a message the other sent"
    assert [(await entry(platform, i)).status for i in ids] == ["sent"] * 12


async def test_smtp_down_records_the_attempt_and_the_message_goes_once_the_server_is_up(platform: Platform) -> None:
    server = SmtpServer(free_port())  # nothing listens there yet
    message_id = await platform.outbox.send(INVITATION)
    sender = delivery(platform, server.port)

    assert await sender.deliver_waiting() == 0
    failed = await entry(platform, message_id)
    assert failed.status == "waiting" and failed.sent_at is None and failed.attempts == 1
    assert failed.last_error is not None and f"127.0.0.1:{server.port} injoignable" in failed.last_error

    server.start()
    try:
        assert await sender.deliver_waiting() == 1
    finally:
        server.stop()
    assert [r.message["Subject"] for r in server.received] == [INVITATION.subject]
    delivered = await entry(platform, message_id)
    assert delivered.status == "sent" and delivered.attempts == 2 and delivered.last_error is None


async def test_a_failed_attempt_waits_before_the_next_one(platform: Platform, smtp_server: SmtpServer) -> None:
    message_id = await platform.outbox.send(INVITATION)
    patient = DeliveryPolicy(first_wait=60.0, longest_wait=3600.0, smtp_timeout=5.0)

    await delivery(platform, free_port(), patient).deliver_waiting()

    failed = await entry(platform, message_id)
    assert failed.attempts == 1
    assert (failed.next_attempt_at - datetime.now(UTC)).total_seconds() > 50
    assert await delivery(platform, smtp_server.port, patient).deliver_waiting() == 0, "not due yet"
    assert smtp_server.received == []


async def test_a_message_failing_every_attempt_stays_with_its_error(
    platform: Platform, smtp_server: SmtpServer
) -> None:
    message_id = await platform.outbox.send(INVITATION)
    down = delivery(platform, free_port())

    for _ in range(MAX_ATTEMPTS + 2):
        await down.deliver_waiting()

    given_up = await entry(platform, message_id)
    assert given_up.attempts == MAX_ATTEMPTS and given_up.status == "failed"
    assert given_up.last_error is not None and "injoignable" in given_up.last_error
    assert await delivery(platform, smtp_server.port).deliver_waiting() == 0
    assert smtp_server.received == []


async def test_a_recipient_the_server_refuses_is_not_retried(platform: Platform, smtp_server: SmtpServer) -> None:
    smtp_server.collector.refused.add("inconnu@exemple.fr")
    refused_id = await platform.outbox.send(msgspec.structs.replace(INVITATION, recipient="inconnu@exemple.fr"))
    good_id = await platform.outbox.send(INVITATION)

    assert await delivery(platform, smtp_server.port).deliver_waiting() == 1

    refused = await entry(platform, refused_id)
    assert refused.status == "failed" and refused.last_error is not None and "550" in refused.last_error
    assert (await entry(platform, good_id)).status == "sent"
    assert [r.recipients for r in smtp_server.received] == [[INVITATION.recipient]]


async def test_the_serving_process_delivers_in_the_background_when_smtp_is_configured(
    database,
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: ANN001
) -> None:
    from services.bootstrap import build_platform

    settings = settings_with(tmp_path, smtp_at(smtp_server.port))
    platform = build_platform(settings=settings, database=database)
    platform.mail_policy = QUICK
    await platform.start(run_projections=True)
    try:
        message_id = await platform.outbox.send(INVITATION)
        for _ in range(100):
            if (await entry(platform, message_id)).status == "sent":
                break
            await asyncio.sleep(0.05)
        assert (await entry(platform, message_id)).status == "sent"
    finally:
        await platform.stop()
    assert platform.mail_delivery is None
    assert [r.message["Subject"] for r in smtp_server.received] == [INVITATION.subject]


async def test_without_smtp_settings_messages_stay_in_the_outbox(database, tmp_path: Path) -> None:  # noqa: ANN001
    from services.bootstrap import build_platform

    platform = build_platform(settings=make_settings(tmp_path), database=database)
    platform.mail_policy = QUICK
    await platform.start(run_projections=True)
    try:
        assert platform.mail_delivery is None
        message_id = await platform.outbox.send(INVITATION)
        await asyncio.sleep(0.3)  # ample time for a loop polling every 0.05 s, were there one
        waiting = await entry(platform, message_id)
        assert waiting.status == "waiting" and waiting.attempts == 0 and waiting.last_error is None
    finally:
        await platform.stop()


def settings_with(tmp_path: Path, smtp: SmtpSettings) -> Settings:
    return msgspec.structs.replace(make_settings(tmp_path), smtp=smtp, mail_from=FROM)


async def test_a_process_dying_after_the_server_accepted_sends_the_message_again_with_the_same_id(
    platform: Platform, smtp_server: SmtpServer, database: DatabaseAddress
) -> None:
    """At least once, not exactly once: the server has the message, but the transaction that would
    mark it sent dies with its connection (as when the process is killed at that moment)."""
    message_id = await platform.outbox.send(INVITATION)

    def kill_the_senders_connection() -> None:
        with psycopg.connect(database.url(), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )

    smtp_server.collector.after_accepting = kill_the_senders_connection
    # The transaction fails as it ends (how asyncpg words it depends on when it notices).
    with pytest.raises(Exception):  # noqa: B017, PT011
        await delivery(platform, smtp_server.port).deliver_waiting()
    assert (await entry(platform, message_id)).status == "waiting", "the server has it, the outbox does not know"

    smtp_server.collector.after_accepting = None
    assert await delivery(platform, smtp_server.port).deliver_waiting() == 1

    first, second = smtp_server.received
    assert first.message["Message-ID"] == second.message["Message-ID"], "a mail system may drop the copy"
    assert (await entry(platform, message_id)).status == "sent"


async def test_a_recipient_deferred_for_now_is_retried_in_a_later_round_while_the_others_go(
    platform: Platform, smtp_server: SmtpServer
) -> None:
    smtp_server.collector.deferred.add("plus-tard@exemple.fr")
    deferred_id = await platform.outbox.send(msgspec.structs.replace(INVITATION, recipient="plus-tard@exemple.fr"))
    good_id = await platform.outbox.send(INVITATION)
    sender = delivery(platform, smtp_server.port)  # no wait between attempts: only the round holds it back

    assert await sender.deliver_waiting() == 1
    deferred = await entry(platform, deferred_id)
    assert deferred.status == "waiting" and deferred.attempts == 1
    assert deferred.last_error is not None and "451" in deferred.last_error
    assert (await entry(platform, good_id)).status == "sent"

    smtp_server.collector.deferred.clear()
    assert await sender.deliver_waiting() == 1
    assert (await entry(platform, deferred_id)).status == "sent"


async def test_a_message_that_cannot_be_written_as_e_mail_fails_for_good_without_blocking_the_queue(
    platform: Platform, smtp_server: SmtpServer
) -> None:
    broken_id = await platform.outbox.send(msgspec.structs.replace(INVITATION, subject="Objet\nBcc: tous@exemple.fr"))
    good_id = await platform.outbox.send(INVITATION)

    assert await delivery(platform, smtp_server.port).deliver_waiting() == 1

    broken = await entry(platform, broken_id)
    assert broken.status == "failed" and broken.last_error is not None
    assert broken.last_error.startswith("message impossible à construire")
    assert (await entry(platform, good_id)).status == "sent"
    assert [r.recipients for r in smtp_server.received] == [[INVITATION.recipient]]
