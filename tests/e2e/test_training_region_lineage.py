"""A region's successor reads its predecessors' training figures: once Nord-Pas-de-Calais became
Hauts-de-France, HDF's delegate reads the FMS figures and applications recorded for NPC."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.training_api import (
    given_awarded,
    given_call,
    given_members,
    given_scored,
    given_submitted,
    read,
)


async def test_hdf_s_delegate_reads_npc_s_fms_figures_and_applications(api: Api) -> None:
    (lead,) = await given_members(api, 1, region="NPC")
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead)
    await given_scored(api, submitted)
    awarded = await given_awarded(api, submitted)
    hdf, bre = api.token("regional_delegate", region="HDF"), api.token("regional_delegate", region="BRE")
    npc_figures = f"/calls/{call['id']}/regions/NPC/dashboard"
    assert (await read(api, npc_figures, hdf, awarded)).status_code == 404  # no lineage yet
    renamed = await api.client.post(
        "/api/membership/regions/renames",
        json={"code": "NPC", "new_code": "HDF", "new_name": "Hauts-de-France", "effective_on": "2016-01-01"},
        headers=api.staff,
    )
    assert renamed.status_code == 201, renamed.text
    figures = await read(api, npc_figures, hdf, awarded)
    assert figures.status_code == 200, figures.text
    assert figures.json()["awarded"] == "3000.00" and figures.json()["enterprises_retained"] == 1
    overview = await read(api, "/regions/NPC/overview", hdf)
    assert overview.status_code == 200
    assert [a["application_id"] for a in overview.json()["applications"]] == [submitted["id"]]
    application = await read(api, f"/applications/{submitted['id']}", hdf)
    assert application.status_code == 200
    assert (await read(api, npc_figures, bre)).status_code == 404
    assert (await read(api, "/regions/NPC/overview", bre)).status_code == 404
