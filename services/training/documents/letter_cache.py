"""Decision letters, made once per content and kept while the process holds them: a letter costs
~300 ms of CPU (the embedded font), its content changes only with the decision, the review, the
member's name or town and the date printed. Made in a worker thread (never on the event loop);
downloads of one letter that arrive while it is being made wait for that one making. Bounded: the
least recently asked letters leave first. Lives on the process's event loop (only its thread
touches it), as le Cap's plan cache does."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

import anyio.to_thread

from services.training.documents.letter_pdf import DecisionLetter, letter_pdf

MAX_ENTRIES = 256  # ~40 KB each: a call's letters downloaded on the day of its results


class LetterCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[DecisionLetter, bytes] = OrderedDict()
        self._making: dict[DecisionLetter, asyncio.Future[bytes]] = {}
        self.made = 0  # letters made (not answered from the cache)

    async def get(self, letter: DecisionLetter) -> bytes:
        content = self._entries.get(letter)
        if content is not None:
            self._entries.move_to_end(letter)
            return content
        making = self._making.get(letter)
        if making is None:
            making = self._making[letter] = asyncio.ensure_future(self._make(letter))
        # Shielded: one client that leaves must not cancel the others' letter.
        return await asyncio.shield(making)

    async def _make(self, letter: DecisionLetter) -> bytes:
        try:
            content = await anyio.to_thread.run_sync(letter_pdf, letter)
        finally:
            self._making.pop(letter, None)
        self.made += 1
        self._entries[letter] = content
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return content


CACHE = LetterCache()
