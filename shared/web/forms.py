"""What every portal form shares: the posted fields, a command run as the API runs it (same
application method, same Principal, same `run_command` seam) and then waited for in the read models
(so the page after the redirect shows the write), and a refusal turned into a message beside its field.

    fields = await form_fields(request)
    try:
        await page_command(request, platform, "training", "open_call", lambda app: app.open_call(...))
    except DomainError as error:
        return render(status=error.status_code, errors=refusal(error, {"label": "libelle"}))
    await flash(request, "L'appel est ouvert.")
    return see_other(f"/fms/appels/{call_id}")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from litestar import Request
from litestar.response import Redirect

from shared.commands import run_command
from shared.errors import DomainError, NotCaughtUp
from shared.eventstore import CommandResult
from shared.platform import Platform

log = structlog.get_logger(__name__)

GENERAL = "formulaire"  # the error key of a refusal that names no field (shown in the summary only)
CSRF_FIELD = "_csrf_token"


async def form_fields(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted form's fields as text (a field sent twice: its last value; line endings normalised)."""
    form = await request.form()
    return {key: str(value).replace("\r\n", "\n").strip() for key, value in form.items() if key != CSRF_FIELD}


async def form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """The posted form's fields with every value each was sent with (check boxes, repeated rows)."""
    form = await request.form()
    return {key: [str(v).strip() for v in form.getall(key)] for key in form if key != CSRF_FIELD}


async def page_command(
    request: Request[Any, Any, Any],
    platform: Platform,
    service: str,
    name: str,
    send: Callable[[Any], CommandResult],
) -> CommandResult:
    """Run the command of `service`'s application as the signed-in person, then wait until the
    service's read models show it. Raises the command's DomainError (a refusal, a stale version)."""
    application = platform.application(service)
    response = await run_command(request, application, lambda: send(application), name=name)
    result = response.content
    try:
        await platform.wait_for(service, result.notification_id)
    except NotCaughtUp as late:
        # The write is saved: a refusal page would say otherwise. The next page may lag behind it.
        log.warning("page.read_models_behind", command=name, notification_id=result.notification_id, error=str(late))
    return result


def refusal(error: DomainError, fields: dict[str, str] | None = None) -> dict[str, str]:
    """A refusal's message beside the form field it names (`fields`: the API's field → the form's;
    a field the form does not have, or no field: the summary's general entry)."""
    named = error.details.get("field")
    key = (fields or {}).get(str(named), GENERAL) if named else GENERAL
    message = error.message
    if key != GENERAL:
        # The API's messages start with the field's name; beside the field it goes without saying.
        message = message.removeprefix(f"{named} : ").removeprefix(f"le champ « {named} » : ")
    return {key: sentence(message)}


def sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def see_other(path: str) -> Redirect:
    """Post/Redirect/Get."""
    return Redirect(path, status_code=303)
