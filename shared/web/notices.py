"""One-time notices ("flash") kept in the server-side session row (`people.sessions.notice`).

A form that succeeds redirects (Post/Redirect/Get); the page it lands on should say what was done.
Instead of carrying the words (or a code for them) in the URL, where they stay in the history and
show again on reload or in a shared link, the POST handler keeps the notice in the person's session
row, and the next page that shows notices takes it: read once and cleared in the same statement, so
two tabs cannot both show it and a reload does not show it again.

    # in the POST handler, after the command succeeded
    await flash(request, "L'autoévaluation est soumise.")
    return Redirect("/cap/…", status_code=303)

    # in the GET handler of the page it lands on (base.html shows `notice` in a role="status" box)
    return Template(..., context={..., "notice": await take_notice(request)})

Only a session signed in through `/connexion` has a row: a request signed with a bearer token
(scripts, tests) has none, and `flash` answers False so that such a page may fall back on a query
parameter if it must. One notice at a time (a second `flash` before the next page replaces the
first); the row goes when the session ends, and its notice with it.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from shared.web.session import COOKIE, token_hash

# A notice is a sentence or two; anything longer is a page's job.
MAX_NOTICE_CHARACTERS = 500

_TAKE = """
UPDATE people.sessions s SET notice = NULL
FROM (SELECT token_hash, notice FROM people.sessions WHERE token_hash = $1 AND notice IS NOT NULL FOR UPDATE) old
WHERE s.token_hash = old.token_hash
RETURNING old.notice
"""


def _session_token(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    token = request.cookies.get(COOKIE)
    return token or None


def _pool(request: ASGIConnection[Any, Any, Any, Any]) -> Any:
    pool = request.app.state.platform.write_pool
    if pool is None:
        raise RuntimeError("the platform is not started")
    return pool


async def flash(request: ASGIConnection[Any, Any, Any, Any], text: str) -> bool:
    """Keep `text` for the next page of this session that shows notices. False when the request
    has no session (a bearer token), or its session has ended."""
    token = _session_token(request)
    if token is None or not text:
        return False
    status = await _pool(request).execute(
        "UPDATE people.sessions SET notice = $2 WHERE token_hash = $1", token_hash(token), text[:MAX_NOTICE_CHARACTERS]
    )
    return bool(status == "UPDATE 1")


async def take_notice(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The session's notice, cleared as it is read ("" when there is none)."""
    token = _session_token(request)
    if token is None:
        return ""
    notice = await _pool(request).fetchval(_TAKE, token_hash(token))
    return notice or ""
