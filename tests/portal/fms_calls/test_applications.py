"""A call's applications for national staff: filters, pages, links to the instruction; the what-if
ranking; the exports, the same bytes as the API's."""

from __future__ import annotations

import html
import re

from services.training.web import calls_applications
from tests.helpers.api import Api
from tests.helpers.training_api import BASE, given_call, given_members, given_scored, given_submitted
from tests.portal.fms_calls.scenario import caught_up, text_of


def next_link(page: str) -> str:
    found = re.search(r'<a href="([^"]+)" rel="next">', page)
    assert found, "no next page"
    return html.unescape(found.group(1))


def previous_link(page: str) -> str:
    found = re.search(r'<a href="([^"]+)" rel="prev">', page)
    assert found, "no previous page"
    return html.unescape(found.group(1))


def listed(page: str) -> list[str]:
    return re.findall(r'<a href="/fms/instruction/([0-9a-f-]{36})">', page)


async def test_the_list_filters_and_pages(api: Api, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(calls_applications, "PAGE_SIZE", 2)
    leads = await given_members(api, 3)
    call = await given_call(api)
    await caught_up(api)
    submitted = [await given_submitted(api, call, lead, title=f"Projet {i}") for i, lead in enumerate(leads)]
    titles = {s["id"]: f"Projet {i}" for i, s in enumerate(submitted)}
    await given_scored(api, submitted[0])
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/candidatures"

    first = await api.client.get(path, headers=api.staff)
    second = await api.client.get(next_link(first.text), headers=api.staff)
    back = await api.client.get(previous_link(second.text), headers=api.staff)
    scored = await api.client.get(f"{path}?notee=oui", headers=api.staff)
    region = await api.client.get(f"{path}?region=BRE&statut=submitted", headers=api.staff)
    nowhere = await api.client.get(f"{path}?decision=award", headers=api.staff)
    junk = await api.client.get(f"{path}?statut=nimporte&apres=abc", headers=api.staff)

    ids = sorted((s["id"] for s in submitted), key=lambda i: titles[i])
    assert first.status_code == 200
    assert listed(first.text) == ids[:2] and "3 candidatures, 2 par page" in first.text
    assert 'rel="prev"' not in first.text
    assert listed(second.text) == ids[2:] and 'rel="next"' not in second.text
    assert listed(back.text) == ids[:2]
    assert listed(scored.text) == [submitted[0]["id"]]
    assert "3 candidatures, 2 par page" in region.text
    assert listed(nowhere.text) == [] and "Aucune candidature ne correspond" in html.unescape(nowhere.text)
    assert len(listed(junk.text)) == 2  # an unknown filter value is no filter


async def test_the_what_if_ranks_and_funds_within_the_envelope(api: Api) -> None:
    leads = await given_members(api, 2)
    call = await given_call(api)
    await caught_up(api)
    for i, lead in enumerate(leads):
        application = await given_submitted(api, call, lead, title=f"Projet {i}", requested="3000.00")
        await given_scored(api, application)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/simulation"

    simulated = await api.client.get(f"{path}?enveloppe=4 000,00", headers=api.staff)
    api_answer = (await api.client.get(f"{BASE}/calls/{call['id']}/what-if?envelope=4000", headers=api.staff)).json()

    assert simulated.status_code == 200
    text = text_of(html.unescape(simulated.text))
    assert api_answer["funded"] == 2 and api_answer["fully_funded"] == 1
    assert "2 sur 2 (1 en entier, 1 en partie)" in text
    assert "Reste de l'enveloppe 0,00\u00a0€" in text
    assert len(listed(simulated.text)) == 2


async def test_the_what_if_refuses_a_malformed_envelope_or_score(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/simulation"

    bad_envelope = await api.client.get(f"{path}?enveloppe=-5", headers=api.staff)
    bad_score = await api.client.get(f"{path}?seuil=120", headers=api.staff)
    both = await api.client.get(f"{path}?enveloppe=10&au=2026-01-01", headers=api.staff)

    assert bad_envelope.status_code == 400 and 'id="enveloppe-erreur"' in bad_envelope.text
    assert bad_score.status_code == 400 and 'id="seuil-erreur"' in bad_score.text
    assert both.status_code == 400 and 'id="au-erreur"' in both.text


async def test_the_exports_are_the_apis_bytes(api: Api) -> None:
    (lead,) = await given_members(api, 1)
    call = await given_call(api)
    await caught_up(api)
    await given_submitted(api, call, lead)
    await caught_up(api)

    for suffix in ("decisions.csv", "decisions.xlsx"):
        page = await api.client.get(f"/fms/appels/{call['id']}/{suffix}", headers=api.staff)
        from_api = await api.client.get(f"{BASE}/calls/{call['id']}/{suffix}", headers=api.staff)
        assert page.status_code == 200 and from_api.status_code == 200
        assert page.headers["content-disposition"] == from_api.headers["content-disposition"]
        if suffix.endswith("csv"):
            assert page.content == from_api.content
            assert "Former les salariés" in page.content.decode("utf-8-sig")
        else:
            assert page.content[:2] == b"PK" and len(page.content) > 1000


async def test_the_what_if_ranking_shows_by_pages(api: Api, monkeypatch) -> None:  # noqa: ANN001
    from services.training.web import calls_what_if

    monkeypatch.setattr(calls_what_if, "PAGE_SIZE", 1)
    leads = await given_members(api, 2)
    call = await given_call(api)
    for i, lead in enumerate(leads):
        application = await given_submitted(api, call, lead, title=f"Projet {i}", requested=f"{1000 + i}.00")
        await given_scored(api, application)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/simulation"

    first = await api.client.get(path, headers=api.staff)
    second = await api.client.get(f"{path}?page=2", headers=api.staff)

    # equal scores: the smaller request ranks first
    assert "Projet 0" in first.text and "Projet 1" not in first.text
    assert "Projet 1" in second.text and "2 sur 2" in text_of(html.unescape(second.text))
