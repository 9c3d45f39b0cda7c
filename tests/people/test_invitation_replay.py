"""A retried invitation (same Idempotency-Key) answers the first answer and queues no second e-mail."""

from __future__ import annotations

from uuid import UUID

from shared.commands import REPLAYED_HEADER
from tests.helpers.api import Api
from tests.people.helpers import sql

INVITATION = {"name": "Anne Durand", "email": "anne@exemple.fr", "role": "national_staff"}


async def invitations_queued(api: Api) -> int:
    rows = await sql(api, "SELECT count(*) AS n FROM platform.outbox WHERE kind = 'invitation'")
    return int(rows[0]["n"])


async def invite_with_key(api: Api, key: str) -> tuple[dict[str, object], dict[str, str]]:
    answer = await api.client.post("/api/people", json=INVITATION, headers={**api.staff, "Idempotency-Key": key})
    assert answer.status_code == 201, answer.text
    return answer.json(), dict(answer.headers)


async def test_a_replayed_invitation_queues_no_second_email(api: Api) -> None:
    first, first_headers = await invite_with_key(api, "invitation-anne")
    assert REPLAYED_HEADER.lower() not in first_headers
    assert await invitations_queued(api) == 1
    again, again_headers = await invite_with_key(api, "invitation-anne")
    assert again == first and again_headers[REPLAYED_HEADER.lower()] == "true"
    assert await invitations_queued(api) == 1
    # The first e-mail's link still works: no second link ended it.
    links = await sql(api, "SELECT used_at FROM people.one_time_links WHERE person_id = $1", UUID(str(first["id"])))
    assert [row["used_at"] for row in links] == [None]


async def test_a_new_key_is_a_new_command(api: Api) -> None:
    await invite_with_key(api, "invitation-anne")
    other = await api.client.post(
        "/api/people",
        json={**INVITATION, "email": "bruno@exemple.fr", "name": "Bruno"},
        headers={**api.staff, "Idempotency-Key": "invitation-bruno"},
    )
    assert other.status_code == 201 and await invitations_queued(api) == 2


async def test_a_retry_sends_the_email_that_a_dying_first_attempt_did_not(api: Api) -> None:
    first, _ = await invite_with_key(api, "invitation-anne")
    # What a process killed between the command's commit and the e-mail leaves behind.
    await sql(api, "DELETE FROM people.one_time_links WHERE person_id = $1", UUID(str(first["id"])))
    await sql(api, "DELETE FROM platform.outbox")
    again, headers = await invite_with_key(api, "invitation-anne")
    assert again == first and headers[REPLAYED_HEADER.lower()] == "true"
    assert await invitations_queued(api) == 1
