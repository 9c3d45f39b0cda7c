"""Issue 10: a review asked of someone sends them an e-mail (through the outbox), once. (Since issue
11 the e-mail follows the event, through the directory's notifications: the tests wait for them.)"""

from __future__ import annotations

from typing import Any

from shared.database import DatabaseAddress
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    admin,
    given_member,
    given_referential,
    given_started,
    given_submitted,
    given_validated,
)
from tests.helpers.people import given_person, in_directory
from tests.notifications.helpers import mails_once_delivered
from tests.portal.cap_answering.pages import submit


async def review_mails(database: DatabaseAddress) -> list[Any]:
    """The outbox's review requests, once the notifications have caught up."""
    return await mails_once_delivered(database, "review_request")


async def test_a_review_asked_through_the_api_mails_the_delegate_once_even_when_the_request_is_retried(
    api: Api, database: DatabaseAddress
) -> None:
    given_referential(api)
    tenant = given_member(api, "AI Le Relais")
    delegate = given_person(api, "regional_delegate", region="NPC", name="Yann Kerouac")
    started = await given_started(api, tenant)
    given_submitted(api, tenant, started["id"])
    ask = {"kind": "third_party", "reviewer_id": delegate}
    headers = {**admin(api, tenant), "Idempotency-Key": "relecture-1"}
    path = f"{BASE}/assessments/{started['id']}/review-requests"

    first = await api.client.post(path, json=ask, headers=headers)
    retried = await api.client.post(path, json=ask, headers=headers)

    assert first.status_code == retried.status_code == 201, (first.text, retried.text)
    mails = await review_mails(database)
    assert len(mails) == 1
    assert mails[0]["recipient"].startswith("personne") and mails[0]["recipient"].endswith(
        "-regional_delegate@exemple.fr"
    )
    assert mails[0]["subject"] == "Relecture demandée : le Cap de AI Le Relais"
    assert "Bonjour Yann Kerouac" in mails[0]["body"] and f"/relectures/{started['id']}/" in mails[0]["body"]


async def test_a_review_asked_on_the_page_mails_the_person_chosen(api: Api, database: DatabaseAddress) -> None:
    given_referential(api)
    tenant = given_member(api, "AI Le Relais")
    delegate = given_person(api, "regional_delegate", region="NPC", name="Yann Kerouac")
    await in_directory(api)
    started = await given_started(api, tenant)
    given_submitted(api, tenant, started["id"])
    review = f"/cap/{started['id']}/relecture"

    asked = await submit(api, review, review, admin(api, tenant), {"genre": "third_party", "relecteur": delegate})

    assert asked.status_code == 303, asked.text
    mails = await review_mails(database)
    assert [m["subject"] for m in mails] == ["Relecture demandée : le Cap de AI Le Relais"]
    assert "Bonjour Yann Kerouac" in mails[0]["body"]


async def test_a_peer_review_naming_only_a_member_mails_no_one(api: Api, database: DatabaseAddress) -> None:
    given_referential(api)
    tenant = given_member(api, "AI Le Relais")
    other = given_member(api, "AI Voisine")
    given_validated(api, other, (await given_started(api, other))["id"])  # a peer has used le Cap itself
    started = await given_started(api, tenant)
    given_submitted(api, tenant, started["id"])

    answer = await api.client.post(
        f"{BASE}/assessments/{started['id']}/review-requests",
        json={"kind": "peer", "reviewer_tenant": other},
        headers=admin(api, tenant),
    )

    assert answer.status_code == 201, answer.text
    assert await review_mails(database) == []
