"""The e-mails le Cap sends, through the directory's notifications (`shared.contracts.notifications`):

- a review asked of someone (`review_request`, to the reviewer the request names; a peer review
  naming only a member has no one to write to), and an access grant given to an auditor
  (`audit_grant`, to the auditor when the grant names a person of the directory; a free-text
  subject has no recipient: logged). Both follow le Cap's log (`projections.notifying`), not the
  request: a command that fails sends nothing, a retried request saves no second event, and a
  replay finds each notification sent already;
- a daily digest of overdue plan actions (`plan_digest`), one per member and Paris day to each of
  its administrators: `send_digests`, run at start and then once per Paris day by `DigestLoop` in
  the process that runs le Cap's projections, and by `coorace notifications digest` for cron. Its
  key is (member, day): whatever the number of processes or restarts, one e-mail a day.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from datetime import date
from typing import Any

import anyio.to_thread
import asyncpg
import structlog

from services.assessment.application import AssessmentApplication
from services.assessment.domain.access_grant import AccessGrant
from services.assessment.domain.assessment import Assessment
from shared.as_of import PARIS, today_in_paris
from shared.contracts.notifications import NotificationRequest, cause_of, member_admins, send_notification
from shared.outages import is_database_outage
from shared.web.filters import french_date

log = structlog.get_logger(__name__)

SERVICE = "assessment"
DIGEST_LINES = 20  # actions listed in one digest; the plan page has the rest


async def member_name(conn: asyncpg.Connection, tenant_id: str) -> str:
    name = await conn.fetchval("SELECT name FROM assessment.member_directory WHERE member_id = $1", tenant_id)
    return str(name) if name else "un adhérent"


async def review_request(
    platform: Any, conn: asyncpg.Connection, event: Assessment.ReviewRequested
) -> list[NotificationRequest]:
    """To the person asked for a review: which member asks, and where to review."""
    if not event.reviewer_id:
        return []
    cap = platform.application(SERVICE)
    assert isinstance(cap, AssessmentApplication)
    assessment: Assessment = await anyio.to_thread.run_sync(
        lambda: cap.repository.get(event.originator_id, version=event.originator_version)
    )
    sheet = assessment.sheet
    name = await member_name(conn, sheet.tenant_id)
    return [
        NotificationRequest(
            kind="review_request",
            key=f"{event.originator_id}:{event.request_id}",
            recipient_id=event.reviewer_id,
            subject=f"Relecture demandée : le Cap de {name}",
            text=(
                f"{name} vous demande de relire son auto-évaluation le Cap "
                f"(commencée le {french_date(sheet.started_on)}) et, indicateur par indicateur, de commenter "
                "ses réponses ou de proposer un autre niveau.\n\nLa relecture :"
            ),
            link=f"{platform.settings.public_url}/relectures/{event.originator_id}/{event.request_id}",
            tenant_id=sheet.tenant_id,
            cause_service=SERVICE,
            cause_event=cause_of(event),
        )
    ]


async def audit_grant(platform: Any, conn: asyncpg.Connection, event: AccessGrant.Granted) -> list[NotificationRequest]:
    """To the auditor a grant names: what they may read, from when until when, and why."""
    name = await member_name(conn, event.tenant_id)
    what = (
        f"à une auto-évaluation le Cap de {name}" if event.assessment_id else f"aux auto-évaluations le Cap de {name}"
    )
    period = (
        f"du {french_date(event.valid_from.astimezone(PARIS))} au {french_date(event.valid_until.astimezone(PARIS))}"
    )
    return [
        NotificationRequest(
            kind="audit_grant",
            key=str(event.originator_id),
            recipient_id=event.auditor_id,
            subject=f"Accès d'audit accordé : le Cap de {name}",
            text=(
                f"La fédération vous donne accès, en lecture seule, {what}, {period}.\n"
                f"Motif : {event.reason}\n\nChacune de vos lectures est enregistrée. Vos accès :"
            ),
            link=f"{platform.settings.public_url}/audit",
            tenant_id=event.tenant_id,
            cause_service=SERVICE,
            cause_event=cause_of(event),
        )
    ]


# --- the daily digest of overdue plan actions --------------------------------------------------

_OVERDUE = """
    SELECT x.tenant_id, d.name AS member_name, x.assessment_id, x.indicator, x.suggested_action, x.due_on
    FROM assessment.plan_actions x JOIN assessment.assessments a ON a.assessment_id = x.assessment_id
         JOIN assessment.member_directory d ON d.member_id = x.tenant_id
    WHERE d.status = 'active' AND a.superseded_by IS NULL AND x.status IN ('adopted', 'scheduled')
      AND x.due_on < $1::date
    ORDER BY x.tenant_id, x.due_on, x.indicator
