"""National staff's pages of one application: eligibility, reviewers, the decision, the four-eyes
queue, the decision file and letter, actuals and settlement (mounted under /fms)."""

from __future__ import annotations

from typing import Any

from services.training.web.decisions_queue import QUEUE_PAGES
from services.training.web.instruction_documents import DOCUMENT_PAGES
from services.training.web.instruction_page import INSTRUCTION_FORMS

INSTRUCTION_PAGES: list[Any] = [*INSTRUCTION_FORMS, *QUEUE_PAGES, *DOCUMENT_PAGES]
