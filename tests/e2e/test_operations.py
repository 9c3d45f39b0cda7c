"""Health, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

from tests.helpers.api import Api


async def test_health_answers_without_a_token(api: Api) -> None:
    response = await api.client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_ready_reports_each_projection_and_its_lag(api: Api) -> None:
    response = await api.client.get("/ready")
    assert response.status_code == 200
    projections = {p["projection"]: p for p in response.json()["projections"]}
    assert {"register", "member_history"} <= set(projections)
    assert all(p["lag"] >= 0 for p in projections.values())


REFUSED_RESIGNATIONS = 'coorace_commands_total{command="resign",outcome="refused",service="membership"}'


def metric(text: str, name: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " ")]
    return values[0] if values else 0.0


async def test_metrics_are_in_prometheus_format_with_latency_commands_and_lag(api: Api) -> None:
    api.client.app.state.platform.application("membership").establish_regions()
    before = metric((await api.client.get("/metrics")).text, REFUSED_RESIGNATIONS)
    await api.client.get("/api/membership/regions", headers=api.staff)
    await api.client.post(
        "/api/membership/members/00000000-0000-4000-8000-000000000000/resignation",
        json={"reason": "x"},
        headers=api.staff,
    )
    text = (await api.client.get("/metrics")).text
    assert "coorace_http_request_duration_seconds_bucket" in text
    assert metric(text, REFUSED_RESIGNATIONS) == before + 1
    assert 'coorace_projection_lag_events{projection="register",service="membership"}' in text


async def test_openapi_describes_every_route_with_its_error_responses(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    member_routes = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/membership")}
    assert "/api/membership/members/{member_id}/resignation" in member_routes
    for path, operations in member_routes.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404"} <= codes, (method, path, codes)
            if method == "post":
                assert {"400", "409", "422"} <= codes, (method, path, codes)
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_every_response_carries_a_request_id_and_keeps_a_given_one(api: Api) -> None:
    response = await api.client.get("/health", headers={"X-Request-Id": "req-abc"})
    assert response.headers["x-request-id"] == "req-abc"
