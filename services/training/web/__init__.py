"""The Fonds Mutualisés Solidaires in the portal (under /fms): national staff running a call and
deciding on its applications, members applying, fund reviewers scoring."""

from __future__ import annotations

from litestar import Router

from shared.web.pages import pages_router


def create_pages() -> Router:
    # Imported here, as the API's router is: the pages read through the API's helpers.
    from services.training.web.applying import APPLYING_PAGES
    from services.training.web.calls import CALL_PAGES
    from services.training.web.instruction import INSTRUCTION_PAGES
    from services.training.web.scoring import SCORING_PAGES

    return pages_router("/fms", [*CALL_PAGES, *INSTRUCTION_PAGES, *APPLYING_PAGES, *SCORING_PAGES])
