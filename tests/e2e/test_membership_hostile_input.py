"""The member register under hostile input, through the real app: a clear 4xx naming the field,
nothing written, never a 500, and the read side keeps going."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from services.membership.domain.member import Form
from tests.helpers.api import Api
from tests.helpers.membership_api import VALID_SIRET, given_regions, given_registered_member, registration

MEMBERS = "/api/membership/members"
CONTROL_CHARACTERS = ["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
# The SIRET of the registered member in other scripts' digits: each is a different string that
# `str.isdigit` accepts, and was a way to register the same establishment again.
OTHER_DIGITS = {
    "fullwidth": "７３２８２９３２０００７４",
    "arabic-indic": "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",
    "devanagari": "७३२८२९३२००००७४",
    "superscript": "⁷³²⁸²⁹³²⁰⁰⁰⁰⁷⁴",
}


def names_field(response: httpx.Response, field: str) -> bool:
    """Whether the error answer names `field` (`extra.field`, or Litestar's list of faults)."""
    extra = response.json().get("extra")
    if isinstance(extra, dict):
        return extra.get("field") == field
    return any(isinstance(item, dict) and item.get("key") == field for item in extra or [])


async def history_of(api: Api, member: dict[str, Any], wait_for: int) -> list[str]:
    response = await api.client.get(
        f"{MEMBERS}/{member['id']}/history", params={"wait_for": wait_for}, headers=api.staff
    )
    assert response.status_code == 200, response.text
    return [entry["event"] for entry in response.json()]


# --- control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROL_CHARACTERS)
async def test_a_reason_with_a_control_character_is_a_400_and_the_read_side_goes_on(api: Api, char: str) -> None:
    member = await given_registered_member(api)
    url = f"{MEMBERS}/{member['id']}/region"
    refused = await api.client.post(url, json={"reason": f"a{char}b", "region": "BRE"}, headers=api.staff)
    assert refused.status_code == 400, refused.text
    assert names_field(refused, "reason"), refused.text
    moved = await api.client.post(url, json={"reason": "déménagement", "region": "BRE"}, headers=api.staff)
    assert moved.status_code == 200, moved.text
    assert await history_of(api, member, moved.json()["notification_id"]) == ["Registered", "MovedToRegion"]


@pytest.mark.parametrize(
    ("field", "override"),
    [
        ("name", {"name": "Le Relais\x00"}),
        ("city", {"city": "Lens\x1b[2J"}),
        ("name", {"name": "Le Relais\nde Lens"}),
        ("contact.name", {"contact": {"name": "Claire\x85", "email": "c@relais.fr", "phone": "0102030405"}}),
        ("contact.email", {"contact": {"name": "Claire", "email": "c@relais.fr\n", "phone": "0102030405"}}),
        ("contact.phone", {"contact": {"name": "Claire", "email": "c@relais.fr", "phone": "0102030405\x00"}}),
    ],
)
async def test_a_registration_with_a_control_character_is_a_400_and_registers_nothing(
    api: Api, field: str, override: dict[str, Any]
) -> None:
    await given_regions(api)
    response = await api.client.post(MEMBERS, json=registration(**override), headers=api.staff)
    assert response.status_code == 400, response.text
    assert names_field(response, field.split(".")[-1]) or names_field(response, field), response.text
    registered = await api.client.post(MEMBERS, json=registration(), headers=api.staff)
    listed = await api.client.get(MEMBERS, params={"wait_for": registered.json()["notification_id"]}, headers=api.staff)
    assert listed.json()["total"] == 1


async def test_a_details_change_with_a_nul_is_a_400(api: Api) -> None:
    member = await given_registered_member(api)
    response = await api.client.post(
        f"{MEMBERS}/{member['id']}/details",
        json={"name": "x\x00", "contact": {"name": "a", "email": "a@b.fr", "phone": "0102030405"}, "city": "y"},
        headers=api.staff,
    )
    assert response.status_code == 400, response.text
    assert names_field(response, "name"), response.text


@pytest.mark.parametrize("if_match", ["", "yesterday", "-1", "+1", "１", "1_0", "1" * 19])
async def test_an_if_match_that_is_not_a_version_is_refused_naming_the_header(api: Api, if_match: str) -> None:
    member = await given_registered_member(api)
    url = f"{MEMBERS}/{member['id']}"
    response = await api.client.post(
        f"{url}/accord-groupe/join", json={}, headers={**api.staff, "If-Match": if_match.encode()}
    )
    assert response.status_code == 422, response.text
    assert response.json()["extra"]["field"] == "If-Match"
    assert await history_of(api, member, member["notification_id"]) == ["Registered"]


@pytest.mark.parametrize("if_match", ["1", '"1"', 'W/"1"'])
async def test_an_if_match_may_be_written_as_an_etag(api: Api, if_match: str) -> None:
    member = await given_registered_member(api)
    response = await api.client.post(
        f"{MEMBERS}/{member['id']}/accord-groupe/join", json={}, headers={**api.staff, "If-Match": if_match}
    )
    assert response.status_code == 200, response.text


# --- SIRET ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("script", sorted(OTHER_DIGITS))
async def test_a_siret_in_other_digits_is_a_400_and_never_a_second_registration(api: Api, script: str) -> None:
    member = await given_registered_member(api)
    response = await api.client.post(
        MEMBERS, json=registration(siret=OTHER_DIGITS[script], name="Doublon"), headers=api.staff
    )
    assert response.status_code == 400, response.text
    assert names_field(response, "siret"), response.text
    listed = await api.client.get(MEMBERS, params={"wait_for": member["notification_id"]}, headers=api.staff)
    assert [m["siret"] for m in listed.json()["items"]] == [VALID_SIRET]


@pytest.mark.parametrize("spelling", ["732 829 320 00074", "732\u00a0829\u00a0320\u00a000074"])
async def test_a_siret_with_spaces_is_the_same_siret(api: Api, spelling: str) -> None:
    await given_registered_member(api)
    response = await api.client.post(MEMBERS, json=registration(siret=spelling, name="Doublon"), headers=api.staff)
    assert response.status_code == 409, response.text
    assert "est déjà enregistré" in response.json()["detail"]
    assert names_field(response, "siret"), response.text


async def test_a_siret_with_spaces_is_stored_without_them(api: Api) -> None:
    created = await given_registered_member(api, siret="732 829 320 00074")
    record = await api.client.get(
        f"{MEMBERS}/{created['id']}", params={"wait_for": created["notification_id"]}, headers=api.staff
    )
    assert record.json()["siret"] == VALID_SIRET


# --- money ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+1000000", "-1", "10.001", "1e3", 500])
@pytest.mark.parametrize("route", ["dues/calls", "dues/payments"])
async def test_dues_that_are_not_an_amount_of_euros_are_a_400_and_never_stored(
    api: Api, route: str, amount: Any
) -> None:
    member = await given_registered_member(api)
    url = f"{MEMBERS}/{member['id']}"
    if route == "dues/payments":
        called = await api.client.post(f"{url}/dues/calls", json={"year": 2015, "amount": "500"}, headers=api.staff)
        assert called.status_code == 200
    response = await api.client.post(f"{url}/{route}", json={"year": 2015, "amount": amount}, headers=api.staff)
    assert response.status_code == 400, response.text
    assert names_field(response, "amount"), response.text
    head = (await api.client.post(f"{url}/accord-groupe/join", json={}, headers=api.staff)).json()
    record = await api.client.get(url, params={"wait_for": head["notification_id"]}, headers=api.staff)
    dues = {year: {k: Decimal(v) for k, v in d.items()} for year, d in record.json()["dues"].items()}
    assert dues == ({} if route == "dues/calls" else {"2015": {"called": Decimal(500), "paid": Decimal(0)}})


async def test_dues_of_zero_are_refused_naming_the_amount(api: Api) -> None:
    member = await given_registered_member(api)
    response = await api.client.post(
        f"{MEMBERS}/{member['id']}/dues/calls", json={"year": 2015, "amount": "0"}, headers=api.staff
    )
    assert response.status_code == 422, response.text
    assert response.json()["extra"]["field"] == "amount"


# --- paging and filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": str(2**63)}, "offset"),
        ({"offset": "1000001"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"form": "XYZ"}, "form"),
        ({"status": "asleep"}, "status"),
        ({"certification": "ISO"}, "certification"),
        ({"region": "nord"}, "region"),
        ({"name": "a\x00b"}, "name"),
    ],
)
async def test_list_parameters_out_of_bounds_are_a_400(api: Api, params: dict[str, str], field: str) -> None:
    response = await api.client.get(MEMBERS, params=params, headers=api.staff)
    assert response.status_code == 400, response.text
    assert names_field(response, field), response.text


