"""What the register's pages refuse: a value the page cannot read or the domain refuses comes back
beside its field, named in French (400/422), nothing written; a stale form is a 409 showing the fresh
record, nothing written; someone who is not national staff gets 403, a member no one may see 404."""

from __future__ import annotations

import uuid

from tests.helpers.api import Api
from tests.helpers.siret import fresh_siret
from tests.portal.register.browserlike import form_values
from tests.portal.register.scenario import (
    beside,
    delegate,
    fill_in,
    given_member,
    given_regions_read,
    member_admin,
    page,
    post,
    record,
    send_form,
    shown,
    total_members,
)

REGISTRATION = {
    "nom": "Atelier Solidaire de Roubaix",
    "forme_principale": "ACI",
    "region": "NPC",
    "ville": "Roubaix",
    "date_effet": "2024-01-15",
    "contact_nom": "Inès Lefebvre",
    "contact_courriel": "ines@atelier-roubaix.fr",
    "contact_telephone": "03 20 00 00 00",
}


async def test_a_registration_with_a_bad_siret_comes_back_beside_the_siret_and_nothing_is_written(api: Api) -> None:
    await given_member(api)
    before = await total_members(api)
    answer = await fill_in(api, "/registre/nouveau", "/registre/nouveau", {**REGISTRATION, "siret": "12345678901234"})
    assert answer.status_code == 422
    html = shown(answer)
    assert "n'est pas un SIRET valide" in beside(html, "siret")
    assert 'value="Atelier Solidaire de Roubaix"' in html  # what was typed is kept
    assert await total_members(api) == before


async def test_a_registration_with_missing_fields_names_each_one_and_nothing_is_written(api: Api) -> None:
    await given_regions_read(api)
    answer = await fill_in(
        api, "/registre/nouveau", "/registre/nouveau", {**REGISTRATION, "nom": "", "date_effet": "31/02/2024"}
    )
    assert answer.status_code == 400
    html = shown(answer)
    assert "Indiquez le nom de l'entreprise" in beside(html, "nom")
    assert "Indiquez le SIRET" in beside(html, "siret")
    assert "doit être une date réelle" in beside(html, "date_effet")
    assert await total_members(api) == 0


async def test_a_siret_already_registered_is_refused_beside_the_siret(api: Api) -> None:
    siret = fresh_siret()
    await given_member(api, siret=siret)
    answer = await fill_in(api, "/registre/nouveau", "/registre/nouveau", {**REGISTRATION, "siret": siret})
    assert answer.status_code == 409
    assert "déjà enregistré" in beside(shown(answer), "siret")
    assert await total_members(api) == 1


async def test_a_bad_e_mail_is_named_by_its_french_label(api: Api) -> None:
    member_id = await given_member(api)
    before = (await record(api, member_id))["version"]
    answer = await send_form(api, member_id, "coordonnees", {"contact_courriel": "pas-une-adresse"})
    assert answer.status_code == 422
    message = beside(shown(answer), "contact_courriel")
    assert "« Courriel du contact »" in message and "contact.email" not in message
    assert (await record(api, member_id))["version"] == before


async def test_a_payment_over_the_dues_called_is_refused_beside_the_amount(api: Api) -> None:
    member_id = await given_member(api)
    assert (
        await send_form(api, member_id, "cotisations/appel", {"annee": "2025", "montant": "500"})
    ).status_code == 303
    before = (await record(api, member_id))["version"]
    answer = await send_form(api, member_id, "cotisations/paiement", {"annee": "2025", "montant": "600"})
    assert answer.status_code == 422
    assert beside(shown(answer), "montant")
    for data, field in (
        ({"annee": "deux mille", "montant": "10"}, "annee"),
        ({"annee": "2025", "montant": "dix euros"}, "montant"),
        ({"annee": "2025", "montant": "10", "date_effet": ""}, "date_effet"),
    ):
        refused = await send_form(api, member_id, "cotisations/paiement", data)
        assert refused.status_code in (400, 422), data
        assert beside(shown(refused), field), data
    assert (await record(api, member_id))["version"] == before


