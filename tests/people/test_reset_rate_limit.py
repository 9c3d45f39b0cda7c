"""/mot-de-passe-oublie is rate-limited per address and per client address, counted in the
database; beyond the limit the answer is the same and no e-mail is queued."""

from __future__ import annotations

from services.people.credentials import RESETS_PER_CLIENT, RESETS_PER_EMAIL
from tests.helpers.api import Api
from tests.people.conftest import PASSWORD, Clock
from tests.people.helpers import activated, post_form, sql

SAME_ANSWER = (303, "/mot-de-passe-oublie?envoye=1")


async def ask(api: Api, email: str) -> tuple[int, str]:
    answer = await post_form(api, "/mot-de-passe-oublie", "/mot-de-passe-oublie", {"email": email})
    return answer.status_code, answer.headers.get("location", "")


async def resets_queued(api: Api, email: str) -> int:
    rows = await sql(
        api, "SELECT count(*) AS n FROM platform.outbox WHERE kind = 'password_reset' AND recipient = $1", email
    )
    return int(rows[0]["n"])


async def test_beyond_the_limit_per_address_the_answer_is_the_same_without_an_email(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    for _ in range(RESETS_PER_EMAIL):
        assert await ask(api, "anne@exemple.fr") == SAME_ANSWER
    assert await resets_queued(api, "anne@exemple.fr") == RESETS_PER_EMAIL
    assert await ask(api, "Anne@Exemple.fr") == SAME_ANSWER  # the same address, however written
    assert await resets_queued(api, "anne@exemple.fr") == RESETS_PER_EMAIL
    # Refused requests are not counted: an hour after the first ones, the owner can ask again.
    clock.advance(hours=1, seconds=1)
    assert await ask(api, "anne@exemple.fr") == SAME_ANSWER
    assert await resets_queued(api, "anne@exemple.fr") == RESETS_PER_EMAIL + 1


async def test_one_client_address_asking_about_many_addresses_is_limited(api: Api, clock: Clock) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    # Unknown addresses count as accounts do: the limit cannot tell which addresses have one.
    for n in range(RESETS_PER_CLIENT):
        assert await ask(api, f"inconnu-{n}@exemple.fr") == SAME_ANSWER
    assert await ask(api, "anne@exemple.fr") == SAME_ANSWER
    assert await resets_queued(api, "anne@exemple.fr") == 0
    clock.advance(hours=1, seconds=1)
    assert await ask(api, "anne@exemple.fr") == SAME_ANSWER
    assert await resets_queued(api, "anne@exemple.fr") == 1
