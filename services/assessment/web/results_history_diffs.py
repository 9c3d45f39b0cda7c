"""What changed between two assessments, kept per (before, its version, after, its version): the
history page would otherwise replay both assessments' events for every past assessment at each
view, although a past assessment rarely changes. A new version of either gives a new key, so a
kept difference is never stale; bounded, the least recently shown leave first.

Only pairs the caller's own (row-level-secured) listing showed are looked up here: the cache holds
no access decision, the listing does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from services.assessment.domain.diff import AssessmentDiff

MAX_ENTRIES = 512  # a few KB each; 50 assessments per member at most are shown

Key = tuple[str, int, str, int]
V = TypeVar("V")


class DiffCache(Generic[V]):
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, V] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # differences computed, not answered from the cache: tests read it

    async def get(self, key: Key, compute: Callable[[], Awaitable[V]]) -> V:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        changes = await compute()
        with self._lock:
            self.computed += 1
            self._entries[key] = changes
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return changes

    def __len__(self) -> int:
        return len(self._entries)


DIFFS: DiffCache[AssessmentDiff] = DiffCache()
