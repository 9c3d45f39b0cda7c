"""The people service's composition: what it plugs into the platform."""

from __future__ import annotations

from litestar import Router

from services.people.api.erasures import PersonalDataController
from services.people.api.people import PeopleController
from services.people.application import PeopleApplication
from services.people.demo.seed import seed_people_demo
from services.people.events_log import SCHEMA
from services.people.migrations import PEOPLE_MIGRATIONS
from services.people.notifications import NotificationOutboxProjection
from services.people.projections.directory import DirectoryProjection
from services.people.web import create_pages
from shared.service import ServiceDefinition


def create_router() -> Router:
    return Router(path="/", route_handlers=[PeopleController, PersonalDataController])


PEOPLE = ServiceDefinition(
    name="people",
    schema=SCHEMA,
    application_class=PeopleApplication,
    migrations=PEOPLE_MIGRATIONS,
    projections=lambda: [DirectoryProjection(), NotificationOutboxProjection()],
    router=create_router,
    pages=create_pages,
    seed_demo=seed_people_demo,
)
