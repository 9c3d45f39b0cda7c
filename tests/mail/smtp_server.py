"""A real SMTP server for the tests (aiosmtpd, in its own thread), keeping what it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """The server's handler: accepts every message (slowly if asked), refuses some recipients for
    good (5xx) or for now (4xx)."""

    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    deferred: set[str] = field(default_factory=set)
    delay: float = 0.0
    # Called once the message is kept, before the server answers that it accepted it.
    after_accepting: Callable[[], None] | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 Mailbox unknown"
        if address in self.deferred:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.after_accepting is not None:
            self.after_accepting()
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.collector = Collector()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        return self.collector.received
