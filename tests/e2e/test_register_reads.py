"""The register's reads through the real HTTP app: live equals as of today, search patterns are
literal, and a burst of expensive reads is refused with 503 rather than queued."""

from __future__ import annotations

import threading
import time
from contextlib import AsyncExitStack
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from services.membership.application import MembershipApplication
from services.membership.domain.member import Certification
from services.membership.read_gate import REGISTER_READS
from tests.helpers.api import Api
from tests.helpers.membership_application import register

TODAY = date.today().isoformat()
COLLECTIVE = Certification("CEDRE", "collective", date(2014, 6, 1), date(2030, 6, 1), "COLL-NPC")


def membership(api: Api) -> MembershipApplication:
    app = api.client.app.state.platform.application("membership")
    app.establish_regions()
    return app


async def get(api: Api, url: str, **params: Any) -> Any:
    response = await api.client.get(url, params=params, headers=api.staff)
    assert response.status_code == 200, response.text
    body = response.json()
    if isinstance(body, dict):
        body.pop("as_of", None)
    return body


async def test_live_equals_as_of_today_for_every_record_list_and_figure(api: Api) -> None:
    app = membership(api)
    holders = [UUID(register(app, region="NPC").id) for _ in range(3)]
    for member_id in holders:
        app.certify(member_id, certification=COLLECTIVE)
    app.lose_certification(holders[0], effective_on=date(2015, 9, 1), reason="audit de suivi")
    # An Accord Groupe date before joining, as old events may hold (the command now refuses it).
    early = app.member(UUID(register(app, region="BRE").id))
    early._joined_accord_groupe(date(2005, 1, 1))
    app.save(early)
    app.resign(UUID(register(app, region="IDF").id), effective_on=date.today() + timedelta(days=10), reason="vote")
    app.merge_regions(
        merged=("AUV", "RAL"), new_code="ARA", new_name="Auvergne-Rhône-Alpes", effective_on=date(2030, 1, 1)
    )
    last = register(app, region="RAL")  # the old region still exists today
    wait = {"wait_for": last.notification_id}

    live_list = await get(api, "/api/membership/members", limit=500, **wait)
    assert live_list == await get(api, "/api/membership/members", limit=500, as_of=TODAY)
    for item in live_list["items"]:
        url = f"/api/membership/members/{item['member_id']}"
        assert await get(api, url) == await get(api, url, as_of=TODAY), item["name"]
    network = await get(api, "/api/membership/network/dashboard")
    assert network == await get(api, "/api/membership/network/dashboard", as_of=TODAY)
    assert (network["certificates_at_risk"], network["accord_groupe"], network["active_members"]) == (2, 1, 6)
    assert network["members_per_region"]["RAL"] == 1 and "ARA" not in network["members_per_region"]
    for region in ("NPC", "BRE", "IDF", "RAL"):
        url = f"/api/membership/regions/{region}/dashboard"
        assert await get(api, url) == await get(api, url, as_of=TODAY), region
    regions = {r["code"]: r["status"] for r in await get(api, "/api/membership/regions")}
    assert regions["AUV"] == "active" and "ARA" not in regions
    later = {r["code"]: r["status"] for r in await get(api, "/api/membership/regions", as_of="2030-01-01")}
    assert later["AUV"] == "retired" and later["ARA"] == "active"


async def test_a_name_search_matches_its_wildcard_characters_literally(api: Api) -> None:
    app = membership(api)
    register(app)
    solidaire = app.register_member(
        **{**_registration(), "name": "Chantier 100% solidaire_bis"},
    )
    wait = {"wait_for": solidaire.notification_id}
    for pattern, expected in (("%", 1), ("_", 1), ("\\", 0), ("100%", 1), ("n°", 1), ("%%", 0)):
        page = await get(api, "/api/membership/members", name=pattern, **wait)
        assert page["total"] == expected, pattern


async def test_a_burst_of_register_scans_is_answered_503_with_retry_after_not_queued(api: Api, monkeypatch) -> None:
    membership(api)
    monkeypatch.setattr(REGISTER_READS, "wait_seconds", 0.05)
    async with AsyncExitStack() as held:
        for _ in range(REGISTER_READS.limit):
            await held.enter_async_context(REGISTER_READS.slot())
        for url in (
            "/api/membership/members",
            "/api/membership/network/dashboard",
            "/api/membership/regions/BRE/dashboard",
        ):
            response = await api.client.get(url, headers=api.staff)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "1"
            assert response.json()["error"] == "too_many_reads"
            assert "réessayez" in response.json()["detail"]
        # A member's record by id is one indexed row: not gated.
        assert (await api.client.get(f"/api/membership/members/{UUID(int=1)}", headers=api.staff)).status_code == 404
    # Slots freed: reads go through again.
    assert (await api.client.get("/api/membership/members", headers=api.staff)).status_code == 200


async def test_a_read_waiting_for_a_slot_goes_through_when_one_frees_within_the_wait(api: Api, monkeypatch) -> None:
    membership(api)
    monkeypatch.setattr(REGISTER_READS, "wait_seconds", 5.0)
    async with AsyncExitStack() as held:
        for _ in range(REGISTER_READS.limit - 1):
            await held.enter_async_context(REGISTER_READS.slot())
        REGISTER_READS._slots.acquire()  # the last slot, freed by another holder in 0.3 s
        threading.Timer(0.3, REGISTER_READS._slots.release).start()
        started = time.monotonic()
        response = await api.client.get("/api/membership/members", headers=api.staff)
    assert response.status_code == 200, response.text
    assert 0.25 <= time.monotonic() - started < 5.0


def _registration() -> dict[str, Any]:
    from shared.personal import PersonalDetails

    return {
        "name": "Chantier",
        "siret": "73282932000074",
        "forms": ("ACI",),
        "region": "BRE",
        "joined_on": date(2010, 1, 1),
        "contact": PersonalDetails(name="Contact", email="c@x.fr", phone="0102030405"),
        "city": "Rennes",
    }


async def test_identical_dashboard_reads_are_computed_once_per_position_of_the_read_model(
    api: Api, monkeypatch
) -> None:
    from services.membership import queries

    app = membership(api)
    computed = []
    original = queries.network_dashboard

    async def counting(*args: Any) -> Any:
        computed.append(args[1:])
        return await original(*args)

    monkeypatch.setattr(queries, "network_dashboard", counting)
    first = register(app)
    url = "/api/membership/network/dashboard"
    assert (await get(api, url, wait_for=first.notification_id))["active_members"] == 1
    assert (await get(api, url))["active_members"] == 1
    assert len(computed) == 1
    second = register(app)
    assert (await get(api, url, wait_for=second.notification_id))["active_members"] == 2
    assert len(computed) == 2
