"""Delivering the outbox by SMTP: a loop in the serving process, when SMTP is configured.

Each message is claimed in its own database transaction (`FOR UPDATE SKIP LOCKED`, so that
several processes never hold the same one), handed to the SMTP server, and marked sent in that
same transaction once the server has accepted it. Delivery is therefore at least once: a process
killed between the server's acceptance and the commit leaves the message waiting, and it is sent
again (with the same Message-ID, which lets mail systems drop the copy). A failure counts an
attempt, records the error and waits longer before the next one; after `MAX_ATTEMPTS` the message
stays in the outbox with its error, for staff to see.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

import aiosmtplib
import asyncpg
import msgspec
import structlog

from shared.config import SmtpSettings
from shared.mail import MAX_ATTEMPTS
from shared.outages import is_database_outage

log = structlog.get_logger(__name__)


class DeliveryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    # How often an idle loop looks for new messages: a password-reset link arrives within seconds.
    poll_interval: float = 2.0
    # The wait after the first failure, doubled after each next one, up to `longest_wait`: ten
    # attempts then span about three hours, long enough for a mail server's outage to be repaired.
    first_wait: float = 30.0
    longest_wait: float = 3600.0
    # One SMTP command's longest wait; a message's transaction is held open meanwhile.
    smtp_timeout: float = 30.0


_CLAIM = """
    SELECT id, recipient, subject, body, queued_at, attempts FROM platform.outbox
    WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= now() AND NOT id = ANY($2::bigint[])
    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
"""
_SENT = "UPDATE platform.outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1"
_FAILED = """
    UPDATE platform.outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4)
    WHERE id = $1
"""


def retry_wait(policy: DeliveryPolicy, attempts: int) -> float:
    """Seconds to wait before the next attempt, after `attempts` failed ones."""
    return float(min(policy.first_wait * 2 ** max(attempts - 1, 0), policy.longest_wait))


def email_message(row: Mapping[str, object], mail_from: str) -> EmailMessage:
    """The outbox row as an RFC 5322 message: plain UTF-8 text, its subject encoded as needed."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = str(row["recipient"])
    message["Subject"] = str(row["subject"])
    queued_at = row["queued_at"]
    assert isinstance(queued_at, datetime)
    # The date the message was written, and an id that stays the same if it is ever sent twice.
    message["Date"] = format_datetime(queued_at)
    message["Message-ID"] = f"<outbox-{row['id']}.{queued_at.strftime('%Y%m%d%H%M%S%f')}@{_domain(mail_from)}>"
    # Quoted-printable keeps the accents 7-bit clean for any server, and readable in the raw text.
    message.set_content(str(row["body"]), charset="utf-8", cte="quoted-printable")
    return message


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2]


class DeliveryFailed(Exception):
    """One message could not be handed to the SMTP server; `permanent` when retrying cannot help
    (the server refused the recipient or the message), `reachable` False when no session opened."""

    def __init__(self, message: str, *, permanent: bool = False, reachable: bool = True) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reachable = reachable


