"""Builds the Litestar app for a platform: the services' routers, auth, errors, health and metrics."""

from __future__ import annotations

import asyncio
import gc
import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from litestar import Litestar, Request, Response, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import QueryParameter
from litestar.static_files import create_static_files_router
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.audit_chain import ChainReport, platform_logs, read_anchors, verify
from shared.auth import BearerAuthMiddleware, Principal, Role, TokenService, requires
from shared.decoding import MAX_BODY_BYTES, StrictRequest, UrlGuardMiddleware
from shared.http_errors import QUERY_ERRORS, exception_handlers
from shared.logs import litestar_logging_config
from shared.observability import (
    RequestContextMiddleware,
    count_unrouted,
    record_audit_chain,
    record_projection_statuses,
    registry,
)
from shared.openapi import AllowedMethodsMiddleware, StrictStructSchemaPlugin, complete_openapi
from shared.outages import RETRY_AFTER_SECONDS, is_database_outage
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import PortalAuthMiddleware
from shared.web.errors import page_http_error, page_unexpected_error
from shared.web.outbox import create_outbox_pages
from shared.web.pages import NOT_API, is_page
from shared.web.templating import STATIC_DIRECTORY, template_config

PUBLIC_PATHS = ["^/health$", "^/ready$", "^/metrics$", "^/schema"]


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
        audit_chain = await platform.audit_chain_status()
    except Exception as error:  # the database went away meanwhile: not ready
        if not is_database_outage(error):
            raise
        return Response(
            {"status": "unavailable", "problems": ["base de données injoignable"]},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    # A degraded read side (a parked event, lag with no runner alive) still serves: 200, and says so.
    # So does a broken hash chain: the events are still what the platform serves, refusing to serve
    # would punish every member for one edit, and the alert is the metric (see docs/notes/chain.md).
    return Response({**read_side, "audit_chain": audit_chain})


@get("/metrics", tags=["operations"], summary="Prometheus metrics", media_type="text/plain")
async def metrics(state: State) -> Response[bytes]:
    platform: Platform = state.platform
    try:
        record_projection_statuses(await platform.status())
        for report in (await platform.audit_chain_reports()).values():
            record_audit_chain(report)
    except Exception:  # metrics must answer even when the database does not
        pass
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def audit_chain_route(services: Sequence[str]) -> Any:
    """`GET /api/<service>/audit/chain`: the service's hash chain verified now (`shared.audit_chain`)."""

    @get(
        [f"/api/{name}/audit/chain" for name in services],
        tags=["audit"],
        summary="Verify the service's event-log hash chain now and name the first event that does not match",
        description="National staff verify every chain of the service, or one member's (`tenant`); an "
        "auditor verifies only the chain of a member a current access grant opens to them (a whole-member "
        "grant of le Cap), and must name it in `tenant`. The anchors (daily heads written outside the "
        "database) are checked too when the platform has an anchor file.",
        guards=[requires(Role.NATIONAL_STAFF, Role.AUDITOR)],
        responses=QUERY_ERRORS,
    )
    async def audit_chain(
        request: Request[Any, Any, Any],
        state: State,
        tenant: Annotated[
            str | None,
            QueryParameter(
                pattern=r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$",
                description="one member's chain (its member id); empty: the network's",
            ),
        ] = None,
    ) -> ChainReport:
        platform: Platform = state.platform
        principal: Principal = request.user
        if not principal.has(Role.NATIONAL_STAFF):
            if tenant is None:
                raise PermissionDeniedException(
                    "le champ « tenant » : un auditeur vérifie la chaîne d'un adhérent que son accès couvre, "
                    "il doit le nommer"
                )
            if tenant not in await _auditor_tenants(platform, principal):
                raise PermissionDeniedException(
                    f"le champ « tenant » : aucun accès en cours ne vous ouvre l'adhérent {tenant}"
                )
        service = request.url.path.split("/")[2]
        chained = next(c for c in platform_logs(platform) if c.service == service)
        anchors = await asyncio.to_thread(read_anchors, platform.settings.audit_anchor_file)
        async with platform._pool().acquire() as conn:
            return await verify(conn, chained, tenant=tenant, anchors=anchors)

    return audit_chain


async def _auditor_tenants(platform: Platform, principal: Principal) -> set[str]:
    """The members an auditor's current whole-member grants open (le Cap's access grants)."""
    if "assessment" not in platform.services or platform.read_pool is None:
        return set()
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = await conn.fetch(
            "SELECT tenant_id FROM assessment.access_grants WHERE auditor_id = $1 AND assessment_id IS NULL "
            "AND NOT revoked AND valid_from <= now() AND valid_until > now()",
            principal.subject,
        )
    return {r["tenant_id"] for r in rows}


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
    pages = [service.pages() for service in routed.values() if service.pages is not None]
    static = create_static_files_router(
        "/static", directories=[STATIC_DIRECTORY], include_in_schema=False, opt={NOT_API: True}
    )
    app = Litestar(
        route_handlers=[
            health,
            ready,
            metrics,
            *routers,
            audit_chain_route(list(routed)),
            *pages,
            create_outbox_pages(),
            static,
            *extra_route_handlers,
        ],
        lifespan=[lifespan],
        state=State({"platform": platform, "tokens": tokens}),
        dependencies={"platform": Provide(provide_platform, sync_to_thread=False)},
        middleware=[
            RequestContextMiddleware,
            UrlGuardMiddleware,
            AllowedMethodsMiddleware,
            DefineMiddleware(BearerAuthMiddleware, tokens=tokens, exclude=PUBLIC_PATHS),
            DefineMiddleware(PortalAuthMiddleware, tokens=tokens),
        ],
        exception_handlers=_answering_pages_in_html(exception_handlers),
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
        template_config=template_config(routed),
        csrf_config=CSRFConfig(
            secret=hashlib.sha256(b"csrf:" + platform.settings.signing_secret().encode()).hexdigest(),
            cookie_name="coorace_csrf",
            cookie_secure=platform.settings.cookies_secure,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["^/api/", *PUBLIC_PATHS],
        ),
        logging_config=litestar_logging_config(),
        debug=False,
    )
    complete_openapi(app, PUBLIC_PATHS)
    return app


def _answering_pages_in_html(handlers: dict[Any, Any]) -> dict[Any, Any]:
    """The app-level handlers (an address no route matches, a method no route allows) answer a
    page's visitor with a French HTML page, and the API's client with JSON."""
    api_http, api_unexpected = handlers[HTTPException], handlers[Exception]

    def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
        return page_http_error(request, error) if is_page(request.url.path) else api_http(request, error)

    def unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        return page_unexpected_error(request, error) if is_page(request.url.path) else api_unexpected(request, error)

    return {**handlers, HTTPException: http_error, Exception: unexpected}
