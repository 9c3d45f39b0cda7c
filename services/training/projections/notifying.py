"""The notifications the Fonds Mutualisés Solidaires' events call for: a decision approved tells the
applicant (`services.training.notifications` writes it). A trigger, not a read model: it follows the
service's own log and keeps no table; the directory sends each notification once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.training import notifications
from services.training.domain.funding_application import FundingApplication
from services.training.events_log import TRAINING_LOG
from shared.contracts.notifications import NotificationRequest, NotifyingProjection


class FmsNotifyingProjection(NotifyingProjection):
    name = "notifying"
    version = 1
    source = TRAINING_LOG

    def concerns(self, event: Any) -> bool:
        return isinstance(event, FundingApplication.DecisionApproved)

    async def requests(self, conn: asyncpg.Connection, event: Any) -> Sequence[NotificationRequest]:
        return await notifications.decision_approved(self.platform, conn, event)
