"""What the platform holds about a person (the GDPR's right of access), found by their e-mail.

Every personal detail the platform keeps is sealed in an event under the person's data subject
(`shared.personal`), and every read model is derived from events: the events that carry the subject,
in every service's log, list all there is. The messages e-mailed to the address (the outbox) are
listed too. Once the person is erased nothing opens: the address has no subject any more, and the
answer says nothing is held.

The logs are scanned for the subject's id (a full scan of each: an occasional request, on the write
side, not a page).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from shared.audit_chain import platform_logs
from shared.keyring import KeyRing
from shared.personal import ERASED, normalise_email, open_sealed
from shared.platform import Platform


class HeldDetails(msgspec.Struct, kw_only=True):
    """One event holding the person's details."""

    service: Annotated[str, Meta(description="The service whose log holds it (membership, people, …)")]
    event: Annotated[str, Meta(description="The event, e.g. Member.DetailsChanged")]
    aggregate_id: Annotated[str, Meta(description="What the event is about (a member, a person, a notification)")]
    version: Annotated[int, Meta(description="The event's version in that aggregate")]
    recorded_at: Annotated[datetime, Meta(description="When it was recorded")]
    name: Annotated[str, Meta(description="The name it holds")]
    email: Annotated[str, Meta(description="The e-mail address it holds")]
    phone: Annotated[str | None, Meta(description="The phone number it holds, if any")]


class MessageSent(msgspec.Struct, kw_only=True):
    """An e-mail the platform queued for the address."""

    kind: Annotated[str, Meta(description="What the message was (invitation, review_request, …)")]
    subject: Annotated[str, Meta(description="Its subject line")]
    queued_at: Annotated[datetime, Meta(description="When it was queued")]
    sent_at: Annotated[datetime | None, Meta(description="When it was delivered by SMTP (null: not sent)")]


class PersonalDataHeld(msgspec.Struct, kw_only=True):
    """Everything the platform holds about one e-mail address's person."""

    email: Annotated[str, Meta(description="The address asked about (lower case)")]
    subject: Annotated[str | None, Meta(description="The id of the person's data (null: nothing is held)")]
    held: Annotated[list[HeldDetails], Meta(description="Every event holding their details, oldest first")]
    messages: Annotated[list[MessageSent], Meta(description="The e-mails queued for the address")]


async def personal_data_held(platform: Platform, email: str, keyring: KeyRing) -> PersonalDataHeld:
    address = normalise_email(email)
    subject = keyring.subject_of(address)
    held: list[HeldDetails] = []
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        if subject is not None:
            for chained in platform_logs(platform):
                rows = await conn.fetch(
                    f"SELECT originator_id, originator_version, topic, state FROM {chained.events} "
                    "WHERE position($1::bytea IN state) > 0 ORDER BY notification_id",
                    str(subject).encode(),
                )
                for row in rows:
                    state = msgspec.json.decode(row["state"])
                    for sealed in _sealed_of(state, str(subject)):
                        details = open_sealed(keyring, subject, sealed)
                        if details.email == ERASED:
                            continue
                        held.append(
                            HeldDetails(
                                service=chained.service,
                                event=row["topic"].partition(":")[2],
                                aggregate_id=str(row["originator_id"]),
                                version=row["originator_version"],
                                recorded_at=_recorded_at(state["timestamp"]),
                                name=details.name,
                                email=details.email,
                                phone=details.phone,
                            )
                        )
        messages = await conn.fetch(
            "SELECT kind, subject, queued_at, sent_at FROM platform.outbox WHERE lower(recipient) = $1 ORDER BY id",
            address,
        )
    return PersonalDataHeld(
        email=address,
        subject=None if subject is None else str(subject),
        held=held,
        messages=[MessageSent(**dict(m)) for m in messages],
    )


def _sealed_of(value: Any, subject: str) -> list[str]:
    """The sealed texts under `subject` anywhere in a stored event's JSON."""
    if isinstance(value, list):
        return [sealed for item in value for sealed in _sealed_of(item, subject)]
    if isinstance(value, dict):
        if value.get("subject") == subject and isinstance(value.get("sealed"), str):
            return [value["sealed"]]
        return [sealed for item in value.values() for sealed in _sealed_of(item, subject)]
    return []


def _recorded_at(stamp: Any) -> datetime:
    # The library's timestamp, as the transcoder tags it ({"_type_": "datetime_iso", "_data_": ...}).
    return datetime.fromisoformat(stamp["_data_"] if isinstance(stamp, dict) else stamp)
