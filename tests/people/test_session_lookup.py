"""The session lookup of every page: on its own pool (not the write pool, whose connections the
projections and commands hold), `last_seen_at` written at most once a minute."""

from __future__ import annotations

from datetime import datetime

from shared.web.session import COOKIE, token_hash
from tests.helpers.api import Api
from tests.people.conftest import PASSWORD, Clock, sign_in
from tests.people.helpers import activated, sql


async def last_seen(api: Api) -> datetime:
    rows = await sql(
        api, "SELECT last_seen_at FROM people.sessions WHERE token_hash = $1", token_hash(api.client.cookies[COOKIE])
    )
    assert len(rows) == 1
    return rows[0]["last_seen_at"]


async def test_a_page_writes_last_seen_at_at_most_once_a_minute(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    signed_in_at = await last_seen(api)
    clock.advance(seconds=59)
    assert (await api.client.get("/equipe")).status_code == 200
    assert await last_seen(api) == signed_in_at
    clock.advance(seconds=2)
    assert (await api.client.get("/equipe")).status_code == 200
    assert await last_seen(api) == clock.now


async def test_the_lookup_runs_on_the_session_pool_not_the_write_pool(api: Api, clock: Clock) -> None:
    platform = api.client.app.state.platform
    await activated(api, "anne@exemple.fr", PASSWORD)
    assert (await sign_in(api, "anne@exemple.fr", PASSWORD)).status_code == 303
    # The write pool out of reach (the app's pools live on its own event loop: take it away rather
    # than hold its connections): a page that only reads still finds its session.
    write_pool, platform.write_pool = platform.write_pool, None
    try:
        answer = await api.client.get("/", follow_redirects=False)
    finally:
        platform.write_pool = write_pool
    assert answer.status_code == 200 and "Se déconnecter" in answer.text
