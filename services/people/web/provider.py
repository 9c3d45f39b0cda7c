"""Signing in through the identity provider (when one is configured): off to the provider, and back
with a verified e-mail that must be an active person's of the directory."""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Response, Template

from services.people.oidc import OidcRefused, oidc_of
from services.people.web.common import AnyRequest, local_path, now, platform_of, write_pool
from shared.web.session import session_cookie, sessions_of

log = structlog.get_logger(__name__)

REFUSED = (
    "Le fournisseur d'identité ne nous a pas confirmé qui vous êtes, ou votre adresse ne correspond à aucun compte "
    "actif de la plateforme. Demandez une invitation à l'administrateur de votre structure ou à l'équipe nationale."
)


def _refused() -> Template:
    return Template(
        template_name="error.html", context={"title": "Connexion refusée", "message": REFUSED}, status_code=403
    )


@get("/connexion/fournisseur")
async def provider_sign_in(request: AnyRequest, suite: FromQuery[str | None] = None) -> Response[Any]:
    client = oidc_of(request.app.state)
    if client is None:
        raise NotFoundException()
    started = await client.start(write_pool(request), local_path(suite), now(request))
    return Redirect(started.url, status_code=303)


@get("/connexion/fournisseur/retour")
async def provider_return(
    request: AnyRequest,
    code: FromQuery[str | None] = None,
    # `state` is a name Litestar keeps for the app's state: the OAuth state is read under another.
    oauth_state: Annotated[str | None, QueryParameter(name="state")] = None,
    error: FromQuery[str | None] = None,
) -> Response[Any]:
    client = oidc_of(request.app.state)
    if client is None:
        raise NotFoundException()
    if error or not code or not oauth_state:
        log.info("oidc.refused", reason=f"provider error {error!r}" if error else "no code or state")
        return _refused()
    pool = write_pool(request)
    try:
        email, suite = await client.finish(pool, code=code, state=oauth_state, now=now(request))
    except OidcRefused as refusal:
        log.warning("oidc.refused", reason=str(refusal))
        return _refused()
    person_id = await pool.fetchval(
        "SELECT person_id::uuid FROM people.directory WHERE email = $1 AND status = 'active'", email
    )
    if person_id is None:
        log.info("oidc.no_active_person")
        return _refused()
    token = await sessions_of(request.app.state).open(person_id)
    secure = platform_of(request).settings.cookies_secure
    return Redirect(local_path(suite), status_code=303, cookies=[session_cookie(token, secure=secure)])
