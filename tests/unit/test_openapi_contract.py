"""What the OpenAPI document derives from the routes themselves (shared.openapi)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
import pytest
from litestar import Litestar, Request, get
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.params import JSONBody

from shared.auth import Role, requires
from shared.openapi import NO_NUL_PATTERN, StrictStructSchemaPlugin, command, complete_openapi, creation, roles_of
from shared.values import MONEY_PATTERN, SINGLE_LINE_PATTERN, MoneyText, Text
from tests.helpers.openapi import openapi_document


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def test_a_struct_that_refuses_unknown_fields_says_so(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["MemberRegistration"]["additionalProperties"] is False
    assert "additionalProperties" not in schemas["ErrorBody"]


def test_every_operation_says_which_roles_may_call_it(document: dict[str, Any]) -> None:
    register = document["paths"]["/api/membership/members"]["post"]
    assert register["x-roles"] == ["national_staff"]
    assert "Rôles autorisés : équipe nationale" in register["description"]
    assert register["security"] == [{"bearer": []}]
    assert {"401", "403"} <= set(register["responses"])
    guarded = [
        op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("security") == [{"bearer": []}]
    ]
    assert guarded and all("x-roles" in op and "401" in op["responses"] for op in guarded)


def test_public_operations_need_no_token(document: dict[str, Any]) -> None:
    for path in ("/health", "/ready", "/metrics"):
        assert document["paths"][path]["get"]["security"] == []


def test_a_get_that_waits_documents_its_422(document: dict[str, Any]) -> None:
    waiting = [
        op
        for item in document["paths"].values()
        for method, op in item.items()
        if method == "get" and any(p["name"] == "wait_for" for p in op.get("parameters", []))
    ]
    assert waiting and all("422" in op["responses"] for op in waiting)


class Dues(msgspec.Struct, forbid_unknown_fields=True):
    amount: MoneyText


@command("/change", guards=[requires(Role.NATIONAL_STAFF, Role.AUDITOR)], sync_to_thread=False)
def change(request: Request, data: JSONBody[Dues]) -> None:
    return None


@creation("/create", guards=[requires(Role.NATIONAL_STAFF)], sync_to_thread=False)
def create(request: Request, data: JSONBody[Dues]) -> None:
    return None


def test_commands_are_documented_200_and_creations_201_with_money_as_a_pattern() -> None:
    app = Litestar([change, create], plugins=[StrictStructSchemaPlugin()])
    complete_openapi(app, public_paths=[])
    document = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    assert "200" in document["paths"]["/change"]["post"]["responses"]
    assert "201" not in document["paths"]["/change"]["post"]["responses"]
    assert "201" in document["paths"]["/create"]["post"]["responses"]
    assert document["paths"]["/change"]["post"]["x-roles"] == ["auditor", "national_staff"]
    amount = document["components"]["schemas"]["Dues"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"] == MONEY_PATTERN and amount["description"]


def test_roles_of_several_guards_are_those_every_guard_lets_through() -> None:
    @command(
        "/x",
        guards=[requires(Role.NATIONAL_STAFF, Role.AUDITOR), requires(Role.AUDITOR, Role.TRAINER)],
        sync_to_thread=False,
    )
    def both(data: JSONBody[Dues]) -> None:
        return None

    app = Litestar([both])
    handler = app.route_handler_method_map["/x"]["POST"]
    assert roles_of(handler) == ["auditor"]


def test_constraints_of_list_items_are_documented(document: dict[str, Any]) -> None:
    merged = document["components"]["schemas"]["RegionMerger"]["properties"]["merged"]
    assert merged["minItems"] == 2 and merged["items"]["pattern"].startswith("^[A-Z]+")
    assert merged["items"]["minLength"] == 2


class Described(msgspec.Struct, forbid_unknown_fields=True):
    codes: Annotated[list[Text], msgspec.Meta(description="Codes")]
    labels: Annotated[dict[Literal["fr", "en"], Text], msgspec.Meta(min_length=1, description="Libellés")]


@command("/described", sync_to_thread=False)
def described(data: JSONBody[Described]) -> None:
    return None


def test_constraints_inside_described_lists_and_dicts_are_documented() -> None:
    app = Litestar([described], plugins=[StrictStructSchemaPlugin()])
    complete_openapi(app, public_paths=[])
    schema = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()["components"]["schemas"]["Described"]
    assert schema["properties"]["codes"]["items"]["pattern"] == SINGLE_LINE_PATTERN
    labels = schema["properties"]["labels"]
    assert labels["minProperties"] == 1 and sorted(labels["propertyNames"]["enum"]) == ["en", "fr"]
    assert labels["additionalProperties"]["maxLength"] == 300


def test_an_operation_whose_path_names_a_record_documents_its_404(document: dict[str, Any]) -> None:
    named = [
        op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and any(p["in"] == "path" for p in op.get("parameters", []))
    ]
    assert named and all("404" in op["responses"] for op in named)


def test_the_error_answers_refer_to_a_documented_schema_even_when_no_route_declared_one() -> None:
    @get("/plain", guards=[requires(Role.AUDITOR)], sync_to_thread=False)
    def plain() -> None:
        return None

    app = Litestar([plain])
    complete_openapi(app, public_paths=[])
    document = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    assert "401" in document["paths"]["/plain"]["get"]["responses"]
    assert set(document["components"]["schemas"]["ErrorBody"]["properties"]) == {
        "status_code",
        "error",
        "detail",
        "extra",
    }


def test_integers_say_their_64_bit_bounds_and_free_strings_refuse_nul(document: dict[str, Any]) -> None:
    integers, free_strings = [], []
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("type") == "integer":
                integers.append(node)
            if node.get("type") == "string" and not {"format", "enum", "const"} & node.keys():
                free_strings.append(node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    assert integers and all(-(2**63) <= n["minimum"] and n["maximum"] <= 2**63 - 1 for n in integers)
    assert free_strings and all("pattern" in s for s in free_strings)
    grants = document["components"]["schemas"]["GrantView"]["properties"]["grant_id"]
    assert grants["pattern"] == NO_NUL_PATTERN


def test_an_optional_region_code_keeps_its_bounds_in_the_document(document: dict[str, Any]) -> None:
    """A rename's `new_code` may be omitted, but when given it is a region code: the document says
    so (the fuzzer found a control character promised as acceptable and refused with a 400)."""
    new_code = document["components"]["schemas"]["RegionRename"]["properties"]["new_code"]
    assert {"type": "null"} in new_code["oneOf"]
    # String keywords bind strings only: null stays allowed, any string must be a region code.
    assert new_code["pattern"].startswith("^[A-Z]+") and (new_code["minLength"], new_code["maxLength"]) == (2, 8)
