"""The member register through the real HTTP app: every route, its guards and its errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.membership_api import (
    given_regions,
    given_registered_member,
    read_member,
    registration,
)

OTHER_SIRET = "35600000000048"
UNKNOWN_MEMBER = "00000000-0000-4000-8000-000000000000"


# --- registering and reading --------------------------------------------------------------------


async def test_registered_member_can_be_read_back_by_staff(api: Api) -> None:
    created = await given_registered_member(api)
    response = await read_member(api, created, api.staff)
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["name"] == "Association intermédiaire Le Relais de Lens"
    assert record["forms"] == ["AI", "ETTI"]
    assert record["version"] == created["version"] == 1
    assert response.headers["x-request-id"]


async def test_a_command_answers_its_version_as_etag_and_its_notification_id(api: Api) -> None:
    await given_regions(api)
    response = await api.client.post("/api/membership/members", json=registration(), headers=api.staff)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "version", "notification_id"}
    assert response.headers["etag"] == '"1"'


async def test_a_member_reads_its_own_record(api: Api) -> None:
    created = await given_registered_member(api)
    own = api.token("member_admin", tenant=created["id"])
    response = await read_member(api, created, own)
    assert response.status_code == 200
    assert response.json()["member_id"] == created["id"]


async def test_a_regional_delegate_reads_the_members_of_its_region_only(api: Api) -> None:
    created = await given_registered_member(api)
    assert (await read_member(api, created, api.token("regional_delegate", region="NPC"))).status_code == 200
    assert (await read_member(api, created, api.token("regional_delegate", region="BRE"))).status_code == 404


MEMBER_ROUTES = [
    ("get", "", None),
    ("get", "/history", None),
    (
        "post",
        "/details",
        {"name": "x", "contact": {"name": "a", "email": "a@b.fr", "phone": "0102030405"}, "city": "y"},
    ),
    ("post", "/forms", {"forms": ["EI"], "reason": "correction"}),
    ("post", "/region", {"region": "BRE", "reason": "déménagement"}),
    ("post", "/certification", {"scheme": "CEDRE", "obtained_on": "2015-01-01", "expires_on": "2018-01-01"}),
    ("post", "/certification/loss", {"reason": "audit"}),
    ("post", "/accord-groupe/join", {}),
    ("post", "/accord-groupe/leave", {}),
    ("post", "/dues/calls", {"year": 2015, "amount": "500"}),
    ("post", "/dues/payments", {"year": 2015, "amount": "500"}),
    ("post", "/resignation", {"reason": "départ"}),
    ("post", "/exclusion", {"reason": "impayés"}),
    ("post", "/reinstatement", {"reason": "retour"}),
]


@pytest.mark.parametrize(("method", "suffix", "body"), MEMBER_ROUTES)
async def test_another_tenant_can_neither_read_nor_change_a_member(
    api: Api, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    created = await given_registered_member(api)
    other = await given_registered_member(api, siret=OTHER_SIRET, name="EI Autre")
    intruder = api.token("member_admin", tenant=other["id"])
    url = f"/api/membership/members/{created['id']}{suffix}"
    if method == "get":
        await api.client.get(url, params={"wait_for": other["notification_id"]}, headers=api.staff)
        response = await api.client.get(url, headers=intruder)
        # Exactly what an id that exists nowhere gets: existence is not revealed.
        assert response.status_code == 404, response.text
        assert response.json()["detail"] == f"aucun membre {created['id']}"
    else:
        response = await api.client.post(url, json=body, headers=intruder)
        assert response.status_code == 403, response.text


async def test_list_is_filtered_paginated_and_scoped(api: Api) -> None:
    first = await given_registered_member(api)
    second = await given_registered_member(
        api, siret=OTHER_SIRET, name="Chantier Bretagne", region="BRE", forms=["ACI"]
    )
    page = await api.client.get(
        "/api/membership/members", params={"wait_for": second["notification_id"], "limit": 1}, headers=api.staff
    )
    assert page.status_code == 200
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1
    by_form = await api.client.get("/api/membership/members", params={"form": "ACI"}, headers=api.staff)
    assert [m["member_id"] for m in by_form.json()["items"]] == [second["id"]]
    as_member = await api.client.get("/api/membership/members", headers=api.token("member_admin", tenant=first["id"]))
    assert [m["member_id"] for m in as_member.json()["items"]] == [first["id"]]


async def test_history_shows_both_dates_and_who_recorded_each_change(api: Api) -> None:
    created = await given_registered_member(api)
    resigned = await api.client.post(
        f"/api/membership/members/{created['id']}/resignation",
        json={"reason": "dissolution", "effective_on": "2015-12-31"},
        headers=api.token("national_staff", subject="staff-42"),
    )
    assert resigned.status_code == 200, resigned.text
    history = await api.client.get(
        f"/api/membership/members/{created['id']}/history",
        params={"wait_for": resigned.json()["notification_id"]},
        headers=api.staff,
    )
    entries = history.json()
    assert [e["event"] for e in entries] == ["Registered", "Resigned"]
    assert entries[1]["effective_on"] == "2015-12-31"
    assert entries[1]["actor_id"] == "staff-42" and entries[1]["actor_role"] == "national_staff"
    assert entries[1]["recorded_at"] > "2026"


async def test_as_of_and_known_at_answer_from_events(api: Api) -> None:
    created = await given_registered_member(api)
    resigned = await api.client.post(
        f"/api/membership/members/{created['id']}/resignation",
        json={"reason": "dissolution", "effective_on": "2015-12-31"},
        headers=api.staff,
    )
    url = f"/api/membership/members/{created['id']}"
    # As-of answers come from the register's read model: read your write with wait_for.
    wait = {"wait_for": resigned.json()["notification_id"]}
    before = await api.client.get(url, params={"as_of": "2015-12-30", **wait}, headers=api.staff)
    after = await api.client.get(url, params={"as_of": "2016-01-01"}, headers=api.staff)
    not_yet_known = await api.client.get(
        url, params={"as_of": "2016-01-01", "known_at": "2000-01-01T00:00:00Z"}, headers=api.staff
    )
    before_joining = await api.client.get(url, params={"as_of": "2009-01-01"}, headers=api.staff)
    assert before.json()["status"] == "active"
    assert after.json()["status"] == "resigned"
    assert not_yet_known.status_code == 404
    assert before_joining.status_code == 404
    network = await api.client.get(
        "/api/membership/network/dashboard", params={"as_of": "2015-06-30"}, headers=api.staff
    )
    assert network.json()["active_members"] == 1 and network.json()["as_of"] == "2015-06-30"


# --- every command --------------------------------------------------------------------------------


async def test_every_member_command_is_recorded(api: Api) -> None:
    created = await given_registered_member(api)
    url = f"/api/membership/members/{created['id']}"
    steps = [
        (
            "/details",
            {
                "name": "Le Relais",
                "contact": {"name": "B", "email": "b@relais.fr", "phone": "0102030405"},
                "city": "Liévin",
            },
        ),
        ("/forms", {"forms": ["AI"], "reason": "fermeture de l'ETTI"}),
        ("/region", {"region": "PAC", "reason": "transfert du siège"}),
        (
            "/certification",
            {
                "scheme": "CEDRE_ISO_9001",
                "scope": "collective",
                "group_id": "G1",
                "obtained_on": "2015-01-01",
                "expires_on": "2018-01-01",
            },
        ),
        ("/certification/loss", {"reason": "audit de suivi défavorable"}),
        ("/accord-groupe/join", {"effective_on": "2015-01-01"}),
        ("/accord-groupe/leave", {}),
        ("/dues/calls", {"year": 2015, "amount": "800.00"}),
        ("/dues/payments", {"year": 2015, "amount": "800.00"}),
        ("/exclusion", {"reason": "non-respect de la charte"}),
        ("/reinstatement", {"reason": "décision du conseil"}),
        ("/resignation", {"reason": "départ"}),
    ]
    version = 1
    for suffix, body in steps:
        response = await api.client.post(url + suffix, json=body, headers=api.staff)
        assert response.status_code == 200, (suffix, response.text)
        version += 1
        assert response.json()["version"] == version
    record = (await read_member(api, response.json(), api.staff)).json()
    assert record["status"] == "resigned" and record["region"] == "PAC" and record["forms"] == ["AI"]
    assert record["dues"]["2015"] == {"called": "800.00", "paid": "800.00"}
    assert len(record["tenures"]) == 2


async def test_region_merger_moves_members_and_dashboards_follow(api: Api) -> None:
    created = await given_registered_member(api, region="AUV")
    merged = await api.client.post(
        "/api/membership/regions/mergers",
        json={
            "merged": ["AUV", "RAL"],
            "new_code": "ARA",
            "new_name": "Auvergne-Rhône-Alpes",
            "effective_on": "2016-01-01",
        },
        headers=api.staff,
    )
    assert merged.status_code == 201, merged.text
    wait = {"wait_for": merged.json()["notification_id"]}
    record = await api.client.get(f"/api/membership/members/{created['id']}", params=wait, headers=api.staff)
    assert record.json()["region"] == "ARA"
    regions = {
        r["code"]: r for r in (await api.client.get("/api/membership/regions", params=wait, headers=api.staff)).json()
    }
    assert regions["AUV"]["status"] == "retired" and regions["AUV"]["merged_into"] == "ARA"
    dashboard = await api.client.get("/api/membership/regions/ARA/dashboard", params=wait, headers=api.staff)
    assert dashboard.json()["active_members"] == 1
    assert (await api.client.get("/api/membership/regions/AUV/dashboard", headers=api.staff)).status_code == 404


async def test_dashboards_show_forms_certifications_and_the_map_bucket(api: Api) -> None:
    created = await given_registered_member(api)
    certified = await api.client.post(
        f"/api/membership/members/{created['id']}/certification",
        json={"scheme": "CEDRE", "obtained_on": "2015-01-01", "expires_on": "2018-01-01"},
        headers=api.staff,
    )
    wait = {"wait_for": certified.json()["notification_id"]}
    region = (
        await api.client.get(
            "/api/membership/regions/NPC/dashboard", params=wait, headers=api.token("regional_delegate", region="NPC")
        )
    ).json()
    assert region["by_form"] == {"AI": 1} and region["by_carried_form"] == {"AI": 1, "ETTI": 1}
    assert region["certified"] == {"CEDRE": 1} and region["map_bucket"] == "1 to 15"
    network = (await api.client.get("/api/membership/network/dashboard", headers=api.staff)).json()
    assert network["members_per_region"]["NPC"] == 1
    other_region = await api.client.get(
        "/api/membership/regions/NPC/dashboard", headers=api.token("regional_delegate", region="BRE")
    )
    assert other_region.status_code == 404
    as_member = await api.client.get(
        "/api/membership/network/dashboard", headers=api.token("member_admin", tenant=created["id"])
    )
    assert as_member.status_code == 403


# --- errors (point 7) -----------------------------------------------------------------------------


async def test_malformed_json_is_a_400(api: Api) -> None:
    response = await api.client.post(
        "/api/membership/members", content=b"{not json", headers={**api.staff, "content-type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"unexpected": 1}, "unexpected"),
        ({"joined_on": "not a date"}, "joined_on"),
        ({"forms": []}, "forms"),
        ({"forms": ["XYZ"]}, "forms"),
        ({"region": "nord"}, "region"),
        ({"contact": {"name": "a", "email": "no-at-sign", "phone": "0102030405"}}, "email"),
    ],
)
async def test_invalid_fields_are_named_in_a_400(api: Api, override: dict[str, Any], field: str) -> None:
    await given_regions(api)
    response = await api.client.post("/api/membership/members", json=registration(**override), headers=api.staff)
    assert response.status_code == 400, response.text
    assert field in response.text


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "n'est pas un SIRET valide"),
        ({"forms": ["AI", "AI"]}, "forms", "cite deux fois la même forme"),
        ({"region": "ZZZ"}, "region", "n'est pas une région active"),
    ],
)
async def test_values_the_register_refuses_are_a_422_naming_the_field(
    api: Api, override: dict[str, Any], field: str, message: str
) -> None:
    await given_regions(api)
    response = await api.client.post("/api/membership/members", json=registration(**override), headers=api.staff)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert response.json()["extra"]["field"] == field


async def test_a_duplicate_siret_is_a_409(api: Api) -> None:
    await given_registered_member(api)
    response = await api.client.post("/api/membership/members", json=registration(name="Autre"), headers=api.staff)
    assert response.status_code == 409
    assert "est déjà enregistré" in response.json()["detail"]


async def test_an_unknown_member_is_a_404_and_a_malformed_id_a_400(api: Api) -> None:
    await given_regions(api)
    assert (await api.client.get(f"/api/membership/members/{UNKNOWN_MEMBER}", headers=api.staff)).status_code == 404
    response = await api.client.post(
        f"/api/membership/members/{UNKNOWN_MEMBER}/resignation", json={"reason": "x"}, headers=api.staff
    )
    assert response.status_code == 404
    assert (await api.client.get("/api/membership/members/not-a-uuid", headers=api.staff)).status_code in (400, 404)


async def test_a_command_that_does_not_fit_the_state_is_a_422_and_writes_nothing(api: Api) -> None:
    created = await given_registered_member(api)
    url = f"/api/membership/members/{created['id']}/resignation"
    first = await api.client.post(url, json={"reason": "départ"}, headers=api.staff)
    assert first.status_code == 200
    twice = await api.client.post(url, json={"reason": "départ"}, headers=api.staff)
    assert twice.status_code == 422
    assert "impossible d'enregistrer sa démission" in twice.json()["detail"]
    history = await api.client.get(
        f"/api/membership/members/{created['id']}/history",
        params={"wait_for": first.json()["notification_id"]},
        headers=api.staff,
    )
    assert [entry["event"] for entry in history.json()] == ["Registered", "Resigned"]


async def test_a_stale_if_match_is_a_409_and_writes_nothing(api: Api) -> None:
    created = await given_registered_member(api)
    url = f"/api/membership/members/{created['id']}"
    first = await api.client.post(url + "/accord-groupe/join", json={}, headers={**api.staff, "If-Match": '"1"'})
    assert first.status_code == 200
    stale = await api.client.post(
        url + "/dues/calls", json={"year": 2015, "amount": "100"}, headers={**api.staff, "If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert "version 1" in stale.json()["detail"]
    bad = await api.client.post(
        url + "/dues/calls", json={"year": 2015, "amount": "100"}, headers={**api.staff, "If-Match": "yesterday"}
    )
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}],
)
async def test_missing_or_invalid_tokens_are_a_401(api: Api, headers: dict[str, str]) -> None:
    response = await api.client.get("/api/membership/members", headers=headers)
    assert response.status_code == 401


async def test_an_expired_token_is_a_401_that_says_so(api: Api) -> None:
    token = api.tokens.issue(role="national_staff", ttl_seconds=-10)
    response = await api.client.get("/api/membership/members", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expir" in response.json()["detail"]  # "expiré" since the messages are French


async def test_a_wrong_role_is_a_403(api: Api) -> None:
    await given_regions(api)
    response = await api.client.post(
        "/api/membership/members", json=registration(), headers=api.token("regional_delegate", region="NPC")
    )
    assert response.status_code == 403
    assert "national_staff" in response.json()["detail"]


# --- idempotent retries ---------------------------------------------------------------------------


async def test_a_retry_with_the_same_key_answers_the_same_and_writes_nothing(api: Api) -> None:
    await given_regions(api)
    headers = {**api.staff, "Idempotency-Key": "register-relais-1"}
    first = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    retry = await api.client.post("/api/membership/members", json=registration(), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    listed = await api.client.get(
        "/api/membership/members", params={"wait_for": first.json()["notification_id"]}, headers=api.staff
    )
    assert listed.json()["total"] == 1


async def test_the_same_key_with_another_body_is_a_422(api: Api) -> None:
    await given_regions(api)
    headers = {**api.staff, "Idempotency-Key": "k-2"}
    assert (await api.client.post("/api/membership/members", json=registration(), headers=headers)).status_code == 201
    other = await api.client.post(
        "/api/membership/members", json=registration(name="Autre", siret=OTHER_SIRET), headers=headers
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]


async def test_keys_are_scoped_to_the_tenant_or_user(api: Api) -> None:
    await given_regions(api)
    one = {**api.token("national_staff", subject="staff-a"), "Idempotency-Key": "same"}
    two = {**api.token("national_staff", subject="staff-b"), "Idempotency-Key": "same"}
    assert (await api.client.post("/api/membership/members", json=registration(), headers=one)).status_code == 201
    second = await api.client.post(
        "/api/membership/members", json=registration(name="B", siret=OTHER_SIRET), headers=two
    )
    assert second.status_code == 201


async def test_waiting_for_a_notification_the_log_has_not_reached_is_a_422(api: Api) -> None:
    created = await given_registered_member(api)
    response = await api.client.get(
        f"/api/membership/members/{created['id']}",
        params={"wait_for": created["notification_id"] + 1000},
        headers=api.staff,
    )
    assert response.status_code == 422
    assert "n'existe pas" in response.json()["detail"]


async def test_an_options_request_on_a_guarded_route_is_never_a_500(api: Api) -> None:
    response = await api.client.options(f"/api/membership/members/{UNKNOWN_MEMBER}/accord-groupe/join")
    assert response.status_code in (204, 401), response.text
