"""Scenario helpers of the member's and the reviewer's fund pages (no tests here): members in the
training service's register copy, an open call (national staff's API), a draft made through the
pages, and the pages' forms posted as a browser does (CSRF cookie and hidden fields)."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.training_api import BASE, SST, admin, given_members
from tests.helpers.training_api import given_call as given_call_written
from tests.portal.cap_answering.pages import page, redirected_to, submit

__all__ = ["BASE", "SST", "admin", "given_call", "given_members", "page", "redirected_to", "submit"]


async def given_call(api: Api, **overrides: Any) -> dict[str, Any]:
    """An open call (national staff's API), once the read models show it."""
    call = await given_call_written(api, **overrides)
    shown = await api.client.get(f"{BASE}/calls/{call['id']}?wait_for={call['notification_id']}", headers=api.staff)
    assert shown.status_code == 200, shown.text
    return call


def contributor(api: Api, tenant: str, name: str = "colleague") -> dict[str, str]:
    return api.token("member_contributor", tenant=tenant, subject=f"{name}-{tenant[:8]}")


async def started(api: Api, call: dict[str, Any], lead: str, title: str = "Former nos salariés") -> str:
    """A draft started from the call's card on /fms; its id."""
    answer = await submit(
        api, "/fms", f"/fms/appels/{call['id']}/candidature", admin(api, lead), {f"titre-{call['id']}": title}
    )
    location = redirected_to(answer)
    assert location.startswith("/fms/candidatures/"), location
    return location.removeprefix("/fms/candidatures/")


def draft_form(
    *, title: str = "Former nos salariés", requested: str = "3000", partner: str = "", rows: list[dict[str, str]]
) -> dict[str, str]:
    """The draft form's fields: `rows` are trainings (prioritaire, intitule, entreprise, stagiaires, heures, cout)."""
    fields = {"titre": title, "resume": "Un projet commun", "montant": requested, "partenaire-1": partner}
    for n, row in enumerate(rows, start=1):
        for key, value in row.items():
            fields[f"formation-{n}-{key}"] = value
        fields[f"formation-{n}-parcours"] = "oui"
    return fields


async def application_json(api: Api, application_id: str, headers: dict[str, str]) -> dict[str, Any]:
    answer = await api.client.get(f"{BASE}/applications/{application_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def given_submitted_through_pages(api: Api, call: dict[str, Any], lead: str, partner: str = "") -> str:
    """A draft started, completed (one priority training) and submitted through the member's pages."""
    application_id = await started(api, call, lead)
    url = f"/fms/candidatures/{application_id}"
    rows = [{"prioritaire": SST, "entreprise": lead, "stagiaires": "10", "heures": "14", "cout": "8000"}]
    redirected_to(await submit(api, url, url, admin(api, lead), draft_form(partner=partner, rows=rows)))
    redirected_to(await submit(api, f"{url}/depot", f"{url}/depot", admin(api, lead)))
    return application_id


async def given_assigned(api: Api, application_id: str) -> dict[str, str]:
    """A fund reviewer of the directory, assigned by national staff (the API); their token."""
    from tests.helpers.people import given_person
    from tests.helpers.training_api import reviewer

    name = given_person(api, "fund_reviewer")
    assigned = await api.client.post(
        f"{BASE}/applications/{application_id}/reviewers", json={"reviewer_id": name}, headers=api.staff
    )
    assert assigned.status_code == 200, assigned.text
    shown = await api.client.get(
        f"{BASE}/applications/{application_id}?wait_for={assigned.json()['notification_id']}", headers=api.staff
    )
    assert shown.status_code == 200, shown.text
    return reviewer(api, name)


async def caught_up(api: Api, application_id: str, written: dict[str, Any]) -> None:
    """Until the read models show a write made through the API (the pages read them)."""
    answer = await api.client.get(
        f"{BASE}/applications/{application_id}?wait_for={written['notification_id']}", headers=api.staff
    )
    assert answer.status_code == 200, answer.text
