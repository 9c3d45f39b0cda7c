"""Regions as history, through the real HTTP app: renames and splits effective-dated, names as of a
date, registrations and moves judged against the regions of their effective date."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.membership_api import given_registered_member, registration
from tests.helpers.siret import valid_siret

REGIONS = "/api/membership/regions"
MEMBERS = "/api/membership/members"
NPC_BECOMES_HDF = {"code": "NPC", "new_code": "HDF", "new_name": "Hauts-de-France", "effective_on": "2016-01-01"}


async def regions_on(api: Api, on: str, wait: dict[str, Any]) -> dict[str, dict[str, Any]]:
    response = await api.client.get(REGIONS, params={**wait, "as_of": on}, headers=api.staff)
    assert response.status_code == 200, response.text
    return {r["code"]: r for r in response.json()}


async def record_on(api: Api, member_id: str, on: str, headers: dict[str, str], wait: dict[str, Any]) -> Any:
    return await api.client.get(f"{MEMBERS}/{member_id}", params={**wait, "as_of": on}, headers=headers)


async def given_npc_renamed_hdf(api: Api) -> dict[str, Any]:
    renamed = await api.client.post(f"{REGIONS}/renames", json=NPC_BECOMES_HDF, headers=api.staff)
    assert renamed.status_code == 201, renamed.text
    return {"wait_for": renamed.json()["notification_id"]}


async def test_npc_becomes_hdf_on_2016_01_01_and_its_members_move_then(api: Api) -> None:
    member = await given_registered_member(api)  # in NPC since 2010
    wait = await given_npc_renamed_hdf(api)
    in_2015, in_2017 = await regions_on(api, "2015-06-01", wait), await regions_on(api, "2017-06-01", wait)
    assert in_2015["NPC"]["name"] == "Nord-Pas-de-Calais" and in_2015["NPC"]["status"] == "active"
    assert "HDF" not in in_2015
    assert in_2017["HDF"]["name"] == "Hauts-de-France" and in_2017["HDF"]["predecessors"] == ["NPC"]
    assert in_2017["NPC"]["status"] == "retired" and in_2017["NPC"]["ended_by"] == "rename"
    assert in_2017["NPC"]["merged_into"] == "HDF" and in_2017["NPC"]["ended_on"] == "2016-01-01"
    assert (await record_on(api, member["id"], "2015-06-01", api.staff, wait)).json()["region"] == "NPC"
    assert (await record_on(api, member["id"], "2017-06-01", api.staff, wait)).json()["region"] == "HDF"
    dashboard = await api.client.get(
        f"{REGIONS}/HDF/dashboard", params={**wait, "as_of": "2017-06-01"}, headers=api.staff
    )
    assert dashboard.status_code == 200 and dashboard.json()["name"] == "Hauts-de-France"
    assert dashboard.json()["active_members"] == 1


async def test_a_rename_that_keeps_the_code_changes_the_name_from_its_date(api: Api) -> None:
    await given_registered_member(api)
    renamed = await api.client.post(
        f"{REGIONS}/renames",
        json={"code": "NPC", "new_name": "Hauts-de-France", "effective_on": "2016-01-01"},
        headers=api.staff,
    )
    assert renamed.status_code == 201, renamed.text
    wait = {"wait_for": renamed.json()["notification_id"]}
    assert (await regions_on(api, "2015-06-01", wait))["NPC"]["name"] == "Nord-Pas-de-Calais"
    in_2017 = await regions_on(api, "2017-06-01", wait)
    assert in_2017["NPC"]["name"] == "Hauts-de-France" and in_2017["NPC"]["status"] == "active"
    delegate = api.token("regional_delegate", region="NPC")
    dashboard = await api.client.get(
        f"{REGIONS}/NPC/dashboard", params={**wait, "as_of": "2015-06-01"}, headers=delegate
    )
    assert dashboard.json()["name"] == "Nord-Pas-de-Calais" and dashboard.json()["active_members"] == 1


async def test_a_rename_to_a_code_in_use_is_refused_naming_the_field(api: Api) -> None:
    await given_registered_member(api)
    refused = await api.client.post(
        f"{REGIONS}/renames", json={**NPC_BECOMES_HDF, "new_code": "BRE"}, headers=api.staff
    )
    assert refused.status_code == 422 and refused.json()["extra"]["field"] == "new_code", refused.text


async def test_a_rename_to_a_code_that_is_no_region_code_is_a_400_naming_the_field(api: Api) -> None:
    refused = await api.client.post(
        f"{REGIONS}/renames", json={**NPC_BECOMES_HDF, "new_code": "\u0003x"}, headers=api.staff
    )
    assert refused.status_code == 400, refused.text
    assert "new_code" in refused.text


async def test_a_2015_joiner_recorded_late_is_placed_in_npc_and_follows_it_to_hdf(api: Api) -> None:
    await given_registered_member(api)
    await given_npc_renamed_hdf(api)
    late = await api.client.post(
        MEMBERS, json=registration(siret=valid_siret(7), name="Tardif", joined_on="2015-04-01"), headers=api.staff
    )
    assert late.status_code == 201, late.text
    wait = {"wait_for": late.json()["notification_id"]}
    assert (await record_on(api, late.json()["id"], "2015-06-01", api.staff, wait)).json()["region"] == "NPC"
    assert (await record_on(api, late.json()["id"], "2016-06-01", api.staff, wait)).json()["region"] == "HDF"


async def test_a_registration_in_a_region_gone_by_its_date_names_the_successor_and_the_date(api: Api) -> None:
    await given_registered_member(api)
    await given_npc_renamed_hdf(api)
    refused = await api.client.post(
        MEMBERS, json=registration(siret=valid_siret(7), joined_on="2017-04-01"), headers=api.staff
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["extra"]["field"] == "region"
    assert "la région NPC a été renommée HDF le 01/01/2016" in refused.json()["detail"]
    too_early = await api.client.post(
        MEMBERS, json=registration(siret=valid_siret(8), region="HDF", joined_on="2015-04-01"), headers=api.staff
    )
    assert (
        too_early.status_code == 422
        and "la région HDF n'existe qu'à partir du 01/01/2016" in too_early.json()["detail"]
    )


async def test_a_move_is_judged_against_the_regions_of_its_effective_date(api: Api) -> None:
    member = await given_registered_member(api, region="BRE")
    await given_npc_renamed_hdf(api)
    url = f"{MEMBERS}/{member['id']}/region"
    refused = await api.client.post(
        url, json={"region": "NPC", "reason": "transfert", "effective_on": "2016-03-01"}, headers=api.staff
    )
    assert refused.status_code == 422 and "renommée HDF le 01/01/2016" in refused.json()["detail"], refused.text
    moved = await api.client.post(
        url,
        json={"region": "NPC", "reason": "correction : au Nord en 2015", "effective_on": "2015-01-01"},
        headers=api.staff,
    )
    assert moved.status_code == 200, moved.text
    wait = {"wait_for": moved.json()["notification_id"]}
    assert (await record_on(api, member["id"], "2015-06-01", api.staff, wait)).json()["region"] == "NPC"
    assert (await record_on(api, member["id"], "2016-06-01", api.staff, wait)).json()["region"] == "HDF"


async def given_cli_members(api: Api) -> tuple[str, str]:
    first = await given_registered_member(api, region="CLI", siret=valid_siret(11), name="Orléans Insertion")
    second = await api.client.post(
        MEMBERS, json=registration(region="CLI", siret=valid_siret(12), name="Limoges Emploi"), headers=api.staff
    )
    assert second.status_code == 201, second.text
    return first["id"], second.json()["id"]


def cli_split(assignments: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "code": "CLI",
        "successors": [{"code": "CVL", "name": "Centre-Val de Loire"}, {"code": "LIM", "name": "Limousin"}],
        "assignments": assignments,
        "effective_on": "2016-01-01",
    }


async def test_a_split_moves_each_member_to_the_region_it_is_assigned(api: Api) -> None:
    orleans, limoges = await given_cli_members(api)
    split = await api.client.post(
        f"{REGIONS}/splits",
        json=cli_split([{"member_id": orleans, "region": "CVL"}, {"member_id": limoges, "region": "LIM"}]),
        headers=api.staff,
    )
    assert split.status_code == 201, split.text
    wait = {"wait_for": split.json()["notification_id"]}
    assert (await record_on(api, orleans, "2016-06-01", api.staff, wait)).json()["region"] == "CVL"
    assert (await record_on(api, limoges, "2016-06-01", api.staff, wait)).json()["region"] == "LIM"
    assert (await record_on(api, limoges, "2015-06-01", api.staff, wait)).json()["region"] == "CLI"
    in_2016 = await regions_on(api, "2016-06-01", wait)
    assert in_2016["CLI"]["ended_by"] == "split" and in_2016["CLI"]["successors"] == ["CVL", "LIM"]
    assert in_2016["CLI"]["merged_into"] is None
    assert in_2016["CVL"]["predecessors"] == ["CLI"] and in_2016["LIM"]["predecessors"] == ["CLI"]


async def test_a_split_leaving_a_member_out_or_sending_it_elsewhere_writes_nothing(api: Api) -> None:
    orleans, limoges = await given_cli_members(api)
    cases = [
        ([{"member_id": orleans, "region": "CVL"}], "non affecté"),
        (
            [{"member_id": orleans, "region": "CVL"}, {"member_id": limoges, "region": "BRE"}],
            "n'est pas une des nouvelles régions",
        ),
        (
            [{"member_id": orleans, "region": "CVL"}, {"member_id": orleans, "region": "LIM"}],
            "deux fois le même membre",
        ),
    ]
    for assignments, message in cases:
        refused = await api.client.post(f"{REGIONS}/splits", json=cli_split(assignments), headers=api.staff)
        assert refused.status_code == 422, refused.text
        assert refused.json()["extra"]["field"] == "assignments" and message in refused.json()["detail"]
    regions = await api.client.get(REGIONS, params={"as_of": "2016-06-01"}, headers=api.staff)
    assert {r["code"]: r["status"] for r in regions.json()}["CLI"] == "active"


async def test_a_joiner_recorded_after_a_split_is_placed_in_the_old_region_and_the_successor_named(api: Api) -> None:
    orleans, limoges = await given_cli_members(api)
    await api.client.post(
        f"{REGIONS}/splits",
        json=cli_split([{"member_id": orleans, "region": "CVL"}, {"member_id": limoges, "region": "LIM"}]),
        headers=api.staff,
    )
    late = registration(region="CLI", siret=valid_siret(13), name="Tulle Emploi", joined_on="2015-04-01")
    refused = await api.client.post(MEMBERS, json=late, headers=api.staff)
    assert refused.status_code == 422 and refused.json()["extra"]["field"] == "after_split", refused.text
    assert "la région CLI a été scindée en CVL et LIM le 01/01/2016" in refused.json()["detail"]
    placed = await api.client.post(MEMBERS, json={**late, "after_split": "LIM"}, headers=api.staff)
    assert placed.status_code == 201, placed.text
    wait = {"wait_for": placed.json()["notification_id"]}
    assert (await record_on(api, placed.json()["id"], "2015-06-01", api.staff, wait)).json()["region"] == "CLI"
    assert (await record_on(api, placed.json()["id"], "2016-06-01", api.staff, wait)).json()["region"] == "LIM"


async def test_region_history_is_for_national_staff_only(api: Api) -> None:
    await given_registered_member(api)
    delegate = api.token("regional_delegate", region="NPC")
    assert (await api.client.post(f"{REGIONS}/renames", json=NPC_BECOMES_HDF, headers=delegate)).status_code == 403
    assert (await api.client.post(f"{REGIONS}/splits", json=cli_split([]), headers=delegate)).status_code == 403


# --- successors read the past -------------------------------------------------------------------


async def test_hdf_s_delegate_reads_npc_s_2015_members_records_and_figures(api: Api) -> None:
    member = await given_registered_member(api)  # in NPC since 2010
    bretagne = await given_registered_member(api, region="BRE", siret=valid_siret(9), name="Chantier breton")
    hdf = api.token("regional_delegate", region="HDF")
    wait = await given_npc_renamed_hdf(api)
    in_2015 = {**wait, "as_of": "2015-06-01"}
    listed = await api.client.get(MEMBERS, params=in_2015, headers=hdf)
    assert listed.status_code == 200, listed.text
    assert [m["member_id"] for m in listed.json()["items"]] == [member["id"]]
    record = await record_on(api, member["id"], "2015-06-01", hdf, wait)
    assert record.status_code == 200 and record.json()["region"] == "NPC"
    history = await api.client.get(f"{MEMBERS}/{member['id']}/history", params=wait, headers=hdf)
    assert history.status_code == 200 and history.json()
    figures = await api.client.get(f"{REGIONS}/NPC/dashboard", params=in_2015, headers=hdf)
    assert figures.status_code == 200, figures.text
    assert figures.json()["active_members"] == 1 and figures.json()["name"] == "Nord-Pas-de-Calais"
    # Its own region today, and nothing of another region's.
    assert (await api.client.get(f"{REGIONS}/HDF/dashboard", params=wait, headers=hdf)).json()["active_members"] == 1
    assert (await record_on(api, bretagne["id"], "2015-06-01", hdf, wait)).status_code == 404
    assert (await api.client.get(f"{REGIONS}/BRE/dashboard", params=in_2015, headers=hdf)).status_code == 404


async def test_a_predecessor_s_delegate_does_not_read_its_successor(api: Api) -> None:
    member = await given_registered_member(api)
    wait = await given_npc_renamed_hdf(api)
    npc = api.token("regional_delegate", region="NPC")
    assert (await record_on(api, member["id"], "2015-06-01", npc, wait)).status_code == 200
    assert (await record_on(api, member["id"], "2017-06-01", npc, wait)).status_code == 404
    assert (await api.client.get(f"{REGIONS}/HDF/dashboard", params=wait, headers=npc)).status_code == 404


async def test_each_region_of_a_split_reads_the_split_region_s_past(api: Api) -> None:
    orleans, limoges = await given_cli_members(api)
    split = await api.client.post(
        f"{REGIONS}/splits",
        json=cli_split([{"member_id": orleans, "region": "CVL"}, {"member_id": limoges, "region": "LIM"}]),
        headers=api.staff,
    )
    wait = {"wait_for": split.json()["notification_id"]}
    lim = api.token("regional_delegate", region="LIM")
    listed = await api.client.get(MEMBERS, params={**wait, "as_of": "2015-06-01"}, headers=lim)
    assert {m["member_id"] for m in listed.json()["items"]} == {orleans, limoges}
    today = await api.client.get(MEMBERS, params=wait, headers=lim)
    assert [m["member_id"] for m in today.json()["items"]] == [limoges]
