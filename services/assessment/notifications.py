"""The e-mails le Cap sends: a review asked of someone (through the platform's outbox).

Sent after the command has saved, never from inside it: a command that fails sends nothing, and a
retried request answered from its first answer (`shared.commands.is_replay`) sends nothing again.
"""

from __future__ import annotations

from typing import Protocol, cast
from uuid import UUID

import anyio.to_thread
import structlog

from services.assessment.api.common import directory_entry
from services.assessment.application import AssessmentApplication
from shared.errors import DomainError
from shared.mail import Message
from shared.personal import PersonalDetails
from shared.platform import Platform
from shared.web.filters import french_date

log = structlog.get_logger(__name__)


class _Someone(Protocol):
    details: PersonalDetails


class _People(Protocol):
    """What this module reads of the directory: a person's details (not the directory's code)."""

    def person(self, person_id: UUID) -> _Someone: ...


async def send_review_request(platform: Platform, assessment_id: UUID, reviewer_id: str | None) -> None:
    """Tell the person asked for a review (when the request names one: a peer review may name only
    a member) which member asks, and where to find the assessment."""
    if not reviewer_id:
        return
    try:
        people = cast(_People, platform.application("people"))
        person = await anyio.to_thread.run_sync(people.person, UUID(reviewer_id))
    except (DomainError, ValueError):
        # The command checked the reviewer; a free-subject reviewer of a script has no e-mail.
        log.info("review_request.no_recipient", reviewer_id=reviewer_id)
        return
    cap = cast(AssessmentApplication, platform.application("assessment"))
    sheet = (await anyio.to_thread.run_sync(cap.assessment, assessment_id)).sheet
    member = await directory_entry(platform, sheet.tenant_id)
    member_name = member.name if member is not None else "un adhérent"
    link = f"{platform.settings.public_url}/cap/{assessment_id}"
    await platform.outbox.send(
        Message(
            recipient=person.details.email,
            subject=f"Relecture demandée : le Cap de {member_name}",
            body=(
                f"Bonjour {person.details.name},\n\n"
                f"{member_name} vous demande de relire son auto-évaluation le Cap "
                f"(commencée le {french_date(sheet.started_on)}) et, indicateur par indicateur, de commenter "
                "ses réponses ou de proposer un autre niveau.\n\n"
                f"L'auto-évaluation : {link}\n\n— La fédération COORACE\n"
            ),
            kind="review_request",
        )
    )
