"""HTTP routes of le Cap, under /api/assessment."""

from services.assessment.api.answers import AnswerController
from services.assessment.api.assessments import AssessmentController
from services.assessment.api.audit import AccessGrantController, AuditController
from services.assessment.api.dashboards import DashboardController
from services.assessment.api.plan import PlanController
from services.assessment.api.referential import ReferentialController
from services.assessment.api.reviews import ReviewController

ROUTE_HANDLERS = (
    ReferentialController,
    AssessmentController,
    AnswerController,
    ReviewController,
    PlanController,
    AuditController,
    AccessGrantController,
    DashboardController,
)
