"""The training API under hostile input, through the real app: control characters in every text,
money and rates that are not amounts (NaN, infinities, exponents, signs, fractions of a cent,
numbers instead of strings), counts out of bounds, paging beyond its bounds, coded values outside
their enum. Each is refused with a 4xx that names the field, and nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import training_application as support
from tests.helpers.api import Api
from tests.helpers.training_api import (
    BASE,
    admin,
    amendment_body,
    application_body,
    call_body,
    given_awarded,
    given_call,
    given_members,
    given_scored,
    given_submitted,
    platform_of,
    read,
    reviewer,
    scores_body,
)

CONTROL_CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"]
NOT_AMOUNTS: list[Any] = [
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1E+1000000",
    "1e3",
    "-1.00",
    "+1.00",
    "1.001",
    "1000000000.00",
    " 12",
    "12\n",
    "١٢",  # Arabic-Indic digits
    "",
    12.5,
    12,
]
NOT_RATES: list[Any] = ["NaN", "Infinity", "1E+1000000", "1.5", "0.12345", "-0.1", "", 0.5, 1]


def head(api: Api) -> int:
    """The last notification id of the training log (read with the write side's own connection)."""
    return support.training_app(platform_of(api)).recorder.max_notification_id() or 0


def assert_refused(response: Any, field: str, *, status: int = 400) -> None:
    assert response.status_code == status, (field, response.status_code, response.text)
    assert field in response.text, (field, response.text)


def with_value(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the body with the value at a dotted path (`criteria.max_per_trainee`, `trainings.0.cost`)."""
    copy: Any = __import__("copy").deepcopy(body)
    *parents, last = path.split(".")
    node = copy
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[int(last) if last.isdigit() else last] = value
    return copy


async def given_a_submitted_application(api: Api) -> tuple[dict[str, Any], dict[str, Any], str]:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    application = await given_submitted(api, call, lead)
    return call, application, lead


# --- texts ---------------------------------------------------------------------------------------


async def test_control_characters_in_any_text_are_refused_naming_the_field_and_nothing_is_written(api: Api) -> None:
    call, application, lead = await given_a_submitted_application(api)
    c, a = f"{BASE}/calls/{call['id']}", f"{BASE}/applications/{application['id']}"
    before = head(api)
    for bad in CONTROL_CHARACTERS:
        text = f"a{bad}b"
        cases = [
            (f"{BASE}/calls", with_value(call_body(2016), "title", text), api.staff, "title"),
            (f"{BASE}/calls", with_value(call_body(2016), "grid.0.label", text), api.staff, "label"),
            (
                f"{BASE}/calls",
                with_value(call_body(2016), "priority_trainings.0", text),
                api.staff,
                "priority_trainings",
            ),
            (f"{c}/amendment", amendment_body(text), api.staff, "reason"),
            (f"{c}/top-ups", {"amount": "10.00", "reason": text}, api.staff, "reason"),
            (f"{c}/audit-grants", {"auditor_id": text, "reason": "contrôle"}, api.staff, "auditor_id"),
            (f"{c}/applications", application_body(title=text), admin(api, lead), "title"),
            (f"{c}/applications", application_body(summary=text), admin(api, lead), "summary"),
            (
                f"{c}/applications",
                with_value(application_body(), "trainings.0.title", text),
                admin(api, lead),
                "title",
            ),
            (f"{a}/amendments", {**application_body(), "reason": text}, admin(api, lead), "reason"),
            (f"{a}/withdrawal", {"reason": text}, admin(api, lead), "reason"),
            (f"{a}/eligibility/overrides", {"check": "integration_pathway", "reason": text}, api.staff, "reason"),
            (f"{a}/reviewers", {"reviewer_id": text}, api.staff, "reviewer_id"),
            (f"{a}/decision", {"outcome": "reject", "reason": text}, api.staff, "reason"),
            (f"{a}/review", {"outcome": "send_back", "comment": text}, api.staff, "comment"),
            (f"{a}/scores", with_value(scores_body(), "scores.0.comment", text), reviewer(api, "r"), "comment"),
        ]
        for url, body, headers, field in cases:
            assert_refused(await api.client.post(url, json=body, headers=headers), field)
    # One-line texts refuse a line break too; multi-line ones accept it.
    assert_refused(
        await api.client.post(f"{c}/top-ups", json={"amount": "1.00", "reason": "a\rb"}, headers=api.staff), "reason"
    )
    assert_refused(
        await api.client.post(f"{c}/applications", json=application_body(title="a\nb"), headers=admin(api, lead)),
        "title",
    )
    assert head(api) == before
    withdrawn = await api.client.post(
        f"{a}/withdrawal", json={"reason": "Projet reporté :\n\tle devis a changé"}, headers=admin(api, lead)
    )
    assert withdrawn.status_code == 200, withdrawn.text


async def test_overlong_and_empty_texts_are_refused(api: Api) -> None:
    call, application, lead = await given_a_submitted_application(api)
    before = head(api)
    for body, field in (
        (with_value(call_body(2016), "title", "x" * 301), "title"),
        (with_value(call_body(2016), "title", ""), "title"),
        (with_value(call_body(2016), "grid.0.code", "pertinence\n"), "code"),
        (with_value(call_body(2016), "grid.0.code", "Pertinence"), "code"),
    ):
        assert_refused(await api.client.post(f"{BASE}/calls", json=body, headers=api.staff), field)
    assert_refused(
        await api.client.post(
            f"{BASE}/applications/{application['id']}/withdrawal", json={"reason": "x" * 2001}, headers=admin(api, lead)
        ),
        "reason",
    )
    assert head(api) == before


# --- money, rates, counts ---------------------------------------------------------------------------


async def test_money_that_is_not_an_amount_in_euros_is_refused_wherever_it_is_sent(api: Api) -> None:
    call, application, lead = await given_a_submitted_application(api)
    c, a = f"{BASE}/calls/{call['id']}", f"{BASE}/applications/{application['id']}"
    before = head(api)
    for value in NOT_AMOUNTS:
        cases = [
            (f"{BASE}/calls", with_value(call_body(2016), "fund_amount", value), api.staff, "fund_amount"),
            (f"{BASE}/calls", with_value(call_body(2016), "envelope", value), api.staff, "envelope"),
            (
                f"{BASE}/calls",
                with_value(call_body(2016), "criteria.max_per_trainee", value),
                api.staff,
                "max_per_trainee",
            ),
            (f"{c}/top-ups", {"amount": value, "reason": "Partenaire"}, api.staff, "amount"),
            (f"{c}/applications", application_body(requested=value), admin(api, lead), "requested"),
            (f"{c}/applications", with_value(application_body(), "trainings.0.cost", value), admin(api, lead), "cost"),
            (f"{a}/decision", {"outcome": "award", "amount": value, "reason": "x"}, api.staff, "amount"),
            (
                f"{a}/actuals",
                {"trainings": [{"training": 0, "trainees": 1, "hours": 1, "cost": value}]},
                admin(api, lead),
                "cost",
            ),
        ]
        for url, body, headers, field in cases:
            assert_refused(await api.client.post(url, json=body, headers=headers), field)
    assert head(api) == before


async def test_rates_that_are_not_a_share_of_one_with_four_decimals_are_refused(api: Api) -> None:
    for value in NOT_RATES:
        for field in ("max_cofunding_rate", "priority_cofunding_rate"):
            body = with_value(call_body(), f"criteria.{field}", value)
            assert_refused(await api.client.post(f"{BASE}/calls", json=body, headers=api.staff), field)
    # Four decimals are fine, and so is a rate of exactly 1 for the priority trainings.
    body = with_value(
        with_value(call_body(), "criteria.max_cofunding_rate", "0.3333"), "criteria.priority_cofunding_rate", "1"
    )
    opened = await api.client.post(f"{BASE}/calls", json=body, headers=api.staff)
    assert opened.status_code == 201, opened.text
    record = (await read(api, f"/calls/{opened.json()['id']}", api.staff, opened.json())).json()
    assert record["terms"]["criteria"]["max_cofunding_rate"] == "0.3333"


async def test_counts_out_of_their_bounds_are_refused(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    c = f"{BASE}/calls/{call['id']}"
    before = head(api)
    for value in (0, -1, 100_001, 2**63, 2**64, 1.5, True, None):
        for field in ("hours", "trainees"):
            body = with_value(application_body(), f"trainings.0.{field}", value)
            assert_refused(await api.client.post(f"{c}/applications", json=body, headers=admin(api, lead)), field)
    for value in (1999, 2101, 2**63):
        assert_refused(await api.client.post(f"{BASE}/calls", json=call_body(value), headers=api.staff), "year")
    for value in (0, 101):
        body = with_value(call_body(2016), "grid.0.weight", value)
        assert_refused(await api.client.post(f"{BASE}/calls", json=body, headers=api.staff), "weight")
    assert head(api) == before


async def test_scores_and_actuals_out_of_their_bounds_are_refused(api: Api) -> None:
    call, application, lead = await given_a_submitted_application(api)
    await given_scored(api, application)
    await given_awarded(api, application)
    a = f"{BASE}/applications/{application['id']}"
    before = head(api)
    for value in (-1, 6, 2**63):
        body = with_value(scores_body(), "scores.0.score", value)
        assert_refused(await api.client.post(f"{a}/scores", json=body, headers=reviewer(api, "evaluateur-1")), "score")
    for field, value in (("training", 100), ("training", -1), ("trainees", -1), ("hours", 100_001)):
        actual = {"training": 0, "trainees": 1, "hours": 1, "cost": "1.00", field: value}
        assert_refused(
            await api.client.post(f"{a}/actuals", json={"trainings": [actual]}, headers=admin(api, lead)), field
        )
    assert head(api) == before


# --- coded values ------------------------------------------------------------------------------------


async def test_coded_values_outside_their_enum_are_refused(api: Api) -> None:
    call, application, lead = await given_a_submitted_application(api)
    a = f"{BASE}/applications/{application['id']}"
    before = head(api)
    assert_refused(
        await api.client.post(f"{a}/decision", json={"outcome": "maybe", "reason": "x"}, headers=api.staff), "outcome"
    )
    assert_refused(await api.client.post(f"{a}/review", json={"outcome": "APPROVE"}, headers=api.staff), "outcome")
    for check in ("active:lead\n", "ACTIVE", "active:" + "0" * 100):
        body = {"check": check, "reason": "motif"}
        assert_refused(await api.client.post(f"{a}/eligibility/overrides", json=body, headers=api.staff), "check")
    partner = with_value(application_body(), "partners", ["not-a-member-id"])
    assert_refused(
        await api.client.post(f"{BASE}/calls/{call['id']}/applications", json=partner, headers=admin(api, lead)),
        "partners",
    )
    assert head(api) == before
    listed = await read(api, f"/calls/{call['id']}/applications?status=bogus", api.staff)
    assert_refused(listed, "status")
    url = f"/calls/{call['id']}/applications?status=submitted"
    submitted = (await read(api, url, api.staff, application)).json()
    assert [i["application_id"] for i in submitted["items"]] == [application["id"]]


@pytest.mark.parametrize("code", ["bre", "B%00RE", "BRE%0A", "B", "ABCDEFGHI", "%25"])
async def test_a_region_code_that_is_not_one_is_refused(api: Api, code: str) -> None:
    delegate = api.token("regional_delegate", region="BRE")
    assert_refused(await api.client.get(f"{BASE}/regions/{code}/overview", headers=delegate), "code")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert_refused(await api.client.get(f"{BASE}/calls/{unknown}/regions/{code}/dashboard", headers=api.staff), "code")


# --- paging, query parameters --------------------------------------------------------------------------


async def test_paging_beyond_its_bounds_is_refused_on_every_list(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    lists = [
        (f"/calls/{call['id']}/applications", api.staff),
        (f"/members/{lead}/applications", admin(api, lead)),
        ("/regions/BRE/overview", api.staff),
    ]
    for url, headers in lists:
        for query, field in (
            (f"offset={2**63}", "offset"),
            (f"offset={2**64}", "offset"),
            ("offset=1000001", "offset"),
            ("offset=-1", "offset"),
            ("offset=NaN", "offset"),
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            (f"limit={2**63}", "limit"),
        ):
            assert_refused(await read(api, f"{url}?{query}", headers), field)
        assert (await read(api, f"{url}?offset=1000000&limit=500", headers)).status_code == 200


async def test_what_if_parameters_that_are_not_amounts_or_scores_are_refused(api: Api) -> None:
    call = await given_call(api)
    url = f"/calls/{call['id']}/what-if"
    for value in ("NaN", "sNaN", "Infinity", "1E+1000000", "-1", "1.001"):
        assert_refused(await read(api, f"{url}?envelope={value}", api.staff), "envelope")
    for value in ("NaN", "Infinity", "101", "-1", "1e2", "50.555"):
        assert_refused(await read(api, f"{url}?cutoff_score={value}", api.staff), "cutoff_score")
    answer = await read(api, f"{url}?envelope=5000.50&cutoff_score=75.5", api.staff, call)
    assert answer.status_code == 200 and answer.json()["cutoff_score"] == "75.5", answer.text


async def test_wait_for_beyond_any_notification_is_refused_not_a_server_error(api: Api) -> None:
    call = await given_call(api)
    for value in (2**63, 2**64):
        assert_refused(await read(api, f"/calls/{call['id']}?wait_for={value}", api.staff), "wait_for")
    beyond = await read(api, f"/calls/{call['id']}?wait_for={2**63 - 1}", api.staff)
    assert_refused(beyond, "wait_for", status=422)


# --- a rule broken by a field names it too ---------------------------------------------------------------


async def test_a_rule_broken_by_one_field_is_a_422_naming_it_in_french(api: Api) -> None:
    [lead] = await given_members(api, 1)
    for body, field, words in (
        (call_body(envelope="90000.00"), "envelope", "40 %"),
        (with_value(call_body(), "criteria.max_cofunding_rate", "0"), "criteria.max_cofunding_rate", "taux"),
        (with_value(call_body(), "criteria.max_per_trainee", "0"), "criteria.max_per_trainee", "plafond"),
        (with_value(call_body(), "grid.0.label", " "), "grid[0].label", "libellé"),
    ):
        refused = await api.client.post(f"{BASE}/calls", json=body, headers=api.staff)
        assert refused.status_code == 422, (field, refused.text)
        assert refused.json()["extra"]["field"] == field and words in refused.json()["detail"], refused.text
    call = await given_call(api)
    priority = with_value(application_body(), "trainings.0.title", "Autre formation")
    refused = await api.client.post(f"{BASE}/calls/{call['id']}/applications", json=priority, headers=admin(api, lead))
    assert refused.status_code == 422 and refused.json()["extra"]["field"] == "trainings[0].priority", refused.text
    assert "prioritaires" in refused.json()["detail"]
