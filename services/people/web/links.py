"""The pages a one-time link opens: accept an invitation (choose a password, then signed in), or
choose a new password after a reset request. A link works once, until it expires."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from services.people import credentials
from services.people.domain.person import Status
from services.people.web.common import (
    AnyRequest,
    as_person,
    now,
    people,
    platform_of,
    write_pool,
)
from shared.errors import DomainError
from shared.web.forms import form_fields, see_other
from shared.web.session import session_cookie, sessions_of

INVALID = (
    "Ce lien n'est plus valable : il a déjà servi, ou il a expiré. Demandez un nouveau lien "
    "(« Mot de passe oublié » sur la page de connexion, ou une nouvelle invitation à votre administrateur)."
)


def _invalid() -> Template:
    return Template(
        template_name="error.html",
        context={"title": "Lien expiré ou déjà utilisé", "message": INVALID},
        status_code=410,
    )


def _password_page(
    template: str, title: str, action: str, name: str, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    return Template(
        template_name=template,
        context={"title": title, "action": action, "name": name, "errors": errors or {}},
        status_code=status,
    )


@get("/invitation/{token:str}")
async def invitation_form(request: AnyRequest, token: FromPath[str]) -> Response[Any]:
    person_id = await credentials.link_holder(write_pool(request), token, "invitation", now(request))
    if person_id is None:
        return _invalid()
    person = await to_thread.run_sync(people(request).person, person_id)
    if person.status != Status.INVITED:
        return _invalid()
    return _password_page(
        "people/invitation.html", "Accepter l'invitation", f"/invitation/{token}", person.details.name
    )


@post("/invitation/{token:str}")
async def accept_invitation(request: AnyRequest, token: FromPath[str]) -> Response[Any]:
    """Choose a password, which accepts the invitation (Activated), then signed in at once."""
    platform, at = platform_of(request), now(request)
    fields = await form_fields(request)
    person_id = await credentials.link_holder(write_pool(request), token, "invitation", at)
    if person_id is None:
        return _invalid()
    app = people(request)
    person = await to_thread.run_sync(app.person, person_id)
    problem = credentials.password_problem(fields.get("password", ""), fields.get("confirmation", ""))
    if problem:
        return _password_page(
            "people/invitation.html",
            "Accepter l'invitation",
            f"/invitation/{token}",
            person.details.name,
            {"password": problem},
            400,
        )
    async with write_pool(request).acquire() as conn, conn.transaction():
        if await credentials.use_link(conn, token, "invitation", at) is None:
            return _invalid()
        await credentials.set_password(conn, person_id, fields["password"], at)
    try:
        result = await as_person(request, person.principal, lambda: app.activate(person_id))
    except DomainError as refusal:
        return Template(
            template_name="error.html",
            context={"title": "Invitation impossible à accepter", "message": refusal.message},
            status_code=refusal.status_code,
        )
    # The session is found through the directory: wait until it shows the person active.
    await platform.wait_for("people", result.notification_id)
    session = await sessions_of(request.app.state).open(person_id)
    return Redirect("/", status_code=303, cookies=[session_cookie(session, secure=platform.settings.cookies_secure)])


@get("/reinitialisation/{token:str}")
async def reset_form(request: AnyRequest, token: FromPath[str]) -> Response[Any]:
    person_id = await credentials.link_holder(write_pool(request), token, "reset", now(request))
    if person_id is None:
        return _invalid()
    person = await to_thread.run_sync(people(request).person, person_id)
    return _password_page(
        "people/reinitialisation.html",
        "Choisir un nouveau mot de passe",
        f"/reinitialisation/{token}",
        person.details.name,
    )


@post("/reinitialisation/{token:str}")
async def reset_password(request: AnyRequest, token: FromPath[str]) -> Response[Any]:
    """A new password; every open session of the person ends (whoever held them)."""
    at = now(request)
    fields = await form_fields(request)
    person_id = await credentials.link_holder(write_pool(request), token, "reset", at)
    if person_id is None:
        return _invalid()
    problem = credentials.password_problem(fields.get("password", ""), fields.get("confirmation", ""))
    if problem:
        person = await to_thread.run_sync(people(request).person, person_id)
        return _password_page(
            "people/reinitialisation.html",
            "Choisir un nouveau mot de passe",
            f"/reinitialisation/{token}",
            person.details.name,
            {"password": problem},
            400,
        )
    async with write_pool(request).acquire() as conn, conn.transaction():
        if await credentials.use_link(conn, token, "reset", at) is None:
            return _invalid()
        await credentials.set_password(conn, person_id, fields["password"], at)
    await sessions_of(request.app.state).end_all(person_id)
    person = await to_thread.run_sync(people(request).person, person_id)
    await credentials.forget_failures(write_pool(request), person.details.email)
    return see_other("/connexion?info=mot-de-passe-change")
