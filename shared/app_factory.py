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
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.auth import BearerAuthMiddleware, TokenService
from shared.decoding import MAX_BODY_BYTES, StrictRequest, UrlGuardMiddleware
from shared.errors import exception_handlers
from shared.observability import PROJECTION_LAG, PROJECTION_POSITION, RequestContextMiddleware, count_unrouted, registry
from shared.openapi import AllowedMethodsMiddleware, StrictStructSchemaPlugin, complete_openapi
from shared.platform import Platform

PUBLIC_PATHS = ["^/health$", "^/ready$", "^/metrics$", "^/schema", "^/$", "^/static"]


@get("/health", tags=["operations"], summary="The process is up", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", tags=["operations"], summary="The database answers; projections' lag")
async def ready(state: State) -> Response[dict[str, Any]]:
    platform: Platform = state.platform
    try:
        statuses = await platform.status()
    except Exception as error:  # the database is unreachable: not ready, say why
        return Response({"status": "unavailable", "error": str(error)}, status_code=503)
    return Response({"status": "ready", "projections": statuses})


@get("/metrics", tags=["operations"], summary="Prometheus metrics", media_type="text/plain")
async def metrics(state: State) -> Response[bytes]:
    platform: Platform = state.platform
    try:
        for status in await platform.status():
            labels = (str(status["service"]), str(status["projection"]))
            PROJECTION_LAG.labels(*labels).set(float(status["lag"]))  # type: ignore[arg-type]
            PROJECTION_POSITION.labels(*labels).set(float(status["position"]))  # type: ignore[arg-type]
    except Exception:  # metrics must answer even when the database does not
        pass
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def create_app(
    platform: Platform, *, run_projections: bool = True, extra_route_handlers: Sequence[Any] = ()
) -> Litestar:
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

    routers = [service.router() for service in platform.services.values()]
    app = Litestar(
        route_handlers=[health, ready, metrics, *routers, *extra_route_handlers],
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
        debug=False,
    )
    complete_openapi(app, PUBLIC_PATHS)
    return app
