"""Answers of the register's lists and dashboards, kept per position of the read model.

Such an answer is a function of the `register` read model's position and of the read's arguments
(date, moment, scope, filters): until the projection applies another event, the same read gives
the same answer. So it is computed once per position: identical reads that arrive together wait
for the one in flight, and later ones are answered from memory. Different reads (another date,
another filter) are computed, under the read gate's bound.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from services.membership.read_gate import REGISTER_READS
from shared.platform import Platform


class ReadCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()

    async def answer(self, platform: Platform, read: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        position = await _register_position(platform)
        key = (asyncio.get_running_loop(), platform.database.url(), position, read)
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


async def _register_position(platform: Platform) -> int:
    if platform.write_pool is None:
        raise RuntimeError("the platform is not started")
    return await platform.write_pool.fetchval(
        "SELECT position FROM membership.projection_generations WHERE projection = 'register' AND status = 'live'"
    )


REGISTER_ANSWERS = ReadCache(size=512)
