"""/relectures: the reviews asked of me (a delegate, a trainer, a peer), reading the answers, proposing
per indicator, completing the review. National staff may read every review; the review-request e-mail
links `/relectures/{assessment_id}/{request_id}`.

- `reviewing_list`: the list, by state (waiting, in progress, done), paginated;
- `reviewing_view`: one review as its reviewer may see it (404 for anyone else);
- `reviewing_sheet`: the review's summary and its sub-theme pages, with a comment form per indicator;
- `reviewing_completion`: the confirmation that lists the proposals, and completing."""

from __future__ import annotations

from typing import Any

from services.assessment.web.reviewing_completion import complete, confirmation
from services.assessment.web.reviewing_list import asked_reviews
from services.assessment.web.reviewing_sheet import comment, review, sub_theme

REVIEWING_PAGES: list[Any] = [asked_reviews, review, confirmation, complete, sub_theme, comment]
