"""Per-request context for logs, and the Prometheus metrics served at /metrics."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from typing import Any

import structlog
from litestar._asgi.utils import wrap_in_exception_handler
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

log = structlog.get_logger("coorace.http")

registry = CollectorRegistry()
REQUEST_LATENCY = Histogram(
    "coorace_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    registry=registry,
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
COMMANDS = Counter("coorace_commands_total", "Commands handled", ["service", "command", "outcome"], registry=registry)
UNROUTED_REQUESTS = Counter(
    "coorace_http_unrouted_requests_total",
    "Requests the router refused before any route ran (no such path: 404, method not allowed: 405)",
    ["method", "status"],
    registry=registry,
)
PROJECTION_LAG = Gauge(
    "coorace_projection_lag_events", "Events not yet applied", ["service", "projection"], registry=registry
)
PROJECTION_POSITION = Gauge(
    "coorace_projection_position", "Last applied notification id", ["service", "projection"], registry=registry
)
PROJECTION_ERRORS = Counter(
    "coorace_projection_errors_total",
    "Batches or events a projection failed to apply (by this process's runner)",
    ["service", "projection"],
    registry=registry,
)
PROJECTION_PARKED = Gauge(
    "coorace_projection_parked_events",
    "Events parked by a projection (it waits at the event before for an operator)",
    ["service", "projection"],
    registry=registry,
)
PROJECTION_RUNNERS_ALIVE = Gauge(
    "coorace_projection_runners_alive", "Projection runners with a fresh heartbeat", ["service"], registry=registry
)


AUDIT_CHAIN_INTACT = Gauge(
    "coorace_audit_chain_intact",
    "1 when the last verification found the service's event-log hash chain intact, 0 when broken",
    ["service"],
    registry=registry,
)
AUDIT_CHAIN_EVENTS_CHECKED = Gauge(
    "coorace_audit_chain_events_checked",
    "Events the last hash-chain verification checked",
    ["service"],
    registry=registry,
)
AUDIT_CHAIN_CHECKED_AT = Gauge(
    "coorace_audit_chain_checked_at_seconds",
    "When the service's hash chain was last verified (Unix time)",
    ["service"],
    registry=registry,
)


def record_audit_chain(report: Any) -> None:
    """Set the hash-chain gauges from a `shared.audit_chain.ChainReport`."""
    AUDIT_CHAIN_INTACT.labels(report.service).set(1.0 if report.intact else 0.0)
    AUDIT_CHAIN_EVENTS_CHECKED.labels(report.service).set(float(report.events_checked))
    AUDIT_CHAIN_CHECKED_AT.labels(report.service).set(report.checked_at.timestamp())


def record_projection_statuses(statuses: Iterable[Mapping[str, Any]]) -> None:
    """Set the projection gauges from `Platform.status()` (the database's view, all processes)."""
    for status in statuses:
        labels = (str(status["service"]), str(status["projection"]))
        PROJECTION_LAG.labels(*labels).set(float(status["lag"]))
        PROJECTION_POSITION.labels(*labels).set(float(status["position"]))
        PROJECTION_PARKED.labels(*labels).set(1.0 if status["state"] == "parked" else 0.0)
        PROJECTION_RUNNERS_ALIVE.labels(labels[0]).set(float(status["runners_alive"]))


class RequestContextMiddleware:
    """Gives each request an id (or takes X-Request-Id), binds it to the log context with the
    correlation id, times the request, and logs one line when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        # An exception raised by a middleware inside this one (the bearer check's 401) would
        # otherwise pass through here and be answered by the app's outer handler: counted and
        # logged as a 500, without the request id. Rendered here, every answer goes through
        # `send_with_id` with its real status. (Litestar's helper: the one it wraps routes with.)
        self.app = wrap_in_exception_handler(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = correlation_id = None
        for name, value in scope.get("headers", ()):  # ASGI header names are lower-case bytes
            if name == b"x-request-id":
                request_id = value.decode("latin-1")
            elif name == b"x-correlation-id":
                correlation_id = value.decode("latin-1")
        request_id = request_id or os.urandom(16).hex()
        correlation_id = correlation_id or request_id
        scope.setdefault("state", {})
        scope["state"]["request_id"] = request_id
        scope["state"]["correlation_id"] = correlation_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, correlation_id=correlation_id)
        status = 500  # if nothing was sent at all
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                # The server's own time up to the answer's head (a page is rendered whole before
                # it), so that a client, a browser or the portal's benchmark, can tell it from the
                # network's.
                headers = [*message["headers"], (b"x-request-id", request_id.encode())]
                if not any(name.lower() == b"server-timing" for name, _ in headers):
                    timing = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                    headers.append((b"server-timing", timing.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("path_template") or _route_of(scope)
            REQUEST_LATENCY.labels(scope["method"], route, str(status)).observe(elapsed)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )


def _route_of(scope: Scope) -> str:
    handler = scope.get("route_handler")
    paths = getattr(handler, "paths", None)
    return sorted(paths)[0] if paths else "unmatched"


async def count_unrouted(error: Exception, scope: Scope) -> None:
    """An app `after_exception` hook. A request the router refuses (unknown path, method not
    allowed) never reaches `RequestContextMiddleware`, which runs per route: count and log it here,
    so that a flood of 404s shows. Requests that reached a route carry a request id and are
    counted there."""
    if scope["type"] != ScopeType.HTTP or "request_id" in scope.get("state", {}):
        return
    status = getattr(error, "status_code", 500)
    UNROUTED_REQUESTS.labels(scope["method"], str(status)).inc()
    log.info("request", method=scope["method"], path=scope["path"], status=status, route="unmatched")
