"""A bound on the register reads that scan many rows (lists, dashboards), per process.

Those reads are answered from indexed read models in tens of milliseconds, but a burst of them
could still hold every connection of the read pool and slow every other read. At most `limit`
run at once; a read that finds no free slot within `wait_seconds` is answered 503 with
`Retry-After` instead of queueing without end.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shared.errors import NotCaughtUp


class ReadsSaturated(NotCaughtUp):
    """Answered 503 with `Retry-After` (what `NotCaughtUp` gets): the client should come back shortly."""

    code = "too_many_reads"


class ReadGate:
    """At most `limit` holders at once in the process, whatever event loop they run on (a test
    client runs the app on a loop of its own); a holder waits for a slot by polling, briefly."""

    POLL_SECONDS = 0.005

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(limit)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        deadline = time.monotonic() + self.wait_seconds
        while not self._slots.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise ReadsSaturated(
                    f"trop de lectures du registre en cours ({self.limit} au plus à la fois) : "
                    "réessayez dans un instant"
                )
            await asyncio.sleep(self.POLL_SECONDS)
        try:
            yield
        finally:
            self._slots.release()


# A quarter of the read pool (32 connections): other reads always find a connection, and more
# scans at once than the database has cores would only make each of them slower.
REGISTER_READS = ReadGate(limit=8, wait_seconds=2.0)
