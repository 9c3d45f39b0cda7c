"""The outbox page for national staff (/courriels): every message the platform wrote, and where
its delivery stands. Without SMTP it is how a developer reads an invitation and follows its link."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template
from markupsafe import Markup, escape

from shared.auth import Role
from shared.mail import PAGE_SIZE, OutboxEntry
from shared.platform import Platform
from shared.web.auth import signed_in_as
from shared.web.filters import french_datetime
from shared.web.pages import pages_router

STAFF = signed_in_as(Role.NATIONAL_STAFF)

KIND_LABELS = {
    "invitation": "Invitation",
    "password_reset": "Réinitialisation du mot de passe",
    "review_request": "Demande d'avis",
    "decision_approved": "Décision du Fonds",
    "audit_grant": "Accès d'audit",
    "plan_digest": "Actions du plan en retard",
}

# Only web addresses become links: a `javascript:` or `data:` text in a body must stay text.
_URL = re.compile(r"https?://[^\s<>\"']+")
# Punctuation that ends a sentence is not part of the address it follows.
_TRAILING = ".,;:!?)]»"

Kind = Annotated[str | None, QueryParameter(name="type", max_length=100)]
Recipient = Annotated[str | None, QueryParameter(name="destinataire", max_length=320)]
Before = Annotated[int | None, QueryParameter(name="avant", ge=1, le=2**63 - 1)]
MessageId = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def status_text(entry: OutboxEntry) -> str:
    if entry.status == "sent":
        return f"envoyé le {french_datetime(entry.sent_at)}"
    if entry.status == "failed":
        return f"échec : {entry.last_error}"
    if entry.attempts:
        tries = "1 tentative" if entry.attempts == 1 else f"{entry.attempts} tentatives"
        return f"en attente ({tries}, dernière erreur : {entry.last_error})"
    return "en attente"


def linked_text(text: str) -> Markup:
    """The plain-text body as HTML: escaped, its web addresses clickable, its line breaks kept."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return Markup("<br>\n").join(Markup("").join(parts).split("\n"))


@get("/courriels", guards=[STAFF])
async def outbox_list(
    platform: NamedDependency[Platform], kind: Kind = None, recipient: Recipient = None, before: Before = None
) -> Template:
    kind, recipient = (kind or "").strip() or None, (recipient or "").strip() or None
    entries = await platform.outbox.entries(kind=kind, recipient=recipient, before=before)
    filters = {k: v for k, v in (("type", kind), ("destinataire", recipient)) if v}
    older = None
    if len(entries) == PAGE_SIZE:
        older = "/courriels?" + urlencode({**filters, "avant": entries[-1].id})
    return Template(
        template_name="outbox/list.html",
        context={
            "title": "Courriels envoyés",
            "entries": [(e, kind_label(e.kind), status_text(e)) for e in entries],
            "kinds": [(k, kind_label(k)) for k in await platform.outbox.kinds()],
            "kind": kind or "",
            "recipient": recipient or "",
            "filtered": bool(filters),
            "older": older,
            "delivering": platform.settings.smtp is not None,
        },
    )


@get("/courriels/{message_id:int}", guards=[STAFF])
async def outbox_message(platform: NamedDependency[Platform], message_id: MessageId) -> Template:
    entry = await platform.outbox.entry(message_id)
    if entry is None:
        raise NotFoundException()
    return Template(
        template_name="outbox/message.html",
        context={
            "title": entry.subject,
            "entry": entry,
            "kind": kind_label(entry.kind),
            "status": status_text(entry),
            "body": linked_text(entry.body),
        },
    )


def create_outbox_pages() -> Router:
    return pages_router("/", [outbox_list, outbox_message])
