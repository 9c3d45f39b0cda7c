"""Signing in and out, and the forgotten password: the pages anyone may reach."""

from __future__ import annotations

import math
from typing import Any

import structlog
from anyio import to_thread
from litestar import get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template

from services.people import credentials
from services.people.domain.person import Status
from services.people.invitations import send_reset
from services.people.oidc import oidc_of
from services.people.web.common import (
    AnyRequest,
    local_path,
    now,
    people,
    platform_of,
    write_pool,
)
from shared.personal import normalise_email
from shared.web.filters import french_datetime
from shared.web.forms import form_fields, see_other
from shared.web.session import COOKIE, expired_session_cookie, session_cookie, sessions_of

log = structlog.get_logger("coorace.people")

WRONG = "L'adresse électronique ou le mot de passe est incorrect."
INFOS = {
    "deconnecte": "Vous êtes déconnecté(e).",
    "mot-de-passe-change": "Votre mot de passe est changé : connectez-vous avec le nouveau.",
    "session-terminee": "Votre session a pris fin : connectez-vous à nouveau.",
}
SENT = (
    "Si cette adresse est celle d'un compte actif, un message vient de lui être envoyé avec un lien pour choisir "
    "un nouveau mot de passe. Ce lien est valable une heure."
)


def _form(
    request: AnyRequest, *, email: str = "", suite: str = "/", errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    notice = INFOS.get(request.query_params.get("info", ""), "")
    return Template(
        template_name="people/connexion.html",
        context={
            "title": "Se connecter",
            "email": email,
            "suite": suite,
            "errors": errors or {},
            "notice": notice,
            "provider": oidc_of(request.app.state) is not None,
        },
        status_code=status,
    )


@get("/connexion", sync_to_thread=False)
def sign_in_form(request: AnyRequest, suite: FromQuery[str | None] = None) -> Response[Any]:
    target = local_path(suite)
    if request.scope.get("user") is not None:
        return see_other(target)
    return _form(request, suite=target)


@post("/connexion")
async def sign_in(request: AnyRequest) -> Response[Any]:
    fields = await form_fields(request)
    email, password = normalise_email(fields.get("email", "")), fields.get("password", "")
    suite = local_path(fields.get("suite"))
    errors = {}
    if not email:
        errors["email"] = "Indiquez votre adresse électronique."
    if not password:
        errors["password"] = "Indiquez votre mot de passe."
    if errors:
        return _form(request, email=email, suite=suite, errors=errors, status=400)
    platform, at = platform_of(request), now(request)
    pool = write_pool(request)
    client = request.client.host if request.client else "inconnu"
    retry_at = await credentials.retry_at(pool, email, client, at)
    if retry_at is not None:
        wait = max(math.ceil((retry_at - at).total_seconds()), 1)
        return Template(
            template_name="people/trop_de_tentatives.html",
            context={"title": "Trop de tentatives", "retry_at": french_datetime(retry_at)},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    person_id = await credentials.person_signing_in(pool, email, password)
    if person_id is None:
        await credentials.record_failure(pool, email, client, at)
        return _form(request, email=email, suite=suite, errors={"email": WRONG}, status=400)
    await credentials.forget_failures(pool, email)
    token = await sessions_of(request.app.state).open(person_id)
    return Redirect(suite, status_code=303, cookies=[session_cookie(token, secure=platform.settings.cookies_secure)])


@post("/deconnexion")
async def sign_out(request: AnyRequest) -> Response[Any]:
    token = request.cookies.get(COOKIE)
    if token:
        await sessions_of(request.app.state).close(token)
    secure = platform_of(request).settings.cookies_secure
    return Redirect("/connexion?info=deconnecte", status_code=303, cookies=[expired_session_cookie(secure=secure)])


@get("/mot-de-passe-oublie", sync_to_thread=False)
def forgotten_form(request: AnyRequest) -> Template:
    notice = SENT if request.query_params.get("envoye") else ""
    return Template(
        template_name="people/mot_de_passe_oublie.html",
        context={"title": "Mot de passe oublié", "email": "", "errors": {}, "notice": notice},
    )


@post("/mot-de-passe-oublie")
async def forgotten_password(request: AnyRequest) -> Response[Any]:
    """Always the same answer, whether the address is an account's or not (no account enumeration)."""
    fields = await form_fields(request)
    email = normalise_email(fields.get("email", ""))
    if not email:
        return Template(
            template_name="people/mot_de_passe_oublie.html",
            context={
                "title": "Mot de passe oublié",
                "email": "",
                "errors": {"email": "Indiquez votre adresse électronique."},
                "notice": "",
            },
            status_code=400,
        )
    client = request.client.host if request.client else "inconnu"
    if not await credentials.reset_request_allowed(write_pool(request), email, client, now(request)):
        # Beyond the limit the answer is the same, without an e-mail: a different page would tell
        # that the address is being asked about, and the limit is per address.
        log.info("people.reset_request_limited", client=client)
        return see_other("/mot-de-passe-oublie?envoye=1")
    app = people(request)
    person_id = await to_thread.run_sync(app.person_with_email, email)
    if person_id is not None:
        person = await to_thread.run_sync(app.person, person_id)
        if person.status == Status.ACTIVE:
            await send_reset(platform_of(request), person.id, person.details, now(request))
    return see_other("/mot-de-passe-oublie?envoye=1")
