"""The membership service's composition: what it plugs into the platform."""

from __future__ import annotations

from litestar import Router

from services.membership.api.member_commands import MemberCommandController
from services.membership.api.members import MemberController
from services.membership.api.regions import RegionController
from services.membership.application import MembershipApplication
from services.membership.demo.seed import seed_membership_demo
from services.membership.events_log import SCHEMA
from services.membership.projections.erasures import ContactErasures
from services.membership.projections.member_history import MemberHistoryProjection
from services.membership.projections.register import RegisterProjection
from services.membership.web import create_pages
from shared.migrations import service_schema_migration
from shared.service import ServiceDefinition


def create_router() -> Router:
    return Router(path="/", route_handlers=[MemberController, MemberCommandController, RegionController])


MEMBERSHIP = ServiceDefinition(
    name="membership",
    schema=SCHEMA,
    application_class=MembershipApplication,
    migrations=(service_schema_migration(SCHEMA),),
    projections=lambda: [RegisterProjection(), MemberHistoryProjection(), ContactErasures()],
    router=create_router,
    pages=create_pages,
    seed_demo=seed_membership_demo,
    # Its contact persons' erasures are recorded in the people log (`projections/erasures.py`).
    depends_on=("people",),
)
