"""Who is looking at a page: `request.user` is the signed-in Principal, or None.

Pages sit outside `/api`, where bearer tokens rule; here the visitor is known by the session
cookie (`shared.web.session`: one indexed query per page request, built from the person's current
directory row), or by a bearer token (a script or a test reading a page as the API's caller would). A
page that needs someone signed in sends an anonymous visitor to the sign-in page and back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from shared.auth import Principal, Role, TokenError, TokenService
from shared.web.session import cookie_token, sessions_of

SIGN_IN_PATH = "/connexion"


class SignInRequired(NotAuthorizedException):
    """Raised by page guards; the portal's error handler answers it with a redirect to sign in."""


class PortalAuthMiddleware:
    """Sets `scope["user"]` on every page request: a Principal, or None for an anonymous visitor."""

    def __init__(self, app: ASGIApp, tokens: TokenService) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and not scope["path"].startswith(("/api/", "/static/")):
            scope["user"] = await self._principal(scope)
        await self.app(scope, receive, send)

    async def _principal(self, scope: Scope) -> Principal | None:
        """The bearer token's principal when the request carries one, else the session's."""
        headers = scope.get("headers", ())
        for name, value in headers:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and token:
                    try:
                        return self.tokens.verify(token.strip())
                    except TokenError:
                        return None
        session = cookie_token(headers)
        if session is None:
            return None
        state = scope["app"].state
        if state.get("platform") is None:
            return None  # an app without a platform has no sessions to find
        try:
            return await sessions_of(state).principal(session)
        except asyncpg.UndefinedTableError:
            # A process of another service, on a database where the people service never ran: no
            # directory, so no one is signed in. (With the directory there, any process of the
            # platform finds the session: they share the database.)
            return None


def signed_in_as(*roles: Role) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]:
    """A page guard: someone signed in (holding one of `roles`, when given)."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = connection.scope.get("user")
        if not isinstance(principal, Principal):
            target = connection.url.path
            if connection.url.query:
                target += "?" + connection.url.query
            raise SignInRequired(f"{SIGN_IN_PATH}?suite={quote(target, safe='')}")
        if allowed and not principal.roles & allowed:
            raise PermissionDeniedException("votre rôle ne donne pas accès à cette page")

    guard.__name__ = "signed_in" if not roles else f"signed_in_as_{'_or_'.join(r.value for r in roles)}"
    return guard
