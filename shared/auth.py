"""Who is calling: bearer tokens (JWT), the principal they carry, and the guards routes use.

The embedded default signs and verifies HS256 tokens with the data folder's secret (`coorace token`
prints one). With `COORACE_JWKS_URL` set, tokens come from an external identity provider and are
verified as RS256 against its published keys; the platform then refuses to sign any itself.
"""

from __future__ import annotations

import re
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
TOKEN_REQUIRED = "un jeton d'accès est requis (en-tête Authorization: Bearer <jeton>)"


class TokenError(Exception):
    pass


class TokenService:
    """Issues (embedded mode only) and verifies bearer tokens.

    `clock` (seconds since the epoch, the real time by default) dates the tokens it issues and
    decides when a token has expired, also for tokens it verified before (tests pass a fake one
    instead of sleeping). PyJWT still checks `iat`/`nbf` against the real time."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._clock = clock
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
        now = int(self._clock())
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
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        principal, expires_at = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, expires_at)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            key, algorithm = self._verification_key(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                # The expiry is checked below, against our clock.
                options={"require": ["exp", "sub"], "verify_exp": False},
            )
        except jwt.PyJWTError as error:
            raise TokenError(f"le jeton d'accès est invalide ({error})") from error
        try:
            expires_at = int(claims["exp"])
        except (ValueError, TypeError, OverflowError):
            raise TokenError(
                "le jeton d'accès est invalide (Expiration Time claim (exp) must be an integer.)"
            ) from None
        if expires_at <= self._clock():
            raise TokenError("le jeton d'accès a expiré : demandez-en un nouveau")
        principal = principal_of(claims)
        return principal, float(expires_at)

    def _verification_key(self, token: str) -> tuple[Any, str]:
        """The key that signed the token and its algorithm: the identity provider's published
        key (RS256), or the embedded secret (HS256)."""
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key, "RS256"
        if self._secret is None:  # the constructor sets one of the two
            raise TokenError("aucune clé pour vérifier les jetons")
        return self._secret, "HS256"


MEMBER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REGION_CODE = re.compile(r"[A-Z]{2,8}")


def principal_of(claims: dict[str, Any]) -> Principal:
    """The principal a verified token's claims describe, checked strictly: a signature proves who
    issued the claims, not that they have the shape the platform relies on (a `tenant` of
    "A,B" would otherwise read two members' records)."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 200:
        raise TokenError("le jeton d'accès doit nommer son titulaire (« sub » : une chaîne de 1 à 200 caractères)")
    raw_roles = claims.get("roles")
    if not isinstance(raw_roles, list) or not raw_roles or not all(isinstance(r, str) for r in raw_roles):
        raise TokenError("la revendication « roles » du jeton doit être une liste non vide de rôles")
    unknown = sorted(set(raw_roles) - {r.value for r in Role})
    if unknown:
        raise TokenError(f"le jeton nomme un rôle inconnu : {', '.join(unknown)}")
    roles = frozenset(Role(r) for r in raw_roles)
    tenant, region = claims.get("tenant"), claims.get("region")
    if tenant is not None and not (isinstance(tenant, str) and MEMBER_ID.fullmatch(tenant)):
        raise TokenError("la revendication « tenant » du jeton doit être l'identifiant d'un seul adhérent (un UUID)")
    if region is not None and not (isinstance(region, str) and REGION_CODE.fullmatch(region)):
        raise TokenError("la revendication « region » du jeton doit être un code de région (ex. BRE)")
    if roles & MEMBER_ROLES and not tenant:
        raise TokenError("un rôle d'adhérent exige la revendication « tenant » (l'adhérent)")
    if roles & REGIONAL_ROLES and not region:
        raise TokenError("un rôle régional exige la revendication « region » (le code de la région)")
    return Principal(subject=subject, roles=roles, tenant=tenant, region=region)


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Turns the Authorization header into `request.user` (a Principal); 401 when absent or bad."""

    def __init__(self, app: ASGIApp, tokens: TokenService, **options: Any) -> None:
        super().__init__(app, **options)
        self.tokens = tokens

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException(TOKEN_REQUIRED)
        try:
            principal = self.tokens.verify(token.strip())
        except TokenError as error:
            raise NotAuthorizedException(str(error)) from error
        structlog.contextvars.bind_contextvars(
            actor=principal.subject, role=principal.main_role, tenant=principal.tenant
        )
        return AuthenticationResult(user=principal, auth=token)


def requires(*roles: Role) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]:
    """A Litestar guard: the caller must hold one of the roles."""

    allowed = frozenset(roles)

    # Async on purpose: Litestar runs a synchronous guard in the thread pool, for every request.
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = connection.scope.get("user")
        if not isinstance(principal, Principal):
            # The authentication middleware skips OPTIONS and HEAD requests: no principal, no entry.
            raise NotAuthorizedException(TOKEN_REQUIRED)
        if not principal.roles & allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise PermissionDeniedException(f"cette action demande l'un des rôles : {names}")

    guard.__name__ = f"requires_{'_or_'.join(r.value for r in roles)}"
    guard.roles = allowed  # type: ignore[attr-defined]  # read by shared.openapi to document the operation
    return guard
