"""Builds the Litestar app for a platform: the services' routers, auth, errors, health and metrics."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Redirect
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.auth import BearerAuthMiddleware, TokenService
from shared.decoding import MAX_BODY_BYTES, StrictRequest, UrlGuardMiddleware
from shared.http_errors import exception_handlers
from shared.logs import litestar_logging_config
from shared.observability import RequestContextMiddleware, count_unrouted, record_projection_statuses, registry
from shared.openapi import AllowedMethodsMiddleware, StrictStructSchemaPlugin, complete_openapi
from shared.outages import RETRY_AFTER_SECONDS, is_database_outage
from shared.platform import Platform

PUBLIC_PATHS = ["^/health$", "^/ready$", "^/metrics$", "^/schema", "^/$", "^/static"]


@get("/health", tags=["operations"], summary="The process is up", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", tags=["operations"], summary="The database answers; projections' lag, parked events, runners")
async def ready(state: State) -> Response[dict[str, Any]]:
    platform: Platform = state.platform
    # Ready means both sides work: the write side (each service's event-store pool) and the read
    # side (asyncpg), each lending a connection that answers, now.
    problems = await platform.database_problems()
    if problems:
        return Response(
            {"status": "unavailable", "problems": problems},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    try:
        read_side = await platform.projection_readiness()
    except Exception as error:  # the database went away meanwhile: not ready
        if not is_database_outage(error):
            raise
        return Response(
            {"status": "unavailable", "problems": ["base de données injoignable"]},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    # A degraded read side (a parked event, lag with no runner alive) still serves: 200, and says so.
    return Response(read_side)


@get(
    "/",
    tags=["operations"],
    summary="The API's documentation (until the portal serves this page)",
    include_in_schema=False,
    sync_to_thread=False,
)
def home() -> Redirect:
    return Redirect("/schema")


@get("/metrics", tags=["operations"], summary="Prometheus metrics", media_type="text/plain")
async def metrics(state: State) -> Response[bytes]:
    platform: Platform = state.platform
    try:
        record_projection_statuses(await platform.status())
    except Exception:  # metrics must answer even when the database does not
        pass
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def create_app(
    platform: Platform,
    *,
    run_projections: bool = True,
    extra_route_handlers: Sequence[Any] = (),
    routed_services: Sequence[str] | None = None,
) -> Litestar:
    """The HTTP app of the platform's services: all of them (a service and the services it depends
    on, started whole), or only `routed_services` (a deployment's process of one service, whose
    dependencies are served by their own processes)."""
    tokens = TokenService(platform.settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await platform.start(run_projections=run_projections)
        # Everything loaded at start-up lives as long as the process: keep it out of the garbage
        # collector's generations, which shortens the pauses that show in tail latency.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await platform.stop()

    def provide_platform() -> Platform:
        return platform

    routed = platform.services if routed_services is None else {n: platform.services[n] for n in routed_services}
    routers = [service.router() for service in routed.values()]
    app = Litestar(
        route_handlers=[health, ready, metrics, home, *routers, *extra_route_handlers],
        lifespan=[lifespan],
        state=State({"platform": platform, "tokens": tokens}),
        dependencies={"platform": Provide(provide_platform, sync_to_thread=False)},
        middleware=[
            RequestContextMiddleware,
            UrlGuardMiddleware,
            AllowedMethodsMiddleware,
            DefineMiddleware(BearerAuthMiddleware, tokens=tokens, exclude=PUBLIC_PATHS),
        ],
        exception_handlers=exception_handlers,  # type: ignore[arg-type]
        after_exception=[count_unrouted],
        request_class=StrictRequest,
        request_max_body_size=MAX_BODY_BYTES,
        plugins=[StrictStructSchemaPlugin()],
        openapi_config=OpenAPIConfig(
            title="COORACE platform",
            version="0.1.0",
            description="Member register, le Cap self-assessment and Fonds Mutualisés Solidaires. "
            "Every command answers its aggregate's new version and a notification id; pass "
            "`wait_for=<notification id>` to a query to read your own write.",
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"bearer": []}],
        ),
        logging_config=litestar_logging_config(),
        debug=False,
    )
    complete_openapi(app, PUBLIC_PATHS)
    return app
