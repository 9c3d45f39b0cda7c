"""`as_of` and `known_at` mean the same in every service (`shared.as_of`): a date-time in `as_of`
is a 400 that points to `known_at`, whatever the service, and a `known_at` whose offset carries it
past the calendar's ends is that end, not a 500."""

from __future__ import annotations

from uuid import uuid4

import pytest

from tests.helpers.api import Api
from tests.helpers.membership_application import register

REGISTER_READS = ["/api/membership/members", "/api/membership/network/dashboard", "/api/membership/regions"]


@pytest.mark.parametrize(
    "path",
    [
        *REGISTER_READS,
        f"/api/training/calls/{uuid4()}/dashboard",
        f"/api/training/calls/{uuid4()}/envelope",
        f"/api/assessment/assessments/{uuid4()}",
    ],
)
async def test_a_date_time_in_as_of_is_refused_pointing_to_known_at(api: Api, path: str) -> None:
    response = await api.client.get(path, params={"as_of": "2016-12-31T10:00:00+01:00"}, headers=api.staff)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["extra"]["field"] == "as_of"
    assert "known_at" in body["detail"]


@pytest.mark.parametrize("known_at", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
async def test_a_moment_at_the_calendars_ends_reads_the_register_then(api: Api, known_at: str) -> None:
    app = api.client.app.state.platform.application("membership")
    app.establish_regions()
    wait = {"wait_for": register(app, region="BRE").notification_id}
    for path in ("/api/membership/members", "/api/membership/network/dashboard"):
        response = await api.client.get(path, params={"known_at": known_at, **wait}, headers=api.staff)
        assert response.status_code in (200, 404), (path, response.text)  # 404: nothing recorded by year 1
    listed = await api.client.get("/api/membership/members", params={"known_at": known_at}, headers=api.staff)
    assert listed.json()["total"] == (0 if known_at.startswith("0001") else 1)
