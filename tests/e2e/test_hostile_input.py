"""The shared edge of the API under hostile input, through the real app: strict bodies, malformed
bodies, hostile tokens, one error shape in French, and 401s counted as 401s."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import jwt

from shared.decoding import MAX_BODY_BYTES, MAX_BODY_DEPTH
from shared.observability import registry
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    admin,
    cap_app,
    given_member,
    given_referential,
    given_started,
    platform_of,
)


def signed(api: Api, **claims: Any) -> dict[str, str]:
    """A token signed with the platform's own secret, carrying exactly these claims."""
    base = {"sub": "hostile", "exp": time.time() + 60, "aud": "coorace-platform", "iss": "coorace-embedded"}
    return {"Authorization": "Bearer " + jwt.encode({**base, **claims}, api.tokens._secret)}


def fault(response: Any, status: int, field: str) -> str:
    """The answer is `status` with the one error shape naming `field`; its French message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status_code"] == status and body["extra"]["field"] == field, body
    return body["detail"]


async def test_a_string_is_neither_a_number_nor_a_boolean_in_a_body(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    started = await given_started(api, tenant)
    path, boss = f"{BASE}/assessments/{started['id']}/answers/1.1.1", admin(api, tenant)

    as_text = await api.client.post(path, headers=boss, json={"level": "1"})
    assert "« level » doit être un nombre entier" in fault(as_text, 400, "level")
    bool_as_text = await api.client.post(path, headers=boss, json={"level": 1, "improve": "false"})
    assert "« improve » doit être un booléen" in fault(bool_as_text, 400, "improve")

    fraction = await api.client.post(path, headers=boss, json={"level": 2.5})
    assert "« level » doit être un nombre entier" in fault(fraction, 400, "level")
    # A whole number written 2.0 is an integer (as JSON Schema says): the rule decides (not invited).
    whole = await api.client.post(path, headers=boss, json={"level": 2.0})
    assert whole.status_code == 422, whole.text

    # Nothing was written: the assessment is still at the version its start left it.
    assert cap_app(api).repository.get(UUID(started["id"])).version == started["version"]


async def test_query_parameters_still_convert_from_text(api: Api) -> None:
    response = await api.client.get("/api/membership/members", params={"limit": "5", "offset": "0"}, headers=api.staff)
    assert response.status_code == 200, response.text


async def test_bodies_that_are_not_json_or_too_deep_are_refused_in_french(api: Api) -> None:
    url, staff = "/api/membership/members", {**api.staff, "Content-Type": "application/json"}
    too_deep = b"[" * 10_000 + b"]" * 10_000
    just_too_deep = b"[" * (MAX_BODY_DEPTH + 1) + b"]" * (MAX_BODY_DEPTH + 1)
    for body, words in [
        (too_deep, "imbriqué trop profondément"),
        (just_too_deep, "imbriqué trop profondément"),
        (b'{"name": "\xff\xfe"}', "UTF-8"),
        (b'{"name": ', "JSON valide"),
        (b'{"name": NaN}', "JSON valide"),
        (b'{"joined_on": 1e999}', "nombre trop grand"),
    ]:
        assert words in fault(await api.client.post(url, content=body, headers=staff), 400, "body"), body[:20]

    huge = await api.client.post(url, json={"name": 10**30}, headers=api.staff)
    assert "nombre trop grand" in fault(huge, 400, "name")
    nul = await api.client.post(url, json={"name": "a\u0000b"}, headers=api.staff)
    assert "U+0000" in fault(nul, 400, "name")
    nested_nul = await api.client.post(url, json={"contact": {"name": "\u0000"}}, headers=api.staff)
    assert "U+0000" in fault(nested_nul, 400, "contact.name")


async def test_nul_and_huge_integers_in_query_parameters_are_a_400(api: Api) -> None:
    url = "/api/membership/members"
    nul = await api.client.get(url, params={"name": "a\u0000"}, headers=api.staff)
    assert "U+0000" in fault(nul, 400, "name") and nul.json()["extra"]["source"] == "query"
    for offset in ("9223372036854775808", "-9223372036854775809", "1" + "0" * 30):
        huge = await api.client.get(url, params={"offset": offset}, headers=api.staff)
        assert "nombre trop grand" in fault(huge, 400, "offset")
    in_path = await api.client.get("/api/membership/members/a%00b", headers=api.staff)
    assert in_path.status_code in (400, 404) and in_path.status_code < 500


async def test_a_text_query_parameter_may_be_all_digits_however_long(api: Api) -> None:
    # Only integer parameters are bounded to 64 bits (the fuzzer found `name=000…0` refused).
    searched = await api.client.get("/api/membership/members", params={"name": "0" * 300}, headers=api.staff)
    assert searched.status_code == 200 and searched.json()["total"] == 0


async def test_a_number_is_not_a_date_in_a_query_parameter(api: Api) -> None:
    for value in ("0.5", "1700000000"):
        number = await api.client.get("/api/membership/members", params={"known_at": value}, headers=api.staff)
        assert "« known_at » doit être une date" in fault(number, 400, "known_at")
    dated = await api.client.get("/api/membership/members", params={"as_of": "2016-12-31"}, headers=api.staff)
    assert dated.status_code == 200, dated.text


async def test_a_body_larger_than_the_limit_is_refused(api: Api) -> None:
    body = b'{"name": "' + b"a" * MAX_BODY_BYTES + b'"}'
    headers = {**api.staff, "Content-Type": "application/json"}
    response = await api.client.post("/api/membership/members", content=body, headers=headers)
    assert response.status_code == 413 and "trop volumineux" in response.json()["detail"]


async def test_schema_faults_name_the_field_in_french(api: Api) -> None:
    url = "/api/membership/members"
    unknown = await api.client.post(url, json={"colour": "red"}, headers=api.staff)
    assert "« colour » est inconnu" in fault(unknown, 400, "colour")
    missing = await api.client.get(url, params={"limit": "many"}, headers=api.staff)
    assert "« limit » doit être un nombre entier" in fault(missing, 400, "limit")
    assert missing.json()["extra"]["source"] == "query"
    bound = await api.client.get(url, params={"limit": "0"}, headers=api.staff)
    assert "« limit » doit être supérieur ou égal à 1" in fault(bound, 400, "limit")
    not_a_date = await api.client.get(url, params={"as_of": "yesterday"}, headers=api.staff)
    assert "« as_of »" in fault(not_a_date, 400, "as_of")


async def test_a_rule_refusal_names_its_field_the_same_way(api: Api) -> None:
    refused = await api.client.post(
        "/api/membership/members",
        headers={**api.staff, "Idempotency-Key": ""},
        json={"name": "x"},
    )
    # The body is refused first (schema, 400); a bad header on a well-formed body is a rule (422).
    assert refused.status_code == 400
    bad_version = await api.client.post(
        f"{BASE}/assessments", headers={**api.staff, "If-Match": "three"}, json={"tenant_id": given_member(api)}
    )
    assert "If-Match" in fault(bad_version, 422, "If-Match")


async def test_routing_and_role_refusals_are_in_french(api: Api) -> None:
    nowhere = await api.client.get("/api/nowhere", headers=api.staff)
    assert nowhere.status_code == 404 and "aucune ressource" in nowhere.json()["detail"]
    wrong_method = await api.client.patch("/api/membership/members", headers=api.staff)
    assert wrong_method.status_code == 405 and "n'est pas permise" in wrong_method.json()["detail"]
    no_token = await api.client.get("/api/membership/members")
    assert no_token.status_code == 401 and "jeton d'accès est requis" in no_token.json()["detail"]
    member = await api.client.post("/api/membership/members", json={}, headers=api.token("auditor", subject="someone"))
    assert member.status_code == 403 and "cette action demande l'un des rôles" in member.json()["detail"]


async def test_hostile_tokens_are_refused_with_401(api: Api) -> None:
    a, b = given_member(api, name="AI A"), given_member(api, name="AI B")
    head = platform_of(api).application("membership").recorder.max_notification_id()
    own = await api.client.get(
        f"/api/membership/members/{a}", params={"wait_for": head}, headers=api.token("member_admin", tenant=a)
    )
    assert own.status_code == 200, own.text
    for claims in [
        {"roles": ["member_admin"], "tenant": f"{a},{b}"},
        {"roles": ["member_admin"], "tenant": [a, b]},
        {"roles": None},
        {"roles": 5},
        {"roles": ["member_admin", "mayor"], "tenant": a},
        {"roles": ["regional_delegate"], "region": "NPC,BRE"},
    ]:
        response = await api.client.get(f"/api/membership/members/{b}", headers=signed(api, **claims))
        assert response.status_code == 401, (claims, response.text)
        assert "jeton" in response.json()["detail"] or "rôle" in response.json()["detail"]


def _count(route: str, status: str) -> float:
    labels = {"method": "GET", "route": route, "status": status}
    return registry.get_sample_value("coorace_http_request_duration_seconds_count", labels) or 0.0


async def test_a_401_is_counted_and_answered_as_a_401(api: Api) -> None:
    route = "/api/membership/members"
    before_401, before_500 = _count(route, "401"), _count(route, "500")
    response = await api.client.get(route, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.headers.get("x-request-id")
    assert _count(route, "401") == before_401 + 1
    assert _count(route, "500") == before_500


async def test_a_request_no_route_takes_is_counted_with_its_status(api: Api) -> None:
    def unrouted(method: str, status: str) -> float:
        labels = {"method": method, "status": status}
        return registry.get_sample_value("coorace_http_unrouted_requests_total", labels) or 0.0

    before_404, before_405 = unrouted("GET", "404"), unrouted("PATCH", "405")
    assert (await api.client.get("/api/nowhere", headers=api.staff)).status_code == 404
    assert (await api.client.patch("/api/membership/members", headers=api.staff)).status_code == 405
    assert (await api.client.get("/api/membership/members", headers=api.staff)).status_code == 200
    assert unrouted("GET", "404") == before_404 + 1 and unrouted("PATCH", "405") == before_405 + 1


async def test_options_lists_every_method_of_the_path_without_a_token(api: Api) -> None:
    for path, methods in [
        ("/api/assessment/access-grants", {"GET", "POST"}),
        ("/api/membership/members", {"GET", "POST"}),
        ("/api/membership/members/0b6f7a52-8a43-4c1e-9a55-2f0d2c0e7a11/details", {"POST"}),
    ]:
        response = await api.client.options(path)
        assert response.status_code == 204, (path, response.text)
        assert methods | {"OPTIONS"} <= {m.strip() for m in response.headers["allow"].split(",")}, path


async def test_a_missing_body_is_a_400_in_french(api: Api) -> None:
    response = await api.client.post("/api/membership/members", headers=api.staff)
    assert response.status_code == 400, response.text
    assert "corps de la requête (un objet JSON) est obligatoire" in fault(response, 400, "body")
