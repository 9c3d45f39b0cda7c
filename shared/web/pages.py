"""What every service's pages router shares: HTML errors, and the paths that are pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Router

from shared.web.errors import page_exception_handlers

# Paths that are neither pages nor the API: operations and documentation keep JSON answers.
NOT_PAGES = ("/api/", "/schema", "/health", "/ready", "/metrics")
# The route option that keeps the API's bearer-token middleware off a route (Litestar's own key):
# pages know their visitor by the portal's middleware instead.
NOT_API = "exclude_from_auth"


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES)


def pages_router(path: str, route_handlers: Sequence[Any]) -> Router:
    """A router of pages: errors answered as French HTML pages, an anonymous visitor sent to sign in."""
    return Router(
        path=path,
        route_handlers=list(route_handlers),
        exception_handlers=page_exception_handlers,  # type: ignore[arg-type]
        include_in_schema=False,
        opt={NOT_API: True},
    )
