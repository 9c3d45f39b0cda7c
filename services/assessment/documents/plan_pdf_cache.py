"""The plan's PDF, made once per content and kept: a plan changes rarely and its PDF costs ~200 ms of
CPU, so a download answers the bytes already made for the same document (the assessment, its
version, the date printed, the member's name, the chart and the actions) while the process holds
them. Bounded: the least recently asked documents leave first.

A PDF is made in a worker thread: never on the event loop, where every other page of the process
would wait behind it. Downloads of one document that arrive while it is being made wait for that
one making (32 people of 13 members opening their plans at once make 13 PDFs, not 32).
The cache lives on the process's event loop (no lock: only the loop's thread touches it).
"""

from __future__ import annotations

import asyncio
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
        self._making: dict[Hashable, asyncio.Future[bytes]] = {}
        self.made = 0  # how many PDFs were made (not answered from the cache): tests read it

    async def get(self, document: PlanDocument) -> bytes:
        key = cache_key(document)
        content = self._entries.get(key)
        if content is not None:
            self._entries.move_to_end(key)
            return content
        making = self._making.get(key)
        if making is None:
            making = self._making[key] = asyncio.ensure_future(self._make(key, document))
        # Shielded: one waiter that gives up (its client left) must not cancel the others' PDF.
        return await asyncio.shield(making)

    async def _make(self, key: Hashable, document: PlanDocument) -> bytes:
        try:
            content = await anyio.to_thread.run_sync(plan_pdf, document)
        finally:
            self._making.pop(key, None)
        self.made += 1
        self._entries[key] = content
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
    return await cache.get(document)
