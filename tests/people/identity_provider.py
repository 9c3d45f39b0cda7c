"""An OpenID Connect provider in-process, as small as the sign-in needs: discovery, keys, and a
token endpoint that checks the client's secret and its PKCE verifier (S256) as a real one does."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar, Request, Response, get, post

ISSUER = "https://idp.exemple.test/realms/coorace"
CLIENT_ID = "coorace-portal"
CLIENT_SECRET = "le-secret-du-client"


class IdentityProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, Any]] = {}

    def user_signs_in(self, authorization_url: str, email: str, *, verified: bool = True) -> str:
        """The user signs in at the provider, which sends the browser back: answers the callback's
        path and query."""
        parts = urlsplit(authorization_url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert parts.scheme + "://" + parts.netloc + parts.path == ISSUER + "/auth"
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256" and "openid" in query["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "email": email,
            "verified": verified,
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
        }
        callback = urlsplit(query["redirect_uri"])
        return callback.path + "?" + urlencode({"code": code, "state": query["state"]})

    def app(self) -> Litestar:
        provider = self

        @get("/realms/coorace/.well-known/openid-configuration", sync_to_thread=False)
        def discovery() -> dict[str, Any]:
            return {
                "issuer": ISSUER,
                "authorization_endpoint": ISSUER + "/auth",
                "token_endpoint": ISSUER + "/token",
                "jwks_uri": ISSUER + "/certs",
            }

        @get("/realms/coorace/certs", sync_to_thread=False)
        def certs() -> dict[str, Any]:
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
            return {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

        @post("/realms/coorace/token", status_code=200)
        async def token(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
            form = await request.form()
            basic = base64.b64decode(request.headers.get("authorization", "Basic ").split(" ")[1] or b"").decode()
            grant = provider.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", ""))
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if (
                basic != f"{CLIENT_ID}:{CLIENT_SECRET}"
                or grant is None
                or challenge != grant["challenge"]
                or form.get("redirect_uri") != grant["redirect_uri"]
            ):
                return Response({"error": "invalid_grant"}, status_code=400)
            now = int(time.time())
            claims = {
                "iss": ISSUER,
                "aud": CLIENT_ID,
                "sub": grant["email"],
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "email": grant["email"],
                "email_verified": grant["verified"],
            }
            id_token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": "k1"})
            return Response({"access_token": "a", "token_type": "Bearer", "expires_in": 300, "id_token": id_token})

        return Litestar(route_handlers=[discovery, certs, token])
