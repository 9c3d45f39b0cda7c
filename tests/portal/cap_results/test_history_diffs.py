"""The history's differences are computed once per pair of versions, again when either moves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.assessment.web.results_history_diffs import DiffCache


async def test_a_pair_of_versions_is_computed_once_and_again_when_a_version_moves() -> None:
    cache: DiffCache[str] = DiffCache(max_entries=2)
    made: list[str] = []

    def computing(label: str) -> Callable[[], Awaitable[str]]:
        async def compute() -> str:
            made.append(label)
            return label

        return compute

    assert await cache.get(("a", 3, "b", 7), computing("first")) == "first"
    assert await cache.get(("a", 3, "b", 7), computing("again")) == "first"
    assert await cache.get(("a", 3, "b", 8), computing("b moved")) == "b moved"
    assert await cache.get(("a", 4, "b", 8), computing("a moved")) == "a moved"
    assert made == ["first", "b moved", "a moved"]
    assert len(cache) == 2  # the bound: the least recently shown left
    assert await cache.get(("a", 3, "b", 7), computing("forgotten")) == "forgotten"
