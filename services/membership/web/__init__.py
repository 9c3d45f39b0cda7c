"""The register's pages: the member's home, the network's and regions' dashboards, the register."""

from __future__ import annotations

from litestar import Router

from services.membership.web.dashboards import DASHBOARD_PAGES
from services.membership.web.home import home
from services.membership.web.register import REGISTER_PAGES
from shared.web.pages import pages_router


def create_pages() -> Router:
    return pages_router("/", [home, *DASHBOARD_PAGES, *REGISTER_PAGES])
