"""The composition root: which services exist, and how a process builds its platform."""

from __future__ import annotations

from collections.abc import Iterable

from services.assessment.app import ASSESSMENT
from services.membership.app import MEMBERSHIP
from services.people.app import PEOPLE
from services.training.app import TRAINING
from shared.config import Settings, load_settings
from shared.database import DatabaseAddress
from shared.logs import configure_logging
from shared.platform import Platform
from shared.service import ServiceDefinition

ALL_SERVICES: dict[str, ServiceDefinition] = {s.name: s for s in (MEMBERSHIP, ASSESSMENT, TRAINING, PEOPLE)}


def select_services(names: Iterable[str] | None) -> list[ServiceDefinition]:
    """The named services (all by default) and those they depend on, in dependency order."""
    wanted = list(names or ALL_SERVICES)
    unknown = [n for n in wanted if n not in ALL_SERVICES]
    if unknown:
        raise ValueError(f"unknown service(s): {', '.join(unknown)}; known: {', '.join(ALL_SERVICES)}")
    ordered: list[ServiceDefinition] = []

    def add(name: str) -> None:
        service = ALL_SERVICES[name]
        for dependency in service.depends_on:
            add(dependency)
        if service not in ordered:
            ordered.append(service)

    for name in wanted:
        add(name)
    return ordered


def build_platform(
    services: Iterable[str] | None = None, *, settings: Settings | None = None, database: DatabaseAddress | None = None
) -> Platform:
    settings = settings or load_settings()
    configure_logging(settings.log_format, settings.log_level)
    return Platform(settings, select_services(services), database=database)
