"""Who is calling: bearer tokens (JWT), the principal they carry, and the guards routes use.

The embedded default signs and verifies HS256 tokens with the data folder's secret (`coorace token`
prints one). With `COORACE_JWKS_URL` set, tokens come from an external identity provider and are
verified as RS256 against its published keys; the platform then refuses to sign any itself.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

import jwt
import msgspec
import structlog
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from shared.config import Settings


class Role(StrEnum):
    MEMBER_ADMIN = "member_admin"
    MEMBER_CONTRIBUTOR = "member_contributor"
    PEER_REVIEWER = "peer_reviewer"
    REGIONAL_DELEGATE = "regional_delegate"
    TRAINER = "trainer"
    AUDITOR = "auditor"
    FUND_REVIEWER = "fund_reviewer"
    NATIONAL_STAFF = "national_staff"


MEMBER_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR, Role.PEER_REVIEWER})
REGIONAL_ROLES = frozenset({Role.REGIONAL_DELEGATE, Role.TRAINER})


class Principal(msgspec.Struct, frozen=True):
    subject: str
    roles: frozenset[Role]
    tenant: str | None = None
    region: str | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def main_role(self) -> str:
        """The role recorded on events: the most powerful one the principal holds."""
        for role in (
            Role.NATIONAL_STAFF,
            Role.FUND_REVIEWER,
            Role.AUDITOR,
            Role.REGIONAL_DELEGATE,
            Role.TRAINER,
            Role.MEMBER_ADMIN,
            Role.PEER_REVIEWER,
            Role.MEMBER_CONTRIBUTOR,
        ):
            if role in self.roles:
                return role.value
        return "none"


VERIFIED_TOKENS_KEPT = 10_000


class TokenError(Exception):
    pass


class TokenService:
    """Issues (embedded mode only) and verifies bearer tokens."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True) if settings.jwks_url else None
        self._secret = None if self._jwks else settings.signing_secret()
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(
        self,
        *,
        role: str,
        tenant: str | None = None,
        region: str | None = None,
        subject: str | None = None,
        ttl_seconds: int = 12 * 3600,
    ) -> str:
        if self._secret is None:
            raise TokenError(
                "this platform trusts an external identity provider (COORACE_JWKS_URL): "
                "get tokens from it, the platform does not sign any"
            )
        roles = [Role(r.strip()).value for r in role.split(",")]
        now = int(time.time())
        claims: dict[str, object] = {
            "sub": subject or f"demo-{roles[0]}-{uuid.uuid4().hex[:8]}",
            "roles": roles,
            "iat": now,
            "exp": now + ttl_seconds,
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
        }
        if tenant:
            claims["tenant"] = tenant
        if region:
            claims["region"] = region
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        """The token's principal; a token already verified is not verified again until it expires
        (a client sends the same token with every request, and checking the signature each time
        costs more than the rest of a simple read)."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        principal, expires_at = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, expires_at)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            if self._jwks is not None:
                key = self._jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=["RS256"],
                    audience=self.settings.jwt_audience,
                    issuer=self.settings.jwt_issuer,
                    options={"require": ["exp", "sub"]},
                )
            else:
                claims = jwt.decode(
                    token,
                    self._secret,
                    algorithms=["HS256"],
                    audience=self.settings.jwt_audience,
                    issuer=self.settings.jwt_issuer,
                    options={"require": ["exp", "sub"]},
                )
        except jwt.ExpiredSignatureError as error:
            raise TokenError("the bearer token has expired") from error
        except jwt.PyJWTError as error:
            raise TokenError(f"the bearer token is invalid: {error}") from error
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError as error:
            raise TokenError(f"the bearer token names an unknown role: {error}") from error
        tenant, region = claims.get("tenant"), claims.get("region")
        if roles & MEMBER_ROLES and not tenant:
            raise TokenError("a member role needs a tenant claim")
        if roles & REGIONAL_ROLES and not region:
            raise TokenError("a regional role needs a region claim")
        principal = Principal(subject=str(claims["sub"]), roles=roles, tenant=tenant, region=region)
        return principal, float(claims["exp"])


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Turns the Authorization header into `request.user` (a Principal); 401 when absent or bad."""

    def __init__(self, app: ASGIApp, tokens: TokenService, **options: Any) -> None:
        super().__init__(app, **options)
        self.tokens = tokens

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException("a bearer token is required (Authorization: Bearer <token>)")
        try:
            principal = self.tokens.verify(token.strip())
        except TokenError as error:
            raise NotAuthorizedException(str(error)) from error
        structlog.contextvars.bind_contextvars(
            actor=principal.subject, role=principal.main_role, tenant=principal.tenant
        )
        return AuthenticationResult(user=principal, auth=token)


def requires(*roles: Role) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    """A Litestar guard: the caller must hold one of the roles."""

    allowed = frozenset(roles)

    # Async on purpose: Litestar runs a synchronous guard in the thread pool, for every request.
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = connection.scope.get("user")
        if not isinstance(principal, Principal):
            # The authentication middleware skips OPTIONS and HEAD requests: no principal, no entry.
            raise NotAuthorizedException("a bearer token is required (Authorization: Bearer <token>)")
        if not principal.roles & allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise PermissionDeniedException(f"this action needs one of the roles: {names}")

    guard.__name__ = f"requires_{'_or_'.join(r.value for r in roles)}"
    return guard
