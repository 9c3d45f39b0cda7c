"""The register's pages: the member's home (my enterprise as the register knows it)."""

from __future__ import annotations

from litestar import Router

from services.membership.web.home import home
from shared.web.pages import pages_router


def create_pages() -> Router:
    return pages_router("/", [home])
