"""The calls' pages through the real app: the list, opening a call through its form (and each of the
form's refusals, beside its field, nothing written), amending it, closing, cancelling and publishing
it from its page; who may not see them."""

from __future__ import annotations

import html

from services.training.domain.call import Call
from tests.helpers.api import Api
from tests.helpers.training_api import given_call, given_members, given_submitted
from tests.portal.fms_calls.scenario import api_call, api_calls, caught_up, opening_form, post_form, text_of


async def test_staff_opens_a_call_through_the_form(api: Api) -> None:
    response = await post_form(api, "/fms/appels/nouveau", "/fms/appels/nouveau", opening_form(label="1er appel"))

    call_id = str(Call.create_id(2026, "1er appel"))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/fms/appels/{call_id}"
    call = await api_call(api, call_id)
    assert call["label"] == "1er appel"
    assert call["terms"]["envelope"] == "290000.00"
    assert call["terms"]["criteria"]["priority_cofunding_rate"] == "0.70"
    assert [g["code"] for g in call["terms"]["grid"]] == ["pertinence", "cout"]
    assert call["terms"]["priority_trainings"] == ["Sauveteur secouriste du travail (SST)", "Savoirs de base"]
    page = await api.client.get(f"/fms/appels/{call_id}", headers=api.staff)
    assert page.status_code == 200
    assert "Appel à projets FMS 2026" in page.text
    listing = await api.client.get("/fms/appels", headers=api.staff)
    assert f'href="/fms/appels/{call_id}"' in listing.text
    assert "290\u202f000,00\u00a0€" in listing.text


async def test_an_envelope_below_40_percent_is_refused_beside_its_field(api: Api) -> None:
    response = await post_form(api, "/fms/appels/nouveau", "/fms/appels/nouveau", opening_form(envelope="100 000,00"))

    assert response.status_code == 422
    body = html.unescape(response.text)
    assert 'id="envelope-erreur"' in body
    assert "au moins 40 % du fonds mutualisé" in body
    assert 'value="100 000,00"' in body  # what was typed stays in the form
    assert await api_calls(api) == []


async def test_a_malformed_rate_is_refused_naming_the_field(api: Api) -> None:
    response = await post_form(
        api, "/fms/appels/nouveau", "/fms/appels/nouveau", opening_form(max_cofunding_rate="la moitié")
    )

    assert response.status_code == 400
    body = html.unescape(response.text)
    assert 'id="max_cofunding_rate-erreur"' in body
    assert "« Taux de cofinancement »" in body
    assert await api_calls(api) == []


async def test_a_missing_closing_date_is_refused_naming_the_field(api: Api) -> None:
    response = await post_form(api, "/fms/appels/nouveau", "/fms/appels/nouveau", opening_form(closes_on=""))

    assert response.status_code == 400
    body = html.unescape(response.text)
    assert 'id="closes_on-erreur"' in body
    assert "« Clôture des candidatures » est obligatoire" in body
    assert await api_calls(api) == []


async def test_a_grid_row_without_label_is_refused_beside_that_row(api: Api) -> None:
    fields = opening_form(grid_code_3="impact", grid_weight_3="1")
    response = await post_form(api, "/fms/appels/nouveau", "/fms/appels/nouveau", fields)

    assert response.status_code in (400, 422)
    assert 'id="grid_label_3-erreur"' in response.text
    assert await api_calls(api) == []


async def test_a_call_opened_twice_is_refused(api: Api) -> None:
    first = await post_form(api, "/fms/appels/nouveau", "/fms/appels/nouveau", opening_form())
    again = await post_form(api, "/fms/appels/nouveau", "/fms/appels/nouveau", opening_form())

    assert first.status_code == 303
    assert again.status_code == 409
    assert "Il y a un problème" in html.unescape(again.text)
    assert len(await api_calls(api)) == 1


