"""An FMS call with a submitted application (a lead and a partner), fund reviewers of the directory,
scores: built through the training API and the application layer, as the API's tests build them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import given_person, in_directory
from tests.helpers.training_api import (
    BASE,
    admin,
    given_call,
    given_members,
    given_submitted,
    reviewer,
    scores_body,
    staff,
)

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


@dataclass(frozen=True)
class Case:
    call: dict[str, Any]
    application_id: str
    lead: str
    partner: str
    other: str  # a member that takes no part in the application
    reviewer_id: str  # a fund reviewer of the directory, not yet assigned

    @property
    def page(self) -> str:
        return f"/fms/instruction/{self.application_id}"


async def given_case(api: Api, *, accord: bool = True, **call: Any) -> Case:
    lead, partner, other = await given_members(api, 3, accord=accord)
    opened = await given_call(api, **call)
    submitted = await given_submitted(api, opened, lead, partners=(partner,))
    await caught_up(api, submitted)
    person = given_person(api, "fund_reviewer", name="Claire Évaluatrice")
    await in_directory(api)
    return Case(opened, submitted["id"], lead, partner, other, person)


async def given_scored_case(api: Api, **call: Any) -> Case:
    """The case's application assigned to a reviewer of the directory (« Hugo Noteur ») who scored it."""
    case = await given_case(api, **call)
    name = given_person(api, "fund_reviewer", name="Hugo Noteur")
    await in_directory(api)
    url = f"{BASE}/applications/{case.application_id}"
    assigned = await api.client.post(f"{url}/reviewers", json={"reviewer_id": name}, headers=api.staff)
    assert assigned.status_code == 200, assigned.text
    scored = await api.client.post(f"{url}/scores", json=scores_body(), headers=reviewer(api, name))
    assert scored.status_code == 200, scored.text
    await caught_up(api, scored.json())
    return case


async def given_decided(api: Api, case: Case, amount: str = "2500.00", by: str = "marie") -> dict[str, Any]:
    decided = await api.client.post(
        f"{BASE}/applications/{case.application_id}/decision",
        json={"outcome": "award", "amount": amount, "reason": "Projet solide"},
        headers=staff(api, by),
    )
    assert decided.status_code == 200, decided.text
    await caught_up(api, decided.json())
    return decided.json()


async def given_approved(api: Api, case: Case, amount: str = "2500.00") -> dict[str, Any]:
    await given_decided(api, case, amount)
    approved = await api.client.post(
        f"{BASE}/applications/{case.application_id}/review", json={"outcome": "approve"}, headers=staff(api, "paul")
    )
    assert approved.status_code == 200, approved.text
    await caught_up(api, approved.json())
    return approved.json()


async def caught_up(api: Api, written: dict[str, Any]) -> None:
    """Until the training read models show the write (pages read them as they are)."""
    answer = await api.client.get(
        f"{BASE}/applications/{written['id']}/decision-file",
        params={"wait_for": written["notification_id"]},
        headers=api.staff,
    )
    assert answer.status_code == 200, answer.text


async def application(api: Api, case: Case) -> dict[str, Any]:
    """The application as the API shows it to national staff now."""
    answer = await api.client.get(f"{BASE}/applications/{case.application_id}", headers=api.staff)
    assert answer.status_code == 200, answer.text
    return answer.json()


def csrf_token(page: str) -> str:
    found = CSRF_INPUT.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def post_form(
    api: Api, path: str, page_path: str, headers: dict[str, str], fields: dict[str, str], *, version: bool = True
) -> Any:
    """Send a form as a browser would: from the page that shows it, with its CSRF token and the
    application's version the page was rendered from."""
    page = await api.client.get(page_path, headers=headers)
    assert page.status_code == 200, page.text
    sent = {"_csrf_token": csrf_token(page.text), **fields}
    if version and "version" not in fields:
        found = VERSION_INPUT.search(page.text)
        assert found, "the page has no version field"
        sent["version"] = found.group(1)
    return await api.client.post(path, headers=headers, data=sent, follow_redirects=False)


__all__ = ["admin", "staff"]
