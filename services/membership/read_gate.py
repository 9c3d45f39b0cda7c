"""A bound on the register reads that scan many rows (lists, dashboards), per process.

Those reads are answered from indexed read models in tens of milliseconds, but a burst of them
could still hold every connection of the read pool and slow every other read. At most `limit`
run at once; a read that finds no free slot within `wait_seconds` is answered 503 with
`Retry-After` instead of queueing without end.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shared.errors import NotCaughtUp


class ReadsSaturated(NotCaughtUp):
    """Answered 503 with `Retry-After` (what `NotCaughtUp` gets): the client should come back shortly."""

    code = "too_many_reads"


class ReadGate:
    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def _semaphore(self) -> asyncio.Semaphore:
        # One per event loop: a semaphore belongs to the loop it first waited on.
        loop = asyncio.get_running_loop()
        if loop not in self._slots:
            self._slots = {loop: asyncio.Semaphore(self.limit)}
        return self._slots[loop]

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        slots = self._semaphore()
        try:
            await asyncio.wait_for(slots.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            raise ReadsSaturated(
                f"trop de lectures du registre en cours ({self.limit} au plus à la fois) : réessayez dans un instant"
            ) from None
        try:
            yield
        finally:
            slots.release()


# A quarter of the read pool (32 connections): other reads always find a connection, and more
# scans at once than the database has cores would only make each of them slower.
REGISTER_READS = ReadGate(limit=8, wait_seconds=2.0)
