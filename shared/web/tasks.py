"""Open tasks shown on the home page: each service says what waits for the signed-in person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING

import msgspec

from shared.auth import Principal

if TYPE_CHECKING:
    from shared.platform import Platform


class Task(msgspec.Struct, frozen=True, kw_only=True):
    """Something waiting for the person: what, where to do it, and by when (when there is a date)."""

    label: str
    href: str
    due_on: date | None = None


TasksOf = Callable[["Platform", Principal], Awaitable[list[Task]]]
