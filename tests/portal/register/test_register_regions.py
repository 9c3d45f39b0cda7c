"""The regions' changes from the register's pages: a rename (the code kept, or a new one whose
members move to it) and a split (each member assigned to one of the new regions), as the API's
`/api/membership/regions/renames` and `/splits` do; refusals beside their fields, nothing written."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.portal.register.scenario import beside, fill_in, given_member, page, record, redirected_to, shown


async def test_a_region_renamed_keeps_its_code_and_shows_its_new_name_from_the_date(api: Api) -> None:
    await given_member(api, region="BRE")
    answer = await fill_in(
        api,
        "/registre/regions/renommage",
        "/registre/regions/renommage",
        {"region": "BRE", "nom": "Bretagne armoricaine", "date_effet": "2016-01-01"},
    )
    assert redirected_to(answer) == "/registre/regions?date=2016-01-01"
    assert "Bretagne armoricaine" in await page(api, "/registre/regions?date=2016-01-01", api.staff)
    assert "Bretagne armoricaine" not in await page(api, "/registre/regions?date=2015-12-31", api.staff)


async def test_a_region_renamed_under_a_new_code_takes_its_members_along(api: Api) -> None:
    member_id = await given_member(api, region="AUV")
    answer = await fill_in(
        api,
        "/registre/regions/renommage",
        "/registre/regions/renommage",
        {"region": "AUV", "nom": "Auvergne", "code": "AUVE", "date_effet": "2016-01-01"},
    )
    redirected_to(answer)
    assert (await record(api, member_id))["region"] == "AUVE"


async def test_a_region_split_sends_each_member_where_the_form_says(api: Api) -> None:
    tours = await given_member(api, name="AI de Tours", region="CLI")
    limoges = await given_member(api, name="Chantier de Limoges", region="CLI")
    form = await page(api, "/registre/regions/scission?region=CLI", api.staff)
    assert "AI de Tours" in form and "Chantier de Limoges" in form
    answer = await fill_in(
        api,
        "/registre/regions/scission?region=CLI",
        "/registre/regions/scission",
        {
            "code_1": "CVL",
            "nom_1": "Centre-Val de Loire",
            "code_2": "LIM",
            "nom_2": "Limousin",
            f"affectation_{tours}": "1",
            f"affectation_{limoges}": "2",
            "date_effet": "2016-01-01",
        },
    )
    redirected_to(answer)
    assert (await record(api, tours))["region"] == "CVL"
    assert (await record(api, limoges))["region"] == "LIM"
    after = await page(api, "/registre/regions?date=2016-01-01", api.staff)
    assert "Centre-Val de Loire" in after and "scission" in after


async def test_a_split_into_one_region_is_refused_beside_the_first_row_and_nothing_moves(api: Api) -> None:
    tours = await given_member(api, name="AI de Tours", region="CLI")
    answer = await fill_in(
        api,
        "/registre/regions/scission?region=CLI",
        "/registre/regions/scission",
        {"code_1": "CVL", "nom_1": "Centre-Val de Loire", "date_effet": "2016-01-01"},
    )
    assert answer.status_code == 400
    assert "au moins deux" in beside(shown(answer), "code_1")
    assert (await record(api, tours))["region"] == "CLI"


async def test_a_rename_to_the_same_name_is_refused_and_named(api: Api) -> None:
    await given_member(api, region="BRE")
    answer = await fill_in(
        api,
        "/registre/regions/renommage",
        "/registre/regions/renommage",
        {"region": "BRE", "nom": "Bretagne", "date_effet": "2016-01-01"},
    )
    assert answer.status_code == 422
    assert "s'appelle déjà" in shown(answer)