@pytest.mark.parametrize("code", ["%00", "A", "AAAAAAAAA", "%C3%A9", "nord"])
async def test_a_region_code_out_of_bounds_in_a_path_is_a_400(api: Api, code: str) -> None:
    response = await api.client.get(f"/api/membership/regions/{code}/dashboard", headers=api.staff)
    assert response.status_code == 400, response.text
    assert names_field(response, "code"), response.text


async def test_the_list_filters_by_an_enum_value(api: Api) -> None:
    created = await given_registered_member(api)
    listed = await api.client.get(
        MEMBERS,
        params={"form": "ETTI", "status": "active", "wait_for": created["notification_id"]},
        headers=api.staff,
    )
    assert [m["member_id"] for m in listed.json()["items"]] == [created["id"]]


# --- the Accord Groupe --------------------------------------------------------------------------------


async def test_joining_the_accord_groupe_before_joining_the_federation_is_a_422_naming_the_date(api: Api) -> None:
    member = await given_registered_member(api, joined_on="2010-03-01")
    url = f"{MEMBERS}/{member['id']}/accord-groupe/join"
    early = await api.client.post(url, json={"effective_on": "2010-02-28"}, headers=api.staff)
    assert early.status_code == 422, early.text
    assert early.json()["extra"]["field"] == "effective_on"
    assert "ne peut pas précéder l'adhésion du membre (2010-03-01)" in early.json()["detail"]
    same_day = await api.client.post(url, json={"effective_on": "2010-03-01"}, headers=api.staff)
    assert same_day.status_code == 200, same_day.text
    assert same_day.json()["version"] == 2