"""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def digest_requests(
    public_url: str, on: date, tenant_id: str, actions: list[asyncpg.Record], admins: list[str]
) -> list[NotificationRequest]:
    """One digest per administrator of the member: its overdue actions, the most overdue first."""
    name = actions[0]["member_name"] or "votre structure"
    lines = [
        f"- {a['indicator']} « {a['suggested_action']} » : prévue le {french_date(a['due_on'])}, "
        f"{_plural((on - a['due_on']).days, 'jour')} de retard"
        for a in actions[:DIGEST_LINES]
    ]
    if len(actions) > DIGEST_LINES:
        lines.append(f"- et {len(actions) - DIGEST_LINES} autres")
    text = (
        f"Au {french_date(on)}, le plan de progrès le Cap de {name} compte "
        f"{_plural(len(actions), 'action')} en retard :\n\n" + "\n".join(lines) + "\n\nLe plan de progrès :"
    )
    # The link: the plan of the most overdue action (a member's current assessment, as a rule).
    assessment_id = actions[0]["assessment_id"]
    return [
        NotificationRequest(
            kind="plan_digest",
            key=f"{tenant_id}:{on.isoformat()}",
            recipient_id=admin,
            subject=f"le Cap : {_plural(len(actions), 'action')} du plan de progrès en retard",
            text=text,
            link=f"{public_url}/cap/{assessment_id}/plan",
            tenant_id=tenant_id,
            cause_service=SERVICE,
            cause_event=f"digest:{on.isoformat()}",
        )
        for admin in admins
    ]


async def send_digests(platform: Any, on: date | None = None) -> int:
    """Each member with plan actions overdue on `on` (today in Paris): a digest to each of its
    administrators, once per (member, day). Returns how many were sent now."""
    on = on or today_in_paris()
    async with platform.write_pool.acquire() as conn:
        rows = await conn.fetch(_OVERDUE, on)
        by_member: dict[str, list[asyncpg.Record]] = defaultdict(list)
        for row in rows:
            by_member[row["tenant_id"]].append(row)
        requests = []
        for tenant_id, actions in by_member.items():
            admins = await member_admins(conn, tenant_id)
            if not admins:
                log.info("notification.digest_no_admin", tenant_id=tenant_id, overdue=len(actions))
            requests += digest_requests(platform.settings.public_url, on, tenant_id, actions, admins)
    sent = 0
    for request in requests:
        sent += await send_notification(platform, request)
    log.info("notification.digests", on=on.isoformat(), members=len(by_member), sent=sent)
    return sent


class DigestLoop:
    """Sends the digests at start, then once per Paris day (a little after midnight), in the
    background of the process that runs le Cap's projections. A failed round is tried again after
    `retry_seconds`; the keys make a second round of the same day send nothing."""

    def __init__(self, platform: Any, *, retry_seconds: float = 300.0, check_seconds: float = 600.0) -> None:
        self.platform = platform
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds  # how often the loop looks whether the Paris day changed
        self.done_on: date | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="plan-digest")

    async def round(self) -> None:
        today = today_in_paris()
        if self.done_on == today:
            return
        await send_digests(self.platform, today)
        self.done_on = today

    async def _run(self) -> None:
        while not self._stopping.is_set():
            wait = self.check_seconds
            try:
                await self.round()
            except Exception as error:  # the loop outlives a failed round: the next one tries again
                wait = self.retry_seconds
                if is_database_outage(error) or isinstance(error, ConnectionError):
                    log.warning("notification.digest_failed", error=repr(error), retry_in=wait)
                else:
                    log.exception("notification.digest_failed", error=repr(error), retry_in=wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), 5.0)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
