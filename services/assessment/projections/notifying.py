"""The notifications le Cap's events call for: a review requested tells the reviewer, an access grant
tells the auditor (`services.assessment.notifications` writes them). A trigger, not a read model: it
follows le Cap's own log and keeps no table; the directory sends each notification once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.assessment import notifications
from services.assessment.domain.access_grant import AccessGrant
from services.assessment.domain.assessment import Assessment
from services.assessment.events_log import ASSESSMENT_LOG
from shared.contracts.notifications import NotificationRequest, NotifyingProjection


class CapNotifyingProjection(NotifyingProjection):
    name = "notifying"
    version = 1
    source = ASSESSMENT_LOG

    def concerns(self, event: Any) -> bool:
        return isinstance(event, AccessGrant.Granted) or (
            isinstance(event, Assessment.ReviewRequested) and bool(event.reviewer_id)
        )

    async def requests(self, conn: asyncpg.Connection, event: Any) -> Sequence[NotificationRequest]:
        if isinstance(event, AccessGrant.Granted):
            return await notifications.audit_grant(self.platform, conn, event)
        return await notifications.review_request(self.platform, conn, event)
