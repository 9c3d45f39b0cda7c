"""The directory's notifications, as the services that trigger them see it (contract version 1).

A source service (le Cap, the Fonds Mutualisés Solidaires) follows its own log with a
`NotifyingProjection`: each event that should tell someone becomes `NotificationRequest`s, handed to
the people application's `notify_person` (through the platform: a service never imports another's
modules). `notify_person` records a `Notification.Sent` event whose id is derived from (kind, key,
recipient): sent once, however often a trigger runs (the runner's retries, a replay, several
processes). At-least-once is therefore enough here; the people service's outbox projection turns
each notification into exactly one outbox message.

Failures, as the projection runner sees them: a recipient the directory does not know (a free-text
subject, a deactivated account) is logged and skipped; a database that cannot be reached is raised
as a `ConnectionError` — the runner's "database fault": everyone waits, no attempt counted; any
other error fails the batch, is retried and finally parked (visible in `coorace projections status`),
and `retry` sends what was not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol, cast

import anyio.to_thread
import asyncpg
import msgspec
import structlog
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg_pool import PoolTimeout

from shared.errors import DomainError
from shared.events import EventMeta, command_context
from shared.eventstore import SaveOutcomeUndetermined, SaveOutcomeUnknown
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames

log = structlog.get_logger(__name__)

# An event older than this is not notified: a trigger deployed on a long log, or a replay of a
# trigger whose positions were lost, must not mail people about what happened months ago.
NOTIFY_WITHIN = timedelta(days=7)


class NotificationRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One e-mail to one person of the directory. `text` is the message between the greeting (with
    the recipient's name, from the directory) and the link; (kind, key, recipient_id) identify it."""

    kind: str  # "review_request", "decision_approved", "audit_grant", "plan_digest"
    key: str
    recipient_id: str
    subject: str
    text: str
    link: str
    tenant_id: str | None
    cause_service: str
    cause_event: str


class _Directory(Protocol):
    def notify_person(self, **request: Any) -> object: ...


def _platform_url(platform: Any, path: str) -> str:
    return f"{platform.settings.public_url}{path}"


async def send_notification(platform: Any, request: NotificationRequest, cause: EventMeta | None = None) -> bool:
    """Ask the directory to send it; True if sent now, False if sent before or with no recipient."""
    people = cast(_Directory, platform.application("people"))

    def notify() -> object:
        with command_context(
            actor_id="notifications",
            actor_role="system",
            tenant_id=request.tenant_id,
            correlation_id=cause.correlation_id if cause else None,
            causation_id=request.cause_event,
        ):
            return people.notify_person(**msgspec.structs.asdict(request))

    try:
        sent = await anyio.to_thread.run_sync(notify)
    except DomainError as refusal:
        if refusal.details.get("field") != "recipient_id":
            raise
        log.info(
            "notification.no_recipient",
            kind=request.kind,
            key=request.key,
            recipient_id=request.recipient_id,
            reason=refusal.message,
        )
        return False
    except (OperationalError, InterfaceError, PoolTimeout, SaveOutcomeUnknown, SaveOutcomeUndetermined) as error:
        # The event store could not be reached: not this event's fault. (A save whose outcome is
        # unknown is tried again: `notify_person` finds it if it had landed.)
        raise ConnectionError(f"the directory's event store is out of reach: {error!r}") from error
    if sent is not None:
        log.info("notification.sent", kind=request.kind, key=request.key, recipient_id=request.recipient_id)
    return sent is not None


async def member_admins(conn: asyncpg.Connection, tenant_id: str) -> list[str]:
    """The member's administrators in the directory (not deactivated): who hears for the member."""
    rows = await conn.fetch(
        "SELECT person_id FROM people.directory WHERE tenant_id = $1 AND role = 'member_admin' "
        "AND status <> 'deactivated' ORDER BY person_id",
        tenant_id,
    )
    return [r["person_id"] for r in rows]


def cause_of(event: Any) -> str:
    return f"{event.originator_id}@{event.originator_version}"


class NotifyingProjection(Projection):
    """A trigger: follows a service's own log and sends the notifications its events call for.
    It keeps no table (nothing to rebuild: replaying it sends nothing twice)."""

    tables: ClassVar[tuple[Table, ...]] = ()
    service: ClassVar[str]

    def __init__(self) -> None:
        self.platform: Any = None

    def attach(self, platform: Any) -> None:
        self.platform = platform

    def link(self, path: str) -> str:
        return _platform_url(self.platform, path)

    def concerns(self, event: Any) -> bool:
        """Whether the event may call for a notification (cheap: no read)."""
        raise NotImplementedError

    async def requests(self, conn: asyncpg.Connection, event: Any) -> Sequence[NotificationRequest]:
        raise NotImplementedError

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        if self.platform is None:
            raise RuntimeError(f"{self.name}: no platform attached (Platform.start attaches it)")
        oldest = datetime.now(UTC) - NOTIFY_WITHIN
        for notified in events:
            event = notified.event
            if not self.concerns(event):
                continue
            if event.timestamp < oldest:
                log.info("notification.too_old", projection=self.name, cause=cause_of(event), at=event.timestamp)
                continue
            for request in await self.requests(conn, event):
                await send_notification(self.platform, request, getattr(event, "meta", None))
