"""The training API's contract: what the OpenAPI document says of each operation (summary, success
status, errors, described parameters and fields, enums, money and rates as checked strings), and
the ids of what a command creates inside an aggregate (a top-up, an amendment), answered in the body
and the same on an idempotent retry."""

from __future__ import annotations

from typing import Any

import msgspec

from services.training.domain.money import RATE_PATTERN
from services.training.read_models import (
    AmendmentDiff,
    ApplicationPage,
    ApplicationRecord,
    Assignment,
    CallDashboard,
    CallRecord,
    DashboardFigures,
    DecisionFile,
    EnvelopeLedger,
    RegionOverview,
    WhatIf,
)
from shared.values import MONEY_PATTERN
from tests.helpers.api import Api
from tests.helpers.training_api import (
    BASE,
    admin,
    application_body,
    given_awarded,
    given_call,
    given_members,
    given_scored,
    given_submitted,
    read,
    reviewer,
)

# The commands that create something: 201 with its id; every other command answers 200.
CREATING = {
    f"{BASE}/calls",
    f"{BASE}/calls/{{call_id}}/applications",
    f"{BASE}/calls/{{call_id}}/recorded-applications",
    f"{BASE}/calls/{{call_id}}/top-ups",
    f"{BASE}/calls/{{call_id}}/audit-grants",
    f"{BASE}/applications/{{application_id}}/amendments",
}


async def openapi(api: Api) -> dict[str, Any]:
    response = await api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        # The platform's audit route is on every service alike (tests/audit), not one of the fund's.
        if path.startswith(BASE) and not path.endswith("/audit/chain")
        for method, operation in item.items()
        if method in ("get", "post")
    ]


