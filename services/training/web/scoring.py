"""The fund reviewer's pages: my assignments, declaring a conflict of interest, scoring with the call's grid."""

from __future__ import annotations

from typing import Any

from services.training.web.scoring_pages import assigned_application, assignments, declare, score, scoring_form

SCORING_PAGES: list[Any] = [assignments, assigned_application, declare, scoring_form, score]
