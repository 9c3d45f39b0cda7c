"""Answers of the register's lists and dashboards, kept per position of the read model.

Such an answer is a function of the `register` read model's position and of the read's arguments
(date, moment, scope, filters): until the projection applies another event, the same read gives
the same answer. So it is computed once per position: identical reads that arrive together wait
for the one in flight, and later ones are answered from memory. Dates between two changes of the
register are the same read. Different reads (another filter, a date across a change) are
computed, under the read gate's bound.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import date, datetime
from typing import Any

from services.membership.read_gate import REGISTER_READS
from shared.platform import Platform


class ReadCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()

    async def answer(
        self,
        platform: Platform,
        read: Hashable,
        on: date,
        known_at: datetime | None,
        compute: Callable[[], Awaitable[Any]],
    ) -> Any:
        """The answer of `read` on date `on` as known at `known_at` (computed by `compute`)."""
        position, since = await _register_position(platform, on, known_at)
        key = (asyncio.get_running_loop(), platform.database.url(), position, since, known_at, read)
        future = self._answers.get(key)
        if future is not None:
            self._answers.move_to_end(key)
            return await asyncio.shield(future)
        future = asyncio.get_running_loop().create_future()
        self._answers[key] = future
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)
        try:
            async with REGISTER_READS.slot():
                result = await compute()
        except asyncio.CancelledError:
            self._answers.pop(key, None)
            future.cancel()
            raise
        except Exception as error:
            # A failed read is not remembered: the next one tries again.
            self._answers.pop(key, None)
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waited
            raise
        future.set_result(result)
        return result


async def _register_position(platform: Platform, on: date, known_at: datetime | None) -> tuple[int, date]:
    """The read model's position, and the last date on or before `on` at which anything in it
    changes (a member's state or a region): the register is the same on every date from that one
    to `on`, so reads on any of those dates are the same read. (As known at a past moment, the
    date itself is kept: the rows of that knowledge would have to be searched too.)"""
    if platform.write_pool is None:
        raise RuntimeError("the platform is not started")
    row = await platform.write_pool.fetchrow(
        "SELECT (SELECT position FROM membership.projection_generations "
        "        WHERE projection = 'register' AND status = 'live') AS position, "
        "greatest((SELECT max(effective_from) FROM membership.member_states WHERE effective_from <= $1), "
        "         (SELECT max(effective_to) FROM membership.member_states WHERE effective_to <= $1), "
        "         (SELECT max(opened_on) FROM membership.regions WHERE opened_on <= $1), "
        "         (SELECT max(merged_on) FROM membership.regions WHERE merged_on <= $1)) AS since",
        on,
    )
    since = on if known_at is not None or row["since"] is None else row["since"]
    return row["position"], since


REGISTER_ANSWERS = ReadCache(size=512)
