"""le Cap in the portal: answering an assessment with colleagues, and what it yields (positioning,
progress plan, PDF, history)."""

from __future__ import annotations

from litestar import Router

from shared.web.pages import pages_router


def create_pages() -> Router:
    # Imported here, as the API's router is (`app.create_router`): the pages read through the API's
    # helpers, which need the service's definition (`app.OWN_PROJECTIONS`) loaded first.
    from services.assessment.web.answering import ANSWERING_PAGES
    from services.assessment.web.results import RESULTS_PAGES

    return pages_router("/cap", [*ANSWERING_PAGES, *RESULTS_PAGES])
