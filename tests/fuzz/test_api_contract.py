"""Schemathesis over the whole OpenAPI document, as national staff and as a member: every answer
must be documented (status, content type, headers, body schema) and none may be a server error."""

from __future__ import annotations

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.helpers.fuzzing import Served
from tests.helpers.openapi import openapi_document

# Bounded and derandomized: the same cases every run, a few minutes in CI at most.
EXAMPLES_PER_OPERATION = 10
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Loaded when the module is (schemathesis' lazy loading from a fixture does not run on pytest 9);
# `test_the_served_document_is_the_one_fuzzed` proves it is the document the server serves.
DOCUMENT = openapi_document()
# Every check runs. A schema-valid request may still be refused by a rule of the domain (422: the
# command does not fit the record's state; `wait_for` beyond the log) or wait on the read side (503),
# both documented: schemathesis' "positive data acceptance" is told so. A 400 on schema-valid data
# stays a failure: it means the document promises more than the server accepts.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "503"]},
        }
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


def test_the_served_document_is_the_one_fuzzed(served: Served) -> None:
    assert httpx.get(f"{served.url}/schema/openapi.json").json() == DOCUMENT


@schema.parametrize()
@FUZZ
def test_staff_gets_only_documented_answers(case, served: Served) -> None:  # noqa: ANN001
    served.untangle(case)
    case.call_and_validate(base_url=served.url, headers=served.as_(case, served.staff))


@schema.parametrize()
@FUZZ
def test_a_member_gets_only_documented_answers(case, served: Served) -> None:  # noqa: ANN001
    # Aimed at the member's own records (the staff test keeps random ids: the 404s), so that the
    # member's requests reach the rules of the records it may act on.
    served.aim(case)
    served.untangle(case)
    case.call_and_validate(base_url=served.url, headers=served.as_(case, served.member))