class MailDelivery:
    """Sends the outbox's waiting messages through one SMTP server; `start` runs it in the background."""

    def __init__(
        self, pool: asyncpg.Pool, smtp: SmtpSettings, mail_from: str, policy: DeliveryPolicy | None = None
    ) -> None:
        self.pool = pool
        self.smtp = smtp
        self.mail_from = mail_from
        self.policy = policy or DeliveryPolicy()
        self._client: aiosmtplib.SMTP | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def deliver_waiting(self) -> int:
        """Send every message that is due, one transaction each; answers how many were sent. A
        server that cannot be reached ends the round (the others would fail alike), and a message
        that failed is not tried again within the same round."""
        sent = 0
        failed: list[int] = []
        try:
            while not self._stopping.is_set():
                outcome = await self._deliver_one(failed)
                if outcome is None or outcome == "unreachable":
                    break
                sent += outcome == "sent"
        finally:
            await self._close()
        return sent

    async def _deliver_one(self, failed: list[int]) -> str | None:
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(_CLAIM, MAX_ATTEMPTS, failed)
            if row is None:
                return None
            try:
                await self._send(row)
            except DeliveryFailed as failure:
                attempts = MAX_ATTEMPTS if failure.permanent else row["attempts"] + 1
                wait = retry_wait(self.policy, attempts)
                await conn.execute(_FAILED, row["id"], attempts, str(failure), wait)
                failed.append(row["id"])
                log.warning(
                    "mail.delivery_failed",
                    message_id=row["id"],
                    attempts=attempts,
                    error=str(failure),
                    gives_up=attempts >= MAX_ATTEMPTS,
                    retry_in=wait,
                )
                return "failed" if failure.reachable else "unreachable"
            # The server has the message: mark it sent in the transaction that locked it.
            await conn.execute(_SENT, row["id"])
            log.info("mail.sent", message_id=row["id"])
            return "sent"

    async def _send(self, row: Mapping[str, Any]) -> None:
        """Hand the message to the server; every way this fails is a `DeliveryFailed`, so that one
        message can never stop the queue (an error the loop did not foresee is retried, then kept)."""
        try:
            message = email_message(row, self.mail_from)
        except (ValueError, TypeError) as error:  # e.g. a line break in the subject or the address
            raise DeliveryFailed(f"message impossible à construire : {error}", permanent=True) from error
        try:
            await self._hand_over(message, str(row["recipient"]))
        except DeliveryFailed:
            raise
        except Exception as error:
            log.exception("mail.unexpected_error", message_id=row["id"])
            await self._close()
            raise DeliveryFailed(f"erreur inattendue : {error!r}") from error

    async def _hand_over(self, message: EmailMessage, recipient: str) -> None:
        smtp = self.smtp
        if self._client is None:
            client = aiosmtplib.SMTP(
                hostname=smtp.host,
                port=smtp.port,
                username=smtp.username,
                password=smtp.password,
                start_tls=smtp.starttls,
                timeout=self.policy.smtp_timeout,
            )
            try:
                await client.connect()
            except aiosmtplib.SMTPResponseException as error:
                client.close()
                # The server answered but will not take mail from us now (greeting refused, STARTTLS
                # or authentication refused): no message would pass, so the round ends too.
                raise DeliveryFailed(
                    f"le serveur SMTP {smtp.host}:{smtp.port} refuse la session : {_describe(error)}", reachable=False
                ) from error
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
                client.close()
                raise DeliveryFailed(
                    f"serveur SMTP {smtp.host}:{smtp.port} injoignable : {_describe(error)}", reachable=False
                ) from error
            self._client = client
        try:
            await self._client.send_message(message, sender=parseaddr(self.mail_from)[1], recipients=[recipient])
        except aiosmtplib.SMTPRecipientsRefused as error:
            await self._close()
            refusals = "; ".join(_describe(r) for r in error.recipients)
            # 5xx is the server's final word; 4xx (a full mailbox, greylisting) says "try again later".
            permanent = all(r.code >= 500 for r in error.recipients)
            raise DeliveryFailed(
                f"destinataire refusé par le serveur SMTP : {refusals}", permanent=permanent
            ) from error
        except aiosmtplib.SMTPResponseException as error:
            await self._close()
            raise DeliveryFailed(
                f"message refusé par le serveur SMTP : {_describe(error)}", permanent=error.code >= 500
            ) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self._close()
            raise DeliveryFailed(f"envoi interrompu : {_describe(error)}") from error

    async def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()

    # --- the background loop --------------------------------------------------------------

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="mail-delivery")
        log.info("mail.delivery_started", host=self.smtp.host, port=self.smtp.port)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.deliver_waiting()
            except Exception as error:  # the loop outlives any failed round: the next one tries again
                if is_database_outage(error):
                    log.warning("mail.round_failed", error=repr(error), retry_in=self.policy.poll_interval)
                else:
                    log.exception("mail.round_failed", error=repr(error), retry_in=self.policy.poll_interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.policy.poll_interval)

    async def stop(self) -> None:
        """Let the message being sent finish (a cut between the server's acceptance and the commit
        would send it twice), then stop; past the SMTP timeout, cancel."""
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self.policy.smtp_timeout + 1)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None


def _describe(error: BaseException) -> str:
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{error.code} {error.message}"
    return str(error) or type(error).__name__