async def test_a_certificate_expiring_before_it_is_obtained_is_refused_beside_its_expiry(api: Api) -> None:
    member_id = await given_member(api)
    answer = await send_form(api, member_id, "certification", {"date_effet": "2025-03-01", "expire_le": "2024-03-01"})
    assert answer.status_code == 422
    assert "postérieur" in beside(shown(answer), "expire_le")
    collective = await send_form(api, member_id, "certification", {"portee": "collective", "groupe": ""})
    assert collective.status_code == 422
    assert "requis" in beside(shown(collective), "groupe")
    assert (await record(api, member_id)).get("certification") is None


async def test_a_command_the_member_state_refuses_is_shown_in_the_summary(api: Api) -> None:
    member_id = await given_member(api)
    answer = await send_form(api, member_id, "reintegration", {"motif": "erreur"})
    assert answer.status_code == 422
    assert "déjà actif" in shown(answer)
    assert (await record(api, member_id))["status"] == "active"


async def test_a_stale_form_is_a_409_with_the_fresh_record_and_nothing_is_written(api: Api) -> None:
    member_id = await given_member(api, city="Lens")
    path = f"/registre/{member_id}/coordonnees"
    stale_form = (await api.client.get(path, headers=api.staff)).text
    # Someone else changes the record meanwhile (through the API).
    changed = await api.client.post(
        f"/api/membership/members/{member_id}/details",
        json={
            "name": "AI Le Relais de Lens",
            "contact": {"name": "Claire Martin", "email": "contact@relais-lens.fr", "phone": "+33 3 21 00 00 00"},
            "city": "Arras",
        },
        headers=api.staff,
    )
    assert changed.status_code == 200, changed.text
    await record(api, member_id, wait_for=changed.json()["notification_id"])
    answer = await post(api, stale_form, path, api.staff, {**form_values(stale_form, path), "ville": "Béthune"})
    assert answer.status_code == 409
    html = shown(answer)
    assert "modifiée pendant que vous la lisiez" in html
    assert 'value="Arras"' in html and 'name="version" value="2"' in html
    found = await record(api, member_id)
    assert (found["city"], found["version"]) == ("Arras", 2)


async def test_a_delegate_and_a_member_get_403_on_every_register_page(api: Api) -> None:
    member_id = await given_member(api, region="NPC")
    for headers in (delegate(api, "NPC"), member_admin(api, member_id)):
        for path in (
            "/registre",
            "/registre/nouveau",
            f"/registre/{member_id}",
            f"/registre/{member_id}/historique",
            f"/registre/{member_id}/certification",
            "/registre/regions",
            "/registre/regions/fusion",
        ):
            answer = await api.client.get(path, headers=headers)
            assert answer.status_code == 403, (path, answer.status_code)
            assert "Accès refusé" in shown(answer)
    # Their POST is refused too, before any command (the staff's page gives a valid CSRF token).
    staff_form = (await api.client.get(f"/registre/{member_id}/demission", headers=api.staff)).text
    answer = await post(api, staff_form, f"/registre/{member_id}/demission", delegate(api), {"motif": "intrus"})
    assert answer.status_code == 403
    assert (await record(api, member_id))["status"] == "active"


async def test_an_unknown_member_is_a_404_on_every_page_and_form(api: Api) -> None:
    await given_member(api)
    missing = uuid.uuid4()
    for path in ("", "/historique", "/coordonnees", "/cotisations/appel", "/accord-groupe"):
        answer = await api.client.get(f"/registre/{missing}{path}", headers=api.staff)
        assert answer.status_code == 404, path
        assert "Cette page n'existe pas" in shown(answer)
    staff_page = (await api.client.get("/registre/nouveau", headers=api.staff)).text
    answer = await post(api, staff_page, f"/registre/{missing}/demission", api.staff, {"motif": "x", "version": "1"})
    assert answer.status_code == 404


async def test_an_anonymous_visitor_is_sent_to_sign_in(api: Api) -> None:
    answer = await api.client.get("/registre", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/connexion?suite=%2Fregistre")


async def test_a_merger_of_one_region_names_the_field(api: Api) -> None:
    await given_member(api)
    answer = await fill_in(
        api,
        "/registre/regions/fusion",
        "/registre/regions/fusion",
        {"regions": ["HNO"], "code": "nor", "nom": "Normandie"},
    )
    assert answer.status_code == 400
    html = shown(answer)
    assert "au moins deux régions" in beside(html, "regions")
    assert "majuscules" in beside(html, "code")
    regions = await page(api, "/registre/regions", api.staff)
    assert "Haute-Normandie" in regions and "<td>Normandie</td>" not in regions