# --- the contract -----------------------------------------------------------------------------------


async def openapi(api: Api) -> dict[str, Any]:
    response = await api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def membership_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith("/api/membership")
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


async def test_member_commands_are_documented_200_and_creations_201(api: Api) -> None:
    document = await openapi(api)
    statuses = {
        (path, method): sorted(code for code in operation["responses"] if code.startswith("2"))
        for path, method, operation in membership_operations(document)
        if method == "post"
    }
    creations = {
        (f"/api/membership/{path}", "post")
        for path in ("members", "regions/mergers", "regions/renames", "regions/splits")
    }
    assert len(statuses) == 16
    for key, codes in statuses.items():
        assert codes == (["201"] if key in creations else ["200"]), key


async def test_every_membership_operation_has_a_summary_a_description_and_its_errors(api: Api) -> None:
    for path, method, operation in membership_operations(await openapi(api)):
        assert operation.get("summary") and operation.get("description"), (path, method)
        assert {"400", "401", "403"} <= set(operation["responses"]), (path, method)


async def test_every_request_and_answer_field_is_described(api: Api) -> None:
    document = await openapi(api)
    schemas = document["components"]["schemas"]
    bodies = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for _, method, operation in membership_operations(document)
        if "requestBody" in operation
    }
    bodies.add("ContactIn")
    answers = {"MemberRecord", "MemberSummary", "MemberPage", "Region", "RegionDashboard", "NetworkDashboard"}
    # Another service also has a HistoryEntry: Litestar then names each after its module.
    answers |= {name for name in schemas if name.endswith("HistoryEntry") and "membership" in name}
    assert len(answers) == 7
    for body in bodies | answers:
        for name, field in schemas[body]["properties"].items():
            assert field.get("description"), (body, name)


async def test_coded_values_and_money_have_their_schema(api: Api) -> None:
    schemas = (await openapi(api))["components"]["schemas"]
    assert set(schemas["Form"]["enum"]) == {f.value for f in Form}
    assert schemas["Scheme"]["enum"] == ["CEDRE", "CEDRE_ISO_9001"]
    assert schemas["DuesIn"]["properties"]["amount"]["pattern"].startswith("^(0|[1-9]")
    siret = schemas["MemberRegistration"]["properties"]["siret"]
    assert "0-9" in siret["pattern"] and siret["maxLength"] == 20


async def test_command_headers_are_documented(api: Api) -> None:
    document = await openapi(api)
    creations = {
        f"/api/membership/{path}" for path in ("members", "regions/mergers", "regions/renames", "regions/splits")
    }
    for path, method, operation in membership_operations(document):
        if method == "post":
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert headers == ({"Idempotency-Key"} if path in creations else {"If-Match", "Idempotency-Key"}), path