async def test_staff_amends_a_call_before_its_first_application(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    page_path = f"/fms/appels/{call['id']}/modification"
    form = opening_form(title="Appel à projets FMS révisé", reason="Coquille dans le titre")
    del form["year"], form["label"]

    response = await post_form(api, page_path, page_path, form)

    assert response.status_code == 303, response.text
    amended = await api_call(api, call["id"])
    assert amended["title"] == "Appel à projets FMS révisé"
    assert amended["version"] == 2


async def test_an_amendment_from_a_stale_page_answers_409_with_the_fresh_call(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    page_path = f"/fms/appels/{call['id']}/modification"
    form = opening_form(title="Version de la page périmée", reason="Essai", version="1")
    del form["year"], form["label"]
    top_up = await post_form(
        api,
        f"/fms/appels/{call['id']}/enveloppe",
        f"/fms/appels/{call['id']}/enveloppe",
        {"amount": "1000", "reason": "Partenaire", "on": ""},
    )
    assert top_up.status_code == 303

    response = await post_form(api, page_path, page_path, form)

    assert response.status_code == 409
    assert 'name="version" value="2"' in response.text
    assert (await api_call(api, call["id"]))["title"] == "Appel à projets FMS"


async def test_an_amendment_after_the_first_application_is_refused(api: Api) -> None:
    (lead,) = await given_members(api, 1)
    call = await given_call(api)
    await caught_up(api)
    await given_submitted(api, call, lead)
    await caught_up(api)
    page_path = f"/fms/appels/{call['id']}/modification"
    form = opening_form(reason="Trop tard")
    del form["year"], form["label"]

    response = await post_form(api, page_path, page_path, form)

    assert response.status_code == 422
    assert 'id="formulaire"' in response.text
    assert (await api_call(api, call["id"]))["title"] == "Appel à projets FMS"


async def test_the_call_page_shows_its_figures_and_charts(api: Api) -> None:
    (lead,) = await given_members(api, 1)
    call = await given_call(api)
    await caught_up(api)
    await given_submitted(api, call, lead)
    await caught_up(api)

    page = await api.client.get(f"/fms/appels/{call['id']}", headers=api.staff)

    assert page.status_code == 200
    text = text_of(html.unescape(page.text))
    assert "Candidatures déposées 1 (1 entreprises)" in text
    assert page.text.count("<svg") == 5  # the gauge, then four charts
    assert 'id="graphique-candidatures-region"' in page.text
    assert "Aucune décision n'attend sa relecture." in text
    assert "/modification" not in page.text  # terms are frozen by the first application


async def test_staff_closes_then_publishes_a_call(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}"

    closed = await post_form(api, f"{path}/cloture", path, {})
    published = await post_form(api, f"{path}/publication", path, {})

    assert closed.status_code == 303 and published.status_code == 303
    assert (await api_call(api, call["id"]))["status"] == "results_published"


async def test_a_cancellation_without_reason_is_refused_beside_its_field(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}"

    refused = await post_form(api, f"{path}/annulation", path, {"cancel_reason": ""})
    cancelled = await post_form(api, f"{path}/annulation", path, {"cancel_reason": "Fonds non reconduit"})

    assert refused.status_code == 422
    assert 'id="cancel_reason-erreur"' in refused.text
    assert cancelled.status_code == 303
    after = await api_call(api, call["id"])
    assert after["status"] == "cancelled" and after["cancellation_reason"] == "Fonds non reconduit"


async def test_an_act_from_a_stale_page_answers_409(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}"
    await post_form(api, f"{path}/enveloppe", f"{path}/enveloppe", {"amount": "500", "reason": "Partenaire"})

    response = await post_form(api, f"{path}/cloture", path, {"version": "1"})

    assert response.status_code == 409
    assert (await api_call(api, call["id"]))["status"] == "open"


async def test_a_future_closing_date_is_refused_beside_the_date(api: Api) -> None:
    call = await given_call(api)
    await caught_up(api)
    path = f"/fms/appels/{call['id']}"

    response = await post_form(api, f"{path}/cloture", path, {"on": "2999-01-01"})

    assert response.status_code == 422
    assert 'id="on-erreur"' in response.text
    assert (await api_call(api, call["id"]))["status"] == "open"


async def test_only_national_staff_see_the_call_pages(api: Api) -> None:
    (member,) = await given_members(api, 1)
    call = await given_call(api)
    await caught_up(api)
    others = {
        "member": api.token("member_admin", tenant=member, subject="admin-x"),
        "delegate": api.token("regional_delegate", region="BRE", subject="delegate-x"),
        "reviewer": api.token("fund_reviewer", subject="reviewer-x"),
        "auditor": api.token("auditor", subject="auditor-x"),
    }
    paths = [
        "/fms/appels",
        "/fms/appels/nouveau",
        f"/fms/appels/{call['id']}",
        f"/fms/appels/{call['id']}/enveloppe",
        f"/fms/appels/{call['id']}/candidatures",
        f"/fms/appels/{call['id']}/simulation",
        f"/fms/appels/{call['id']}/decisions.csv",
    ]
    for who, headers in others.items():
        for path in paths:
            response = await api.client.get(path, headers=headers)
            assert response.status_code == 403, (who, path)
    anonymous = await api.client.get(f"/fms/appels/{call['id']}", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")


async def test_an_unknown_call_is_the_404_page(api: Api) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for suffix in ("", "/enveloppe", "/candidatures", "/simulation", "/modification", "/decisions.csv"):
        response = await api.client.get(f"/fms/appels/{unknown}{suffix}", headers=api.staff)
        assert response.status_code == 404, suffix
        assert "Page introuvable" in response.text or "introuvable" in response.text
