"""The Notification aggregate: one e-mail told to one person, recorded once, as an event.

Its id is derived from what it is about — (kind, key, recipient) — so a second attempt to send the
same notification collides on the id and the event store refuses it: a notification is sent once
whatever the number of triggers, retries, replays or processes. One event, `Sent`, holds what was
written (subject, body, link) to whom, and what caused it (a service and one of its events); the
outbox projection (`services.people.notifications`) turns it into the outbox's message.
"""

from __future__ import annotations

import uuid
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.people.domain.errors import PersonRefused
from shared.events import AuditedAggregate
from shared.personal import PersonalDetails

# Where the recipient's name goes in the body: filled in when the message is queued (`text_sent`),
# so that the body in the log names no one (the recipient's details in the event are sealed).
RECIPIENT_NAME = "{destinataire}"

# What a notification may be about (the outbox's `kind` of its message, too).
KINDS = ("review_request", "decision_approved", "audit_grant", "plan_digest")


class Notification(AuditedAggregate):
    @staticmethod
    def create_id(kind: str, key: str, recipient_id: str) -> UUID:
        return uuid5(uuid.NAMESPACE_URL, f"coorace:notification:{kind}:{key}:{recipient_id}")

    class Sent(AuditedAggregate.Created):
        kind: str
        key: str
        recipient_id: str
        recipient: PersonalDetails  # the directory's details when it was sent (where it went)
        tenant_id: str | None  # the member it is about, if any
        subject: str
        body: str
        link: str
        cause_service: str
        cause_event: str  # "<originator id>@<version>" of the event that caused it (or the digest's day)

    @classmethod
    def send(
        cls,
        *,
        kind: str,
        key: str,
        recipient_id: str,
        recipient: PersonalDetails,
        tenant_id: str | None,
        subject: str,
        text: str,
        link: str,
        cause_service: str,
        cause_event: str,
    ) -> Notification:
        """A notification to `recipient`, its body the greeting, `text`, the link and the signature."""
        if kind not in KINDS:
            raise PersonRefused(f"le champ « kind » : type de notification inconnu ({kind})", field="kind")
        if not key.strip():
            raise PersonRefused("le champ « key » : une notification a une clé", field="key")
        if not subject.strip() or "\n" in subject or "\r" in subject:
            raise PersonRefused("le champ « subject » : un objet d'une ligne est attendu", field="subject")
        body = f"Bonjour {RECIPIENT_NAME},\n\n{text.strip()}\n\n{link}\n\n— La fédération COORACE\n"
        return cls(
            kind=kind,
            key=key,
            recipient_id=recipient_id,
            recipient=recipient,
            tenant_id=tenant_id,
            subject=subject.strip(),
            body=body,
            link=link,
            cause_service=cause_service,
            cause_event=cause_event,
        )

    @event(Sent)
    def __init__(
        self,
        kind: str,
        key: str,
        recipient_id: str,
        recipient: PersonalDetails,
        tenant_id: str | None,
        subject: str,
        body: str,
        link: str,
        cause_service: str,
        cause_event: str,
    ) -> None:
        self.kind = kind
        self.key = key
        self.recipient_id = recipient_id


def text_sent(event: Notification.Sent) -> str:
    """The body as e-mailed: the recipient's name in the greeting (bodies recorded before sealing
    hold it already)."""
    return event.body.replace(RECIPIENT_NAME, event.recipient.name)
