"""What every answering form shares: the guards, sending a command as the API does (same application
method, same Principal, same `run_command` seam), waiting for the read models before the redirect
(so the next page shows the write), and the notice the redirect carries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import FormMultiDict
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect, Template

from services.assessment.api.common import cap, wait
from services.assessment.application import AssessmentApplication
from shared.auth import Role
from shared.commands import run_command
from shared.errors import NotCaughtUp
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.web.auth import signed_in_as

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]
log = structlog.get_logger(__name__)

TEAM: Guard = signed_in_as(Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
ADMIN: Guard = signed_in_as(Role.MEMBER_ADMIN)
VERSION = "version"  # the hidden field: the assessment's version the page was rendered from
STALE = "Quelqu'un a modifié cette auto-évaluation pendant que vous la lisiez : voici la version à jour."
INCOMPLETE = "Le formulaire ne dit pas de quelle version de l'auto-évaluation il part : rechargez la page."

# The notices a redirect may ask for (a key in the address, never a text a link could forge).
NOTICES = {
    "commencee": "L'auto-évaluation est commencée.",
    "invite": "Le ou la participant·e est invité·e.",
    "sous-themes": "Les sous-thèmes sont attribués.",
    "enregistre": "Vos réponses sont enregistrées.",
    "rien": "Aucune réponse n'a changé.",
    "arbitre": "La réponse de l'équipe est arbitrée.",
    "soumise": "L'auto-évaluation est soumise.",
    "relecture": "La demande de relecture est envoyée.",
    "acceptee": "La proposition est acceptée : elle devient la réponse de l'évaluation.",
    "refusee": "La proposition est refusée ; la raison est conservée.",
    "validee": "L'évaluation est validée.",
}


def notice_of(request: Request[Any, Any, Any]) -> str | None:
    return NOTICES.get(request.query_params.get("fait", ""))


def done(path: str, notice: str) -> Redirect:
    """Post/Redirect/Get, with the notice to show."""
    return Redirect(f"{path}?fait={notice}", status_code=303)


async def form_of(request: Request[Any, Any, Any]) -> FormMultiDict:
    return await request.form()


def text(form: FormMultiDict, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


async def command(
    request: Request[Any, Any, Any],
    platform: Platform,
    name: str,
    send: Callable[[AssessmentApplication], CommandResult],
) -> CommandResult:
    """Run the command as the signed-in person, then wait until le Cap's read models show it."""
    app = cap(platform)
    response = await run_command(request, app, lambda: send(app), name=name)
    result = response.content
    try:
        await wait(platform, result.notification_id)
    except NotCaughtUp as late:
        # The write is saved: a refusal page would say otherwise. The next page may lag behind it.
        log.warning(
            "cap_page.read_models_behind", command=name, notification_id=result.notification_id, error=str(late)
        )
    return result


def version_of(form: FormMultiDict) -> int | None:
    """The assessment version the form was rendered from; None when the form lacks it (not a page
    of ours: refused with 400 rather than applied to whatever the state is now)."""
    raw = text(form, VERSION)
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def page(name: str, status: int = 200, **context: Any) -> Template:
    return Template(template_name=f"assessment/answering/{name}", context=context, status_code=status)
