"""The training service's composition: what it plugs into the platform."""

from __future__ import annotations

from litestar import Router

from services.training.api.calls import CallController
from services.training.api.dashboards import DashboardController
from services.training.api.decisions import DecisionController
from services.training.api.envelope import EnvelopeController
from services.training.api.exports import ExportController
from services.training.api.funding_applications import (
    FundingApplicationController,
    FundingApplicationDraftController,
)
from services.training.api.overviews import OverviewController
from services.training.api.what_if import WhatIfController
from services.training.application import TrainingApplication
from services.training.demo.seed import seed_training_demo
from services.training.events_log import SCHEMA
from services.training.projections.decision_files import DecisionFileProjection
from services.training.projections.funding import FundingProjection
from services.training.projections.notifying import FmsNotifyingProjection
from services.training.projections.register_copy import RegisterCopyProjection
from services.training.web import create_pages
from shared.migrations import service_schema_migration
from shared.service import ServiceDefinition


def create_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            CallController,
            EnvelopeController,
            DashboardController,
            WhatIfController,
            ExportController,
            FundingApplicationDraftController,
            FundingApplicationController,
            DecisionController,
            OverviewController,
        ],
    )


TRAINING = ServiceDefinition(
    name="training",
    schema=SCHEMA,
    application_class=TrainingApplication,
    migrations=(service_schema_migration(SCHEMA),),
    # Its own log's projections first: the platform takes the first projection's source as the
    # service's head (`Platform.head`).
    projections=lambda: [
        FundingProjection(),
        DecisionFileProjection(),
        RegisterCopyProjection(),
        FmsNotifyingProjection(),
    ],
    router=create_router,
    pages=create_pages,
    seed_demo=seed_training_demo,
    # Its copy of the register follows the membership log, which must exist first; fund reviewers
    # are checked against the directory (the people application).
    depends_on=("membership", "people"),
)
