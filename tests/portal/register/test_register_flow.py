"""National staff's register, the happy paths: a member registered through the form, found in the
list (by name, by SIRET, by filter), its record, every form that changes it (each read back through
the API), its history, the regions and a merger."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.helpers.api import Api
from tests.helpers.siret import fresh_siret
from tests.portal.register.scenario import (
    given_member,
    given_regions_read,
    page,
    record,
    redirected_to,
    send_form,
    submit,
    total_members,
)

NEW_MEMBER = {
    "nom": "Atelier Solidaire de Roubaix",
    "forme_principale": "ACI",
    "formes": ["EI"],
    "region": "NPC",
    "ville": "Roubaix",
    "date_effet": "2024-01-15",
    "contact_nom": "Inès Lefebvre",
    "contact_courriel": "ines@atelier-roubaix.fr",
    "contact_telephone": "03 20 00 00 00",
}


async def test_staff_registers_a_member_through_the_form_and_lands_on_its_record(api: Api) -> None:
    await given_regions_read(api)
    siret = fresh_siret()
    form = await page(api, "/registre/nouveau", api.staff)
    assert "Enregistrer un adhérent" in form and "Nord-Pas-de-Calais" in form
    answer = await submit(api, "/registre/nouveau", "/registre/nouveau", api.staff, {**NEW_MEMBER, "siret": siret})
    location = redirected_to(answer)
    member_id = location.rsplit("/", 1)[1]
    found = await record(api, member_id)
    assert (found["name"], found["siret"], found["forms"], found["region"]) == (
        "Atelier Solidaire de Roubaix",
        siret,
        ["ACI", "EI"],
        "NPC",
    )
    assert found["joined_on"] == "2024-01-15"
    assert found["contact"]["email"] == "ines@atelier-roubaix.fr"
    shown = await page(api, location, api.staff)
    assert "Atelier Solidaire de Roubaix" in shown and "15 janvier 2024" in shown
    assert f"/registre/{member_id}/certification" in shown and f"/registre/{member_id}/historique" in shown


async def test_the_list_searches_by_name_and_siret_and_filters_by_region_form_and_status(api: Api) -> None:
    lens = await given_member(api, name="AI Le Relais de Lens", forms=["AI"], region="NPC")
    lyon_siret = fresh_siret()
    lyon = await given_member(api, name="Chantier Lyonnais", siret=lyon_siret, forms=["ACI"], region="RAL")
    everything = await page(api, "/registre", api.staff)
    assert "AI Le Relais de Lens" in everything and "Chantier Lyonnais" in everything
    by_name = await page(api, "/registre?q=relais", api.staff)
    assert lens in by_name and lyon not in by_name
    spaced = f"{lyon_siret[:3]} {lyon_siret[3:6]} {lyon_siret[6:9]} {lyon_siret[9:]}"
    by_siret = await page(api, f"/registre?q={spaced}", api.staff)
    assert lyon in by_siret and lens not in by_siret
    assert lyon in await page(api, "/registre?region=RAL", api.staff)
    assert lyon not in await page(api, "/registre?region=NPC", api.staff)
    assert lens in await page(api, "/registre?forme=AI", api.staff)
    assert lens not in await page(api, "/registre?forme=ACI", api.staff)
    assert lens not in await page(api, "/registre?statut=resigned", api.staff)
    # A filter the register does not know is dropped, not an error.
    assert lens in await page(api, "/registre?region=ZZ&forme=nope&page=abc", api.staff)


async def test_the_list_is_paginated(api: Api) -> None:
    for n in range(52):
        await given_member(api, name=f"Membre {n:02d}")
    first = await page(api, "/registre", api.staff)
    assert "page 1 sur 2" in first and "Membre 00" in first and "Membre 51" not in first
    second = await page(api, "/registre?page=2", api.staff)
    assert "Membre 51" in second and "Membre 00" not in second
    assert await total_members(api) == 52


async def test_each_form_changes_the_record_with_its_effective_date(api: Api) -> None:
    member_id = await given_member(api, name="AI Le Relais de Lens", forms=["AI", "ETTI"])
    steps = [
        ("coordonnees", {"nom": "AI Relais Lens", "ville": "Liévin", "date_effet": "2025-02-01"}),
        (
            "formes",
            {"forme_principale": "ETTI", "formes": ["AI"], "motif": "erreur de saisie", "date_effet": "2025-02-02"},
        ),
        ("region", {"region": "RAL", "motif": "déménagement", "date_effet": "2025-02-03"}),
        (
            "certification",
            {
                "certification": "CEDRE_ISO_9001",
                "portee": "collective",
                "groupe": "CERT-42",
                "date_effet": "2025-03-01",
                "expire_le": "2028-03-01",
            },
        ),
        ("cotisations/appel", {"annee": "2025", "montant": "1 200,50", "date_effet": "2025-01-10"}),
        ("cotisations/paiement", {"annee": "2025", "montant": "200", "date_effet": "2025-04-10"}),
        ("accord-groupe", {"date_effet": "2025-05-01"}),
    ]
    for slug, data in steps:
        redirected_to(await send_form(api, member_id, slug, data))
    found = await record(api, member_id)
    assert (found["name"], found["city"]) == ("AI Relais Lens", "Liévin")
    assert found["contact"]["email"] == "contact@relais-lens.fr"  # prefilled, sent back unchanged
    assert found["forms"] == ["ETTI", "AI"]
    assert found["region"] == "RAL"
    assert found["certification"]["scheme"] == "CEDRE_ISO_9001"
    assert found["certification"]["group_id"] == "CERT-42"
    assert found["dues"]["2025"] == {"called": "1200.50", "paid": "200.00"}
    assert found["accord_groupe_since"] == "2025-05-01"
    shown = await page(api, f"/registre/{member_id}", api.staff)
    assert "1\u202f200,50\u00a0€" in shown and "1\u202f000,50\u00a0€" in shown
    # The Accord Groupe page now offers the way out; the certificate's loss, resignation, reinstatement.
    assert "Enregistrer la sortie" in await page(api, f"/registre/{member_id}/accord-groupe", api.staff)
    for slug, data in [
        ("accord-groupe", {"date_effet": "2025-06-01"}),
        ("certification/perte", {"motif": "audit non renouvelé", "date_effet": "2025-06-02"}),
        ("demission", {"motif": "fin d'activité", "date_effet": "2025-12-31"}),
    ]:
        redirected_to(await send_form(api, member_id, slug, data))
    found = await record(api, member_id)
    assert found["accord_groupe_since"] is None and found.get("certification") is None
    assert found["status"] == "resigned"
    redirected_to(await send_form(api, member_id, "reintegration", {"motif": "reprise", "date_effet": "2026-01-05"}))
    redirected_to(await send_form(api, member_id, "exclusion", {"motif": "décision du CA", "date_effet": "2026-02-01"}))
    assert (await record(api, member_id))["status"] == "excluded"


async def test_the_record_as_of_an_earlier_date_shows_it_as_it_was(api: Api) -> None:
    member_id = await given_member(api, name="AI Le Relais de Lens", joined_on="2010-03-01")
    redirected_to(
        await send_form(
            api, member_id, "region", {"region": "RAL", "motif": "déménagement", "date_effet": "2020-01-01"}
        )
    )
    then = await page(api, f"/registre/{member_id}?as_of=2015-06-01", api.staff)
    assert "Fiche au 1er juin 2015" in then and "<dd>NPC</dd>" in then
    now = await page(api, f"/registre/{member_id}", api.staff)
    assert "<dd>RAL</dd>" in now
    before = await page(api, f"/registre/{member_id}?as_of=2001-01-01", api.staff)
    assert "pas encore au registre" in before
    assert "date réelle" in await page(api, f"/registre/{member_id}?as_of=2020-02-31", api.staff, status=400)


async def test_the_history_shows_every_change_with_both_dates_and_who(api: Api) -> None:
    member_id = await given_member(api, name="AI Le Relais de Lens")
    redirected_to(
        await send_form(
            api, member_id, "cotisations/appel", {"annee": "2025", "montant": "900", "date_effet": "2025-01-10"}
        )
    )
    shown = await page(api, f"/registre/{member_id}/historique", api.staff)
    assert "Adhésion enregistrée" in shown and "Cotisation appelée" in shown
    assert "10 janvier 2025" in shown  # effective
    assert "1er mars 2010" in shown  # the registration's effective date
    assert "équipe nationale" in shown and "staff-1" in shown
    assert "900,00\u00a0€" in shown


async def test_the_regions_on_a_date_and_a_merger(api: Api) -> None:
    member_id = await given_member(api, name="AI Le Relais de Lens", region="NPC")
    rouen = await given_member(api, name="AI de Rouen", region="HNO")
    shown = await page(api, "/registre/regions", api.staff)
    assert "Haute-Normandie" in shown and "Basse-Normandie" in shown
    answer = await submit(
        api,
        "/registre/regions/fusion",
        "/registre/regions/fusion",
        api.staff,
        {"regions": ["HNO", "BNO"], "code": "NOR", "nom": "Normandie", "date_effet": "2016-01-01"},
    )
    assert redirected_to(answer) == "/registre/regions?date=2016-01-01"
    after = await page(api, "/registre/regions?date=2016-01-01", api.staff)
    assert "<td>Normandie</td>" in after and "fusion" in after
    before = await page(api, "/registre/regions?date=2015-12-31", api.staff)
    assert "<td>Normandie</td>" not in before
    assert (await record(api, rouen))["region"] == "NOR"
    assert (await record(api, member_id))["region"] == "NPC"


async def test_a_member_registered_from_a_later_date_has_its_record_page_at_once(api: Api) -> None:
    await given_regions_read(api)
    answer = await submit(
        api,
        "/registre/nouveau",
        "/registre/nouveau",
        api.staff,
        {**NEW_MEMBER, "siret": fresh_siret(), "date_effet": "2099-01-01"},
    )
    location = redirected_to(answer)
    shown = await page(api, location, api.staff)
    assert "Atelier Solidaire de Roubaix" in shown and "Adhésion à partir du 1er janvier 2099" in shown
    assert "Cotisation" in shown
    paid = await send_form(api, location.rsplit("/", 1)[1], "cotisations/appel", {"annee": "2099", "montant": "10"})
    assert redirected_to(paid) == location


async def test_the_list_filters_by_certification_and_shows_the_register_on_a_date(api: Api) -> None:
    old = await given_member(api, name="AI Ancienne", joined_on="2010-03-01")
    new = await given_member(api, name="AI Nouvelle", joined_on="2020-06-01")
    certified = await send_form(
        api, old, "certification", {"certification": "CEDRE", "date_effet": "2021-01-01", "expire_le": "2024-01-01"}
    )
    redirected_to(certified)
    cedre = await page(api, "/registre?certification=CEDRE", api.staff)
    assert old in cedre and new not in cedre
    in_2015 = await page(api, "/registre?au=2015-01-01", api.staff)
    assert "Registre des adhérents au 1er janvier 2015" in in_2015
    assert old in in_2015 and new not in in_2015
    assert f"/registre/{old}?as_of=2015-01-01" in in_2015
    refused = await page(api, "/registre?au=2015-02-30", api.staff, status=400)
    assert "date réelle" in refused and new in refused  # today's register, the date's error beside it


async def test_the_record_as_known_at_a_moment_leaves_out_what_was_recorded_since(api: Api) -> None:
    member_id = await given_member(api, name="AI Le Relais de Lens", city="Lens")
    registered_at = datetime.fromisoformat((await record(api, member_id))["updated_at"])
    moment = (registered_at + timedelta(seconds=1)).astimezone(ZoneInfo("Europe/Paris"))
    await asyncio.sleep(2.1)
    redirected_to(await send_form(api, member_id, "coordonnees", {"ville": "Arras"}))
    then = await page(api, f"/registre/{member_id}?known_at={moment:%Y-%m-%dT%H:%M:%S}", api.staff)
    assert "telle que connue le" in then and "<dd>Lens</dd>" in then and "Arras" not in then
    assert "<dd>Arras</dd>" in await page(api, f"/registre/{member_id}", api.staff)
    refused = await page(api, f"/registre/{member_id}?known_at=hier", api.staff, status=400)
    assert "date et une heure réelles" in refused
