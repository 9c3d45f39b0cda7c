"""The envelope's page: the ledger and its gauge, a top-up through the form (and its refusals), the
envelope as it stood on a past date."""

from __future__ import annotations

import html
from datetime import timedelta

from tests.helpers.api import Api
from tests.helpers.training_api import BASE, TODAY, given_call
from tests.portal.fms_calls.scenario import caught_up, post_form, text_of


async def test_staff_tops_up_the_envelope_and_sees_the_ledger(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"

    response = await post_form(api, path, path, {"amount": "50 000,00", "reason": "Abondement AGEFOS PME"})

    assert response.status_code == 303, response.text
    ledger = (await api.client.get(f"{BASE}/calls/{call['id']}/envelope", headers=api.staff)).json()
    assert [line["kind"] for line in ledger["lines"]] == ["initial", "top_up"]
    assert ledger["envelope_total"] == "150000.00"
    page = await api.client.get(path, headers=api.staff)
    text = text_of(html.unescape(page.text))
    assert "Abondement AGEFOS PME" in text
    assert "Enveloppe totale 150\u202f000,00\u00a0€" in text
    assert 'id="jauge-enveloppe"' in page.text and "<svg" in page.text


async def test_a_top_up_of_zero_is_refused_beside_the_amount(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"

    response = await post_form(api, path, path, {"amount": "0", "reason": "Rien"})

    assert response.status_code == 422
    assert 'id="amount-erreur"' in response.text
    ledger = (await api.client.get(f"{BASE}/calls/{call['id']}/envelope", headers=api.staff)).json()
    assert len(ledger["lines"]) == 1


async def test_a_malformed_amount_is_refused_naming_the_field(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"

    response = await post_form(api, path, path, {"amount": "beaucoup", "reason": "Partenaire"})

    assert response.status_code == 400
    assert "« Montant de l'abondement »" in html.unescape(response.text)
    ledger = (await api.client.get(f"{BASE}/calls/{call['id']}/envelope", headers=api.staff)).json()
    assert len(ledger["lines"]) == 1


async def test_a_top_up_from_a_stale_page_answers_409_with_the_fresh_ledger(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"
    await post_form(api, path, path, {"amount": "1000", "reason": "Premier"})

    response = await post_form(api, path, path, {"amount": "2000", "reason": "Second", "version": "1"})

    assert response.status_code == 409
    assert 'name="version" value="2"' in response.text
    ledger = (await api.client.get(f"{BASE}/calls/{call['id']}/envelope", headers=api.staff)).json()
    assert ledger["top_ups"] == "1000.00"


async def test_the_envelope_as_it_stood_before_a_top_up(api: Api) -> None:
    call = await given_call(api, opens_on=(TODAY - timedelta(days=20)).isoformat())
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"
    # opened today, topped up today: on the eve of today the call did not exist yet.
    await post_form(api, path, path, {"amount": "25000", "reason": "Partenaire"})

    today = await api.client.get(f"{path}?as_of={TODAY.isoformat()}", headers=api.staff)
    eve = await api.client.get(f"{path}?as_of={(TODAY - timedelta(days=1)).isoformat()}", headers=api.staff)
    wrong = await api.client.get(f"{path}?as_of=demain", headers=api.staff)

    assert "Enveloppe totale 125\u202f000,00\u00a0€" in text_of(html.unescape(today.text))
    assert eve.status_code == 200
    assert "pas encore ouvert" in html.unescape(eve.text)
    assert wrong.status_code == 400 and 'id="as_of-erreur"' in wrong.text


async def test_a_past_top_up_shows_on_its_own_date(api: Api) -> None:
    opened = TODAY - timedelta(days=30)
    call = await given_call(api, on=opened.isoformat(), opens_on=opened.isoformat())
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"
    topped = TODAY - timedelta(days=10)
    await post_form(api, path, path, {"amount": "25000", "reason": "Partenaire", "on": topped.isoformat()})

    before = await api.client.get(f"{path}?as_of={(topped - timedelta(days=1)).isoformat()}", headers=api.staff)
    after = await api.client.get(f"{path}?as_of={topped.isoformat()}", headers=api.staff)

    assert "Enveloppe totale 100\u202f000,00\u00a0€" in text_of(html.unescape(before.text))
    assert "Enveloppe totale 125\u202f000,00\u00a0€" in text_of(html.unescape(after.text))


async def test_the_ledger_shows_by_pages(api: Api, monkeypatch) -> None:  # noqa: ANN001
    from services.training.web import calls_envelope

    monkeypatch.setattr(calls_envelope, "LEDGER_PAGE", 1)
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}/enveloppe"
    await post_form(api, path, path, {"amount": "1000", "reason": "Partenaire A"})

    first = await api.client.get(path, headers=api.staff)
    second = await api.client.get(f"{path}?page=2", headers=api.staff)

    assert "2 lignes, page 1 sur 2" in first.text and "Partenaire A" not in first.text
    assert "Partenaire A" in second.text and 'rel="prev"' in second.text
