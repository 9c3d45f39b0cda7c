"""The plan's PDF, made once per content and kept: a plan changes rarely and its PDF costs ~200 ms of
CPU, so a download answers the bytes already made for the same document (the assessment, its
version, the date printed, the member's name, the chart and the actions) while the process holds
them. Bounded: the least recently asked documents leave first.

`plan_pdf_bytes` runs the making in a worker thread: it must never hold the event loop, where every
other page of the process waits behind it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

import anyio.to_thread

from services.assessment.documents.plan_pdf import PlanDocument, plan_pdf

# ~30 KB each: 128 plans are a few megabytes, more than the members who download the same day.
MAX_ENTRIES = 128


class PlanPdfCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # how many PDFs were made (not answered from the cache): tests read it

    def get(self, document: PlanDocument) -> bytes:
        key = cache_key(document)
        with self._lock:
            content = self._entries.get(key)
            if content is not None:
                self._entries.move_to_end(key)
                return content
        # Made outside the lock: two first downloads of one plan may both make it, which is cheaper
        # than making every other download wait behind one.
        content = plan_pdf(document)
        with self._lock:
            self.made += 1
            self._entries[key] = content
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return content

    def __len__(self) -> int:
        return len(self._entries)


def cache_key(document: PlanDocument) -> Hashable:
    # The whole content, not only (assessment, version, date): the chart's regional benchmarks move
    # when other members validate, and the member may be renamed, without the plan's version moving.
    return (
        document.assessment_id,
        document.version,
        document.made_on,
        document.member_name,
        document.referential_version,
        document.radar_svg,
        tuple(document.actions),
    )


CACHE = PlanPdfCache()


async def plan_pdf_bytes(document: PlanDocument, cache: PlanPdfCache = CACHE) -> bytes:
    return await anyio.to_thread.run_sync(cache.get, document)
