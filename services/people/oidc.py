"""Signing in through an external OpenID Connect provider (Keycloak, Authentik, Entra ID…), in
deployment: authorization code with PKCE (S256), through Authlib's client.

Configured by `Settings.oidc` (`COORACE_OIDC_ISSUER`, `COORACE_OIDC_CLIENT_ID` and
`COORACE_OIDC_CLIENT_SECRET`, all three or none: then `/connexion` offers passwords only). The
provider's *verified* e-mail names the directory person; an unknown or deactivated person is
refused. What a sign-in started (state, nonce, PKCE verifier, where to go back) waits in
`people.oidc_logins` for ten minutes, so any process of the platform can finish it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx2
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client

from shared.config import OidcSettings
from shared.personal import normalise_email

PENDING_LIFETIME = timedelta(minutes=10)
CALLBACK_PATH = "/connexion/fournisseur/retour"


class OidcRefused(Exception):
    """The provider's answer cannot sign anyone in (the reason goes to the log, not the page)."""


@dataclass(frozen=True)
class Started:
    """A sign-in sent to the provider: where to send the browser."""

    url: str


class OidcClient:
    """The provider as the portal uses it. `transport` lets tests put a provider in-process."""

    def __init__(self, provider: OidcSettings, public_url: str, transport: Any = None) -> None:
        self.provider = provider
        self.redirect_uri = public_url.rstrip("/") + CALLBACK_PATH
        self._transport = transport
        self._metadata: dict[str, Any] | None = None

    def _client(self) -> AsyncOAuth2Client:
        options: dict[str, Any] = {"transport": self._transport} if self._transport is not None else {}
        return AsyncOAuth2Client(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            scope="openid email profile",
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=10,
            **options,
        )

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (read once per process)."""
        if self._metadata is None:
            async with httpx2.AsyncClient(transport=self._transport, timeout=10) as http:
                answer = await http.get(f"{self.provider.issuer}/.well-known/openid-configuration")
                answer.raise_for_status()
                self._metadata = answer.json()
        return self._metadata

    async def start(self, conn: asyncpg.Connection | asyncpg.Pool, suite: str, now: datetime) -> Started:
        """A new sign-in: its state, nonce and PKCE verifier kept, the provider's URL answered."""
        metadata = await self.metadata()
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
        async with self._client() as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
            )
        # Sign-ins abandoned at the provider are forgotten as new ones start.
        await conn.execute("DELETE FROM people.oidc_logins WHERE expires_at < $1", now)
        await conn.execute(
            "INSERT INTO people.oidc_logins (state_hash, code_verifier, nonce, suite, expires_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            _sha(state),
            verifier,
            nonce,
            suite,
            now + PENDING_LIFETIME,
        )
        return Started(url=url)

    async def finish(
        self, conn: asyncpg.Connection | asyncpg.Pool, *, code: str, state: str, now: datetime
    ) -> tuple[str, str]:
        """The verified e-mail the provider vouches for, and where the sign-in goes back to; the
        pending sign-in is used once."""
        pending = await conn.fetchrow(
            "DELETE FROM people.oidc_logins WHERE state_hash = $1 RETURNING code_verifier, nonce, suite, expires_at",
            _sha(state),
        )
        if pending is None or pending["expires_at"] <= now:
            raise OidcRefused("unknown or expired state")
        metadata = await self.metadata()
        async with self._client() as client:
            try:
                token = await client.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending["code_verifier"],
                )
            except Exception as error:  # the provider said no, or could not be reached
                raise OidcRefused(f"token exchange failed: {error!r}") from error
        claims = await self._id_token_claims(str(token.get("id_token", "")), pending["nonce"])
        if claims.get("email_verified") is not True or not isinstance(claims.get("email"), str):
            raise OidcRefused("the provider does not vouch for an e-mail address")
        return normalise_email(claims["email"]), pending["suite"]

    async def _id_token_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        async with httpx2.AsyncClient(transport=self._transport, timeout=10) as http:
            answer = await http.get(metadata["jwks_uri"])
            answer.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(answer.json())
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            key = next(k for k in keys.keys if kid is None or k.key_id == kid)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=["RS256", "ES256", "PS256"],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except (jwt.PyJWTError, StopIteration) as error:
            raise OidcRefused(f"invalid ID token: {error!r}") from error
        if claims.get("nonce") != nonce:
            raise OidcRefused("the ID token's nonce is not this sign-in's")
        return claims


def _sha(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


_UNSET = object()


def oidc_of(state: Any) -> OidcClient | None:
    """The app's provider client, made on first use from the settings (None: not configured)."""
    client = state.get("oidc", _UNSET)
    if client is _UNSET:
        settings = state["platform"].settings
        client = state["oidc"] = None if settings.oidc is None else OidcClient(settings.oidc, settings.public_url)
    return client