def referenced(schema: dict[str, Any], node: Any, seen: set[str]) -> set[str]:
    """The component schemas a part of the document refers to, transitively."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                referenced(schema, schema["components"]["schemas"][name], seen)
        for value in node.values():
            referenced(schema, value, seen)
    elif isinstance(node, list):
        for value in node:
            referenced(schema, value, seen)
    return seen


async def test_every_operation_has_a_summary_its_success_status_and_its_errors(api: Api) -> None:
    faults = []
    for method, path, operation in operations(await openapi(api)):
        codes = set(operation["responses"])
        success = {c for c in codes if c.startswith("2")}
        expected_success = {"201"} if method == "post" and path in CREATING else {"200"}
        expected_errors = {"400", "401", "403", "404"} | ({"409", "422"} if method == "post" else {"422", "503"})
        if not operation.get("summary"):
            faults.append((method, path, "no summary"))
        if success != expected_success:
            faults.append((method, path, f"answers {sorted(success)}"))
        if not expected_errors <= codes:
            faults.append((method, path, f"misses errors {sorted(expected_errors - codes)}"))
        faults += [
            (method, path, f"parameter {p['name']} undescribed")
            for p in operation.get("parameters", [])
            if not p.get("description") and p["name"].lower() not in ("authorization", "if-match", "idempotency-key")
        ]
    assert faults == []


async def test_every_field_of_the_training_bodies_is_described(api: Api) -> None:
    schema = await openapi(api)
    names = referenced(schema, [op for _, _, op in operations(schema)], set())
    ours = {
        n
        for n in names
        if n not in ("ErrorBody", "CommandResult") and "properties" in schema["components"]["schemas"][n]
    }
    assert {"CallOpening", "ContentIn", "ApplicationRecord", "TopUpRecorded"} <= {n.rsplit("_", 1)[-1] for n in ours}
    undescribed = [
        (name, field)
        for name in sorted(ours)
        for field, spec in schema["components"]["schemas"][name]["properties"].items()
        if not spec.get("description") and "const" not in spec  # a tag names itself
    ]
    assert undescribed == []


async def test_money_rates_and_coded_values_are_typed_in_the_document(api: Api) -> None:
    schema = await openapi(api)
    components = schema["components"]["schemas"]

    def component(suffix: str) -> dict[str, Any]:
        # Litestar prefixes a component's name with its module when two services use the same one.
        names = [n for n in components if n == suffix or n.endswith(f"_{suffix}")]
        [name] = [n for n in names if "training" in n] if len(names) > 1 else names
        return components[name]

    def pattern(spec: dict[str, Any]) -> str | None:
        # An optional value carries its pattern beside `oneOf` (where it applies to the string).
        options = [spec, *spec.get("oneOf", [])]
        return next((o["pattern"] for o in options if "pattern" in o), None)

    assert pattern(component("CallOpening")["properties"]["envelope"]) == MONEY_PATTERN
    assert pattern(component("TopUpIn")["properties"]["amount"]) == MONEY_PATTERN
    assert pattern(component("CriteriaIn")["properties"]["max_cofunding_rate"]) == RATE_PATTERN
    assert pattern(component("AwardIn")["properties"]["amount"]) == MONEY_PATTERN
    assert component("AwardIn")["required"] == ["amount", "outcome"]
    assert component("RejectionIn")["properties"]["outcome"]["const"] == "reject"
    assert "under_review" in component("ApplicationSummary")["properties"]["status"]["enum"]
    listed = schema["paths"][f"{BASE}/calls/{{call_id}}/applications"]["get"]["parameters"]
    status = next(p for p in listed if p["name"] == "status")["schema"]
    assert "submitted" in str(status) and "settled" in str(status)
    offset = next(p for p in listed if p["name"] == "offset")["schema"]
    assert (offset["minimum"], offset["maximum"]) == (0, 1_000_000)


# --- ids of what a command creates inside an aggregate ----------------------------------------------


async def test_a_top_up_answers_its_ledger_entry_and_a_retry_answers_the_same(api: Api) -> None:
    call = await given_call(api)
    url = f"{BASE}/calls/{call['id']}/top-ups"
    headers = {**api.staff, "Idempotency-Key": "top-up-1"}
    body = {"amount": "5000.00", "reason": "Complément d'un partenaire"}
    first = await api.client.post(url, json=body, headers=headers)
    again = await api.client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json() and first.json()["entry"] == first.json()["version"]
    second = await api.client.post(url, json={**body, "amount": "1.00"}, headers=api.staff)
    assert second.status_code == 201 and second.json()["entry"] > first.json()["entry"]
    ledger = (await read(api, f"/calls/{call['id']}/envelope", api.staff, second.json())).json()
    top_ups = {line["entry"]: line["amount"] for line in ledger["lines"] if line["kind"] == "top_up"}
    assert top_ups == {first.json()["entry"]: "5000.00", second.json()["entry"]: "1.00"}


async def test_an_amendment_answers_its_number_and_a_retry_answers_the_same(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead)
    url = f"{BASE}/applications/{submitted['id']}/amendments"
    numbers = []
    for requested, key in (("2500.00", "amend-1"), ("2400.00", "amend-2"), ("2400.00", "amend-2")):
        body = {**application_body(requested=requested), "reason": "Devis révisé"}
        answer = await api.client.post(url, json=body, headers={**admin(api, lead), "Idempotency-Key": key})
        assert answer.status_code == 201, answer.text
        numbers.append(answer.json()["amendment"])
    assert numbers == [1, 2, 2]
    record = (await read(api, f"/applications/{submitted['id']}", admin(api, lead), answer.json())).json()
    assert record["amendments"] == 2


# --- every answer is what the document says it is ------------------------------------------------------


async def test_every_answer_decodes_into_its_documented_type_for_every_reader(api: Api) -> None:
    lead, partner = await given_members(api, 2)
    call = await given_call(api)
    submitted = await given_submitted(api, call, lead, partners=(partner,))
    a, c = f"/applications/{submitted['id']}", f"/calls/{call['id']}"
    overridden = await api.client.post(
        f"{BASE}{a}/eligibility/overrides", json={"check": "x", "reason": "motif"}, headers=api.staff
    )
    assert overridden.status_code == 422  # (no such check: only to exercise the refusal's shape)
    await given_scored(api, submitted)
    await given_awarded(api, submitted)
    actuals = {
        "trainings": [
            {"training": 0, "trainees": 8, "hours": 14, "cost": "6400.00"},
            {"training": 1, "trainees": 4, "hours": 7, "cost": "1000.00"},
        ]
    }
    assert (await api.client.post(f"{BASE}{a}/actuals", json=actuals, headers=admin(api, lead))).status_code == 200
    settled = await api.client.post(f"{BASE}{a}/settlement", json={}, headers=api.staff)
    granted = await api.client.post(
        f"{BASE}{c}/audit-grants", json={"auditor_id": "auditrice-1", "reason": "Contrôle"}, headers=api.staff
    )
    await read(api, a, api.staff, granted.json())
    assert settled.status_code == 200
    readers = {
        "staff": api.staff,
        "lead": admin(api, lead),
        "partner": admin(api, partner),
        "reviewer": reviewer(api, "evaluateur-1"),
        "auditor": api.token("auditor", subject="auditrice-1"),
        "delegate": api.token("regional_delegate", region="BRE"),
    }
    reads = [
        ("/calls", list[CallRecord]),
        (c, CallRecord),
        (f"{c}/envelope", EnvelopeLedger),
        (f"{c}/dashboard", CallDashboard),
        (f"{c}/regions/BRE/dashboard", DashboardFigures),
        (f"{c}/what-if", WhatIf),
        (f"{c}/applications", ApplicationPage),
        (a, ApplicationRecord),
        (f"{a}/amendments", AmendmentDiff),
        (f"{a}/decision-file", DecisionFile),
        (f"/members/{lead}/applications", ApplicationPage),
        ("/regions/BRE/overview", RegionOverview),
        ("/reviewer/assignments", list[Assignment]),
    ]
    decoded = 0
    for who, headers in readers.items():
        for url, answer_type in reads:
            response = await read(api, url, headers)
            if response.status_code == 200:
                msgspec.json.decode(response.content, type=answer_type)  # raises if it is not that type
                decoded += 1
            else:
                assert response.status_code in (403, 404), (who, url, response.text)
    assert decoded >= 40
    record = msgspec.json.decode((await read(api, a, readers["lead"])).content, type=ApplicationRecord)
    assert record.decision is not None and record.decision.decided_by is None  # applicants see the notified part
    assert [e.role for e in record.enterprises] == ["lead", "partner"] and record.actuals is not None
