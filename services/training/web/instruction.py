"""National staff's pages of one application: eligibility, reviewers, the decision, the four-eyes
queue, the decision file and letter, actuals and settlement."""

from __future__ import annotations

from typing import Any

INSTRUCTION_PAGES: list[Any] = []
