"""One writer per call inside a process.

Every award decision, rejection and settlement changes the call (its envelope) and is saved with the
call's version checked by the library: that, not this lock, is what guarantees the envelope is never
over-committed, across processes too. The lock only stops the threads of one process from racing
each other for the same call version, where all but one would lose, reload and retry: decisions on
one call are then taken one after the other in a process, and optimistic concurrency (with a short
retry) settles what several processes do at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID


class CallLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[UUID, threading.Lock] = {}

    @contextmanager
    def hold(self, call_id: UUID) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(call_id, threading.Lock())
        with lock:
            yield
