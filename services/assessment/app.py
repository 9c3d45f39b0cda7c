"""The assessment service's composition: what it plugs into the platform."""

from __future__ import annotations

from litestar import Router

from services.assessment.application import AssessmentApplication
from services.assessment.events_log import SCHEMA
from services.assessment.projections.assessments import AssessmentsProjection
from services.assessment.projections.audit_access import AuditAccessProjection
from services.assessment.projections.member_directory import MemberDirectoryProjection
from services.assessment.projections.notifying import CapNotifyingProjection
from services.assessment.tasks import cap_tasks
from services.assessment.web import create_pages
from shared.migrations import service_schema_migration
from shared.service import ServiceDefinition

# The projections that follow le Cap's own log (`wait_for` takes its notification ids); the member
# directory follows the member register's log. `coorace projections rebuild` replays the two
# together, decoding each batch once. (An assessment's history is read from its events themselves:
# see `domain.replay.history`.)
OWN_PROJECTIONS = ("assessments", "audit_access")


def create_router() -> Router:
    from services.assessment.api import ROUTE_HANDLERS

    return Router(path="/", route_handlers=list(ROUTE_HANDLERS))


def _seed(platform, progress):  # noqa: ANN001, ANN202 - see services.assessment.demo.seed
    from services.assessment.demo.seed import seed_assessment_demo

    seed_assessment_demo(platform, progress)


def _digest_loop(platform):  # noqa: ANN001, ANN202 - see services.assessment.notifications
    from services.assessment.notifications import DigestLoop

    return DigestLoop(platform)


ASSESSMENT = ServiceDefinition(
    name="assessment",
    schema=SCHEMA,
    application_class=AssessmentApplication,
    migrations=(service_schema_migration(SCHEMA),),
    # Own log first: the platform reads a service's head from its first projection.
    projections=lambda: [
        AssessmentsProjection(),
        AuditAccessProjection(),
        MemberDirectoryProjection(),
        CapNotifyingProjection(),
    ],
    router=create_router,
    pages=create_pages,
    tasks=cap_tasks,
    seed_demo=_seed,
    # Commands check the people they name against the directory (the people application).
    depends_on=("membership", "people"),
    # The daily digest of overdue plan actions, beside le Cap's projections.
    background=_digest_loop,
)
