"""le Cap in the portal: answering an assessment with colleagues, and what it yields (positioning,
progress plan, PDF, history); reviewing one; auditing one; le Cap's part of the dashboards."""

from __future__ import annotations

from litestar import Router

from shared.web.pages import pages_router


def create_pages() -> Router:
    # Imported here, as the API's router is (`app.create_router`): the pages read through the API's
    # helpers, which need the service's definition (`app.OWN_PROJECTIONS`) loaded first.
    from services.assessment.web.answering import ANSWERING_PAGES
    from services.assessment.web.audit import AUDIT_PAGES
    from services.assessment.web.dashboards import DASHBOARD_PAGES
    from services.assessment.web.results import RESULTS_PAGES
    from services.assessment.web.reviewing import REVIEWING_PAGES

    return Router(
        path="/",
        route_handlers=[
            pages_router("/cap", [*ANSWERING_PAGES, *RESULTS_PAGES]),
            pages_router("/relectures", REVIEWING_PAGES),
            pages_router("/audit", AUDIT_PAGES),
            pages_router("/", DASHBOARD_PAGES),
        ],
    )
