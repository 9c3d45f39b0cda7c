"""le Cap pages: what an assessment yields — positioning, progress plan (and its PDF), history."""

from __future__ import annotations

from typing import Any

from services.assessment.web.results_history import history_page
from services.assessment.web.results_plan import decide_action, plan_download, plan_page
from services.assessment.web.results_positioning import positioning_page

RESULTS_PAGES: list[Any] = [positioning_page, plan_page, decide_action, plan_download, history_page]
