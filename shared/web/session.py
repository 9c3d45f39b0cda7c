"""Server-side sessions of the portal: a random token in the `coorace_session` cookie, its sha256
in `people.sessions` (the people service's table: see services/people/migrations.py).

The cookie is HttpOnly, SameSite=Lax, Path=/, and Secure when the platform is served over https.
A session ends after 2 hours without a request, or 12 hours after sign-in, whichever comes first,
or at sign-out. The Principal of a request is built from the person's *current* directory row, in
the same query that finds the session: a role change or a deactivation takes effect at the next
request. `Sessions.clock` is the time every check uses (tests move it instead of waiting).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar.datastructures import Cookie

from shared.auth import Principal, Role

if TYPE_CHECKING:
    from shared.platform import Platform

COOKIE = "coorace_session"
IDLE = timedelta(hours=2)
ABSOLUTE = timedelta(hours=12)
# `last_seen_at` is written at most once a minute: a page request then costs one read, not a write.
TOUCH_EVERY = timedelta(minutes=1)

_FIND = """
WITH found AS (
    SELECT s.person_id, d.role, d.tenant_id, d.region
    FROM people.sessions s JOIN people.directory d ON d.person_id = s.person_id::text
    WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND d.status = 'active'
), touched AS (
    UPDATE people.sessions SET last_seen_at = $2
    WHERE token_hash = $1 AND last_seen_at < $4 AND EXISTS (SELECT FROM found)
)
SELECT * FROM found
"""


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Sessions:
    """The sessions of one platform (its session pool, which logs in as the write role: the read role
    cannot see these tables)."""

    def __init__(self, platform: Platform, clock: Callable[[], datetime] = _now) -> None:
        self.platform = platform
        self.clock = clock

    async def open(self, person_id: UUID) -> str:
        """A new session for the person; answers the token to put in the cookie."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        await self._pool().execute(
            "INSERT INTO people.sessions (token_hash, person_id, created_at, last_seen_at, expires_at) "
            "VALUES ($1, $2, $3, $3, $4)",
            token_hash(token),
            person_id,
            now,
            now + ABSOLUTE,
        )
        return token

    async def principal(self, token: str) -> Principal | None:
        """Who holds this session now, or None (no such session, expired, or the person is no
        longer active). One indexed query."""
        now = self.clock()
        row = await self._pool().fetchrow(_FIND, token_hash(token), now, now - IDLE, now - TOUCH_EVERY)
        if row is None:
            return None
        return Principal(
            subject=str(row["person_id"]),
            roles=frozenset({Role(row["role"])}),
            tenant=row["tenant_id"] or None,
            region=row["region"] or None,
        )

    async def close(self, token: str) -> None:
        await self._pool().execute("DELETE FROM people.sessions WHERE token_hash = $1", token_hash(token))

    async def end_all(self, person_id: UUID) -> None:
        """End every session of a person (deactivated, or their password reset)."""
        await self._pool().execute("DELETE FROM people.sessions WHERE person_id = $1", person_id)

    def _pool(self) -> Any:
        if self.platform.session_pool is None:
            raise RuntimeError("the platform is not started")
        return self.platform.session_pool


def sessions_of(state: Any) -> Sessions:
    """The app's sessions, made on first use from its platform (kept in the app's state)."""
    sessions = state.get("sessions")
    if sessions is None:
        sessions = state["sessions"] = Sessions(state["platform"])
    return sessions


def session_cookie(token: str, *, secure: bool) -> Cookie:
    return Cookie(
        key=COOKIE,
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=int(ABSOLUTE.total_seconds()),
    )


def expired_session_cookie(*, secure: bool) -> Cookie:
    return Cookie(key=COOKIE, value="", path="/", httponly=True, samesite="lax", secure=secure, max_age=0)


def cookie_token(headers: Any) -> str | None:
    """The session token in the request's Cookie header(s), if any (scope headers: bytes pairs)."""
    for name, value in headers:
        if name != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            key, _, token = part.strip().partition("=")
            if key == COOKIE and token:
                return token
    return None
