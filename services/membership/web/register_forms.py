"""One form page per command about a member, all built the same way: the form prefilled with the
member's current values (and the effective date with today in Paris), the version it shows in a
hidden field (sent as the API's `If-Match`), and on POST one application command, the same method
with the same values as the API's handler in `api/member_commands.py`.

A value the page cannot read comes back beside its field (400); a refusal of the domain too (its
status, 422 mostly); a version that moved on meanwhile is a 409 with the fresh record's values;
nothing is written in any of these cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Template

from services.membership.read_models import MemberRecord
from services.membership.web.register_common import (
    STAFF_PAGE,
    AnyRequest,
    FormInvalid,
    Values,
    form_options,
    french_refusal,
    member_or_404,
    region_options,
    regions_on,
)
from shared.errors import DomainError, VersionMismatch
from shared.eventstore import CommandResult, IntegrityError
from shared.platform import Platform
from shared.web.forms import GENERAL, form_lists, page_command, see_other
from shared.web.notices import flash

STALE = (
    "Cette fiche a été modifiée pendant que vous la lisiez : le formulaire montre maintenant ses valeurs à jour. "
    "Vérifiez-les, puis envoyez à nouveau."
)


@dataclass(frozen=True)
class Field:
    """A field of a form, drawn by `register/_fields.html`."""

    name: str
    label: str
    kind: str = "text"  # text, email, tel, date, textarea, select, radios, forms, number
    hint: str = ""
    required: bool = True
    autocomplete: str = ""
    options: str = ""  # for select/radios: the name of a list of (value, words) in the page's context


# What a form sends: given the posted values and the member, the application call (the application,
# the version the form showed → the command's result). Reading the values fills `values.errors`.
Send = Callable[[Values, MemberRecord], Callable[[Any, int], CommandResult]]


@dataclass(frozen=True)
class MemberForm:
    slug: str  # the page's address under /registre/{member_id}/
    title: str
    intro: str
    fields: tuple[Field, ...]
    prefill: Callable[[MemberRecord], dict[str, Any]]
    send: Send
    command: str  # the use case's name (metrics, logs)
    notice: str
    button: str
    warning: bool = False
    choices: Callable[[MemberRecord], dict[str, Any]] | None = None  # extra context (options lists)


async def _options(platform: Platform, form: MemberForm, record: MemberRecord) -> dict[str, Any]:
    """The lists the form's selects and radios offer (the regions read only when a field needs them)."""
    options: dict[str, Any] = {"forms": form_options()}
    if any(f.options == "regions" for f in form.fields):
        options["regions"] = region_options(await regions_on(platform))
    if form.choices is not None:
        options.update(form.choices(record))
    return options


async def form_page(
    platform: Platform,
    form: MemberForm,
    record: MemberRecord,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        template_name="membership/register/member_form.html",
        context={
            "title": f"{form.title} — {record.name}",
            "heading": form.title,
            "form": form,
            "member": record,
            "values": values if values is not None else form.prefill(record),
            "version": record.version,
            "errors": errors or {},
            "options": await _options(platform, form, record),
        },
        status_code=status,
    )


async def submit(request: AnyRequest, platform: Platform, form: MemberForm, member_id: UUID) -> Response[Any]:
    """Send the form's command; the member's page on success, the form again with why otherwise."""
    record = await member_or_404(request, platform, member_id)
    values = Values(await form_lists(request))
    shown = values.shown()
    try:
        version = int(values.text("version"))
    except ValueError:
        return await form_page(
            platform, form, record, shown, {GENERAL: "Le formulaire est incomplet : rechargez la page."}, 400
        )
    try:
        call = form.send(values, record)
        values.check()
        await page_command(request, platform, "membership", form.command, lambda app: call(app, version))
    except FormInvalid as invalid:
        return await form_page(platform, form, record, shown, invalid.errors, 400)
    except (VersionMismatch, IntegrityError):
        fresh = await member_or_404(request, platform, member_id)
        return await form_page(platform, form, fresh, None, {GENERAL: STALE}, 409)
    except DomainError as error:
        return await form_page(platform, form, record, shown, french_refusal(error), error.status_code)
    await flash(request, form.notice)
    return see_other(f"/registre/{member_id}")


def member_form_pages(form: MemberForm) -> list[HTTPRouteHandler]:
    """The GET and POST handlers of a member's form page at /registre/{member_id}/{slug}."""
    path = f"/registre/{{member_id:uuid}}/{form.slug}"

    async def show(request: AnyRequest, member_id: FromPath[UUID], platform: NamedDependency[Platform]) -> Template:
        return await form_page(platform, form, await member_or_404(request, platform, member_id))

    async def send(
        request: AnyRequest, member_id: FromPath[UUID], platform: NamedDependency[Platform]
    ) -> Response[Any]:
        return await submit(request, platform, form, member_id)

    show.__name__ = f"register_{form.command}_form"
    send.__name__ = f"register_{form.command}"
    return [get(path, guards=[STAFF_PAGE])(show), post(path, guards=[STAFF_PAGE], status_code=303)(send)]
