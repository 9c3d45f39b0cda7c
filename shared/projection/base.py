"""What a read model declares: its name, version, source log, tables, and how a batch changes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import asyncpg

from shared.projection.log import EventLog, Notified
from shared.readmodel import Table, TableNames


class Projection:
    """A read model: its tables, and how a batch of events changes them.

    Subclasses set `name`, `version` (bump it when tables or logic change: the runner then
    builds a new generation), `source`, `tables`, and implement `apply_batch`. A projection that
    follows *another* service's log sets `foreign = True` and receives `ForeignEvent`s.
    """

    name: ClassVar[str]
    foreign: ClassVar[bool] = False
    version: ClassVar[int] = 1
    source: ClassVar[EventLog]
    tables: ClassVar[tuple[Table, ...]]

    def attach(self, platform: Any) -> None:
        """Called once by the platform that runs it, before any batch. A read model ignores it; a
        projection whose batches act (a notification trigger calls another service's application)
        keeps the platform."""

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        raise NotImplementedError
