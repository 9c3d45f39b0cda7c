"""/equipe shows 100 people a page, with links to the next and previous pages that keep the filters."""

from __future__ import annotations

import html
import re

from tests.helpers.api import Api
from tests.people.helpers import wait_for

NAMES = re.compile(r'<td><a href="/equipe/[0-9a-f-]+">([^<]+)</a></td>')


async def invite_many(api: Api, count: int, role: str) -> None:
    last = 0
    for n in range(count):
        answer = await api.client.post(
            "/api/people",
            json={"name": f"Personne {n:03d}", "email": f"p{n:03d}-{role}@exemple.fr", "role": role},
            headers=api.staff,
        )
        assert answer.status_code == 201, answer.text
        last = answer.json()["notification_id"]
    await wait_for(api, last)


def link(page: str, words: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="(?:prev|next)">{words}', page)
    return html.unescape(match.group(1)) if match else None


async def test_the_team_page_shows_a_hundred_people_a_page_and_keeps_the_filters(api: Api) -> None:
    await invite_many(api, 103, "national_staff")
    await invite_many(api, 2, "auditor")  # filtered out below
    first = await api.client.get("/equipe?role=national_staff&nom=Personne", headers=api.staff)
    assert first.status_code == 200
    names = NAMES.findall(first.text)
    assert len(names) == 100 and names[0] == "Personne 000" and names[-1] == "Personne 099"
    assert "103 personnes, page 1 sur 2" in first.text
    assert link(first.text, "Page précédente") is None
    following = link(first.text, "Page suivante")
    assert following == "/equipe?role=national_staff&nom=Personne&page=2"

    second = await api.client.get(following, headers=api.staff)
    assert NAMES.findall(second.text) == ["Personne 100", "Personne 101", "Personne 102"]
    assert link(second.text, "Page suivante") is None
    assert link(second.text, "Page précédente") == "/equipe?role=national_staff&nom=Personne"
    # The filter form keeps the filters too (and starts again at page 1 when they change).
    assert 'name="nom" type="search" value="Personne"' in second.text


async def test_one_page_needs_no_links_and_a_wrong_page_number_shows_the_first(api: Api) -> None:
    await invite_many(api, 2, "national_staff")
    page = await api.client.get("/equipe?page=abc", headers=api.staff)
    assert page.status_code == 200 and len(NAMES.findall(page.text)) == 2
    assert "Page suivante" not in page.text and "Page précédente" not in page.text
    beyond = await api.client.get("/equipe?page=7", headers=api.staff)
    assert beyond.status_code == 200 and NAMES.findall(beyond.text) == []
    assert link(beyond.text, "Page précédente") == "/equipe"
