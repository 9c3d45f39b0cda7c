"""le Cap in the portal: answering an assessment with colleagues, and what it yields (positioning,
progress plan, PDF, history)."""

from __future__ import annotations

from litestar import Router

from services.assessment.web.answering import ANSWERING_PAGES
from services.assessment.web.results import RESULTS_PAGES
from shared.web.pages import pages_router


def create_pages() -> Router:
    return pages_router("/cap", [*ANSWERING_PAGES, *RESULTS_PAGES])
