"""What a service plugs into the platform: its schema, application, migrations, projections, routes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from litestar import Router

from shared.eventstore import ServiceApplication
from shared.migrations import Migration
from shared.projection import Projection
from shared.web.tasks import TasksOf

if TYPE_CHECKING:
    from shared.platform import Platform

Progress = Callable[[str, int, int], None]  # (what, done, total)


class Background(Protocol):
    """A loop a service runs beside its projections, in the process that runs them."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    schema: str
    application_class: type[ServiceApplication]
    migrations: tuple[Migration, ...]
    projections: Callable[[], Sequence[Projection]]
    router: Callable[[], Router]
    # The service's portal pages (`services/<name>/web/`), when it has any.
    pages: Callable[[], Router] | None = None
    # What waits for a signed-in person in this service (the home page lists it).
    tasks: TasksOf | None = None
    seed_demo: Callable[[Platform, Progress], None] | None = None
    # Other services whose applications this one needs (a projection following their log, say).
    depends_on: tuple[str, ...] = ()
    # Loops started with the projection runner (`Platform.start(run_projections=True)`).
    background: Callable[[Platform], Background] | None = None
