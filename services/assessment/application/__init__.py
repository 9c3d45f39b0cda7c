"""AssessmentApplication: le Cap's service layer, one use-case area per module (load, decide, save
through `ServiceApplication.load`/`change`, one short method each).

Every command answers a `CommandResult`. `expected_version` is the version the client last read
(HTTP `If-Match`): a stale one is refused with 409. Commands take `at`, the time they happen
(now, unless the demo seeder replays a past year), and `by`, the principal who acts, where a rule
depends on who acts (`base.py`: who may act on an assessment).
"""

from __future__ import annotations

from services.assessment.application.answers import AnswerUseCases
from services.assessment.application.auditors import AuditUseCases
from services.assessment.application.plan import PlanUseCases
from services.assessment.application.referential import ReferentialUseCases
from services.assessment.application.reviews import ReviewUseCases
from services.assessment.application.starting import StartingUseCases


class AssessmentApplication(
    ReferentialUseCases, StartingUseCases, AnswerUseCases, ReviewUseCases, PlanUseCases, AuditUseCases
):
    """Le Cap's use cases: the referential, starting and reopening, answers, reviews, the plan's
    follow-up, auditors."""

    name = "assessment"  # the library names the events table after it: each subclass must say it again


__all__ = ["AssessmentApplication"]
