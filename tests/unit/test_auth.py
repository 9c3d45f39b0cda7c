"""Bearer tokens: the embedded HS256 signer and verifier, and RS256 tokens checked against a JWKS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import Role, TokenError, TokenService
from shared.config import Settings
from tests.helpers.clock import FakeClock

MEMBER = "0b6f7a52-8a43-4c1e-9a55-2f0d2c0e7a11"
OTHER_MEMBER = "6d1f0c1e-2b7a-4e3c-8f59-1a2b3c4d5e6f"


def settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": None,
        "data_dir": tmp_path,
        "jwt_secret": None,
        "jwks_url": None,
        "jwt_issuer": "coorace-embedded",
        "jwt_audience": "coorace-platform",
        "log_format": "json",
        "log_level": "warning",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_an_issued_token_carries_the_principal(tmp_path: Path) -> None:
    tokens = TokenService(settings(tmp_path))
    principal = tokens.verify(tokens.issue(role="member_admin", tenant=MEMBER, subject="alice"))
    assert principal.subject == "alice" and principal.roles == {Role.MEMBER_ADMIN} and principal.tenant == MEMBER


def test_the_generated_secret_is_shared_by_every_command_on_the_same_folder(tmp_path: Path) -> None:
    token = TokenService(settings(tmp_path)).issue(role="national_staff")
    assert TokenService(settings(tmp_path)).verify(token).has(Role.NATIONAL_STAFF)
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o077 == 0


def test_a_token_signed_with_another_secret_is_refused(tmp_path: Path) -> None:
    forged = jwt.encode(
        {
            "sub": "x",
            "roles": ["national_staff"],
            "exp": time.time() + 60,
            "aud": "coorace-platform",
            "iss": "coorace-embedded",
        },
        "another-secret-" + "z" * 40,
    )
    with pytest.raises(TokenError, match="invalide"):
        TokenService(settings(tmp_path)).verify(forged)


def test_an_expired_token_is_refused_even_after_it_was_accepted(tmp_path: Path) -> None:
    clock = FakeClock()
    tokens = TokenService(settings(tmp_path), clock=clock)
    token = tokens.issue(role="national_staff", ttl_seconds=1)
    tokens.verify(token)
    clock.advance(1.1)
    with pytest.raises(TokenError, match="expiré"):
        tokens.verify(token)


def test_a_token_is_accepted_until_the_second_it_expires(tmp_path: Path) -> None:
    clock = FakeClock(start=float(int(time.time())))
    tokens = TokenService(settings(tmp_path), clock=clock)
    token = tokens.issue(role="national_staff", ttl_seconds=60)
    clock.advance(59)
    assert tokens.verify(token).has(Role.NATIONAL_STAFF)
    clock.advance(1)
    with pytest.raises(TokenError, match="expiré"):
        tokens.verify(token)


def test_an_expired_token_is_refused_the_first_time_it_is_seen(tmp_path: Path) -> None:
    clock = FakeClock()
    token = TokenService(settings(tmp_path), clock=clock).issue(role="national_staff", ttl_seconds=1)
    clock.advance(2)
    with pytest.raises(TokenError, match="expiré"):
        TokenService(settings(tmp_path), clock=clock).verify(token)


def test_a_token_whose_expiry_is_not_a_number_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TokenError, match="invalide"):
        TokenService(settings(tmp_path)).verify(signed(tmp_path, exp="tomorrow"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"role": "member_admin"}, "« tenant »"), ({"role": "regional_delegate"}, "« region »")],
)
def test_roles_need_their_scope_claim(tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    tokens = TokenService(settings(tmp_path))
    with pytest.raises(TokenError, match=message):
        tokens.verify(tokens.issue(**kwargs))


def signed(tmp_path: Path, **claims: object) -> str:
    """A token signed with the platform's own secret, carrying exactly these claims."""
    base: dict[str, object] = {
        "sub": "someone",
        "exp": time.time() + 60,
        "aud": "coorace-platform",
        "iss": "coorace-embedded",
    }
    return jwt.encode({**base, **claims}, TokenService(settings(tmp_path))._secret)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"roles": None}, "« roles »"),
        ({"roles": 5}, "« roles »"),
        ({"roles": "national_staff"}, "« roles »"),
        ({"roles": []}, "« roles »"),
        ({"roles": [5]}, "« roles »"),
        ({"roles": ["national_staff", "mayor"]}, "rôle inconnu : mayor"),
        ({"roles": ["member_admin"], "tenant": f"{MEMBER},{OTHER_MEMBER}"}, "« tenant »"),
        ({"roles": ["member_admin"], "tenant": [MEMBER]}, "« tenant »"),
        ({"roles": ["member_admin"], "tenant": 7}, "« tenant »"),
        ({"roles": ["member_admin"], "tenant": MEMBER.upper()}, "« tenant »"),
        ({"roles": ["member_admin"], "tenant": ""}, "« tenant »"),
        ({"roles": ["member_admin"], "tenant": "%"}, "« tenant »"),
        ({"roles": ["regional_delegate"], "region": "BRE,NPC"}, "« region »"),
        ({"roles": ["regional_delegate"], "region": ["BRE"]}, "« region »"),
        ({"roles": ["regional_delegate"], "region": "bre"}, "« region »"),
        ({"roles": ["national_staff"], "sub": ""}, "« sub »"),
    ],
)
def test_hostile_claims_are_refused_even_when_signed(tmp_path: Path, claims: dict[str, object], message: str) -> None:
    with pytest.raises(TokenError, match=message):
        TokenService(settings(tmp_path)).verify(signed(tmp_path, **claims))


def test_a_member_token_names_one_member_and_a_regional_token_one_region(tmp_path: Path) -> None:
    tokens = TokenService(settings(tmp_path))
    member = tokens.verify(signed(tmp_path, roles=["member_admin"], tenant=MEMBER))
    regional = tokens.verify(signed(tmp_path, roles=["regional_delegate", "trainer"], region="BRE"))
    assert member.tenant == MEMBER and member.roles == {Role.MEMBER_ADMIN}
    assert regional.region == "BRE" and regional.roles == {Role.REGIONAL_DELEGATE, Role.TRAINER}


def test_an_unknown_role_is_refused_when_issuing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        TokenService(settings(tmp_path)).issue(role="mayor")


@pytest.fixture
def identity_provider() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    """A JWKS endpoint on the loopback, as an external identity provider publishes one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class JWKS(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), JWKS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", key
    server.shutdown()


def test_rs256_tokens_are_verified_against_the_providers_keys(
    tmp_path: Path, identity_provider: tuple[str, rsa.RSAPrivateKey]
) -> None:
    url, key = identity_provider
    tokens = TokenService(settings(tmp_path, jwks_url=url, jwt_issuer="https://idp.example", jwt_audience="coorace"))
    claims = {
        "sub": "u-1",
        "roles": ["regional_delegate"],
        "region": "BRE",
        "exp": time.time() + 60,
        "iss": "https://idp.example",
        "aud": "coorace",
    }
    good = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
    assert tokens.verify(good).region == "BRE"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(TokenError):
        tokens.verify(forged)
    with pytest.raises(TokenError, match="external identity provider"):
        tokens.issue(role="national_staff")
