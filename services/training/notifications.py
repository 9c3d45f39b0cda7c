"""The e-mails the Fonds Mutualisés Solidaires send, through the directory's notifications
(`shared.contracts.notifications`): a decision, once a second staff member approved it, to the
applicant — the administrators of the lead member. A decision sent back tells no one (a new
decision follows); partners hear from their lead. Triggered by `projections.notifying`, which
follows the service's own log; key (application, version of the approval): sent once."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import asyncpg

from services.training.domain.call import Call
from services.training.domain.funding_application import FundingApplication
from shared.contracts.notifications import NotificationRequest, cause_of, member_admins
from shared.web.filters import euros

SERVICE = "training"


async def decision_approved(
    platform: Any, conn: asyncpg.Connection, event: FundingApplication.DecisionApproved
) -> list[NotificationRequest]:
    training = platform.application(SERVICE)

    def load() -> tuple[FundingApplication, Call]:
        # The application as the approval left it (later events do not change what was approved).
        application = training.repository.get(event.originator_id, version=event.originator_version)
        return application, training.repository.get(application.call_id)

    application, call = await anyio.to_thread.run_sync(load)
    lead = application.lead
    title = call.terms.title
    if application.decision == "award":
        outcome = (
            f"Votre candidature à l'appel « {title} » est retenue : une aide de "
            f"{euros(application.decision_amount)} vous est accordée."
        )
    else:
        outcome = f"Votre candidature à l'appel « {title} » n'est pas retenue."
    text = (
        f"La décision sur la candidature de {lead.name} a été prise et validée par la fédération.\n\n"
        f"{outcome}\n\nLa décision, son motif et la lettre de décision :"
    )
    return [
        NotificationRequest(
            kind="decision_approved",
            key=cause_of(event),
            recipient_id=admin,
            subject=f"Décision sur votre candidature à « {title} »",
            text=text,
            link=f"{platform.settings.public_url}/fms/candidatures/{event.originator_id}",
            tenant_id=lead.member_id,
            cause_service=SERVICE,
            cause_event=cause_of(event),
        )
        for admin in await member_admins(conn, lead.member_id)
    ]
