"""A clock the test moves by hand, for code that takes a `clock` callable: time passes without
sleeping."""

from __future__ import annotations

import time


class FakeClock:
    """Seconds since the epoch, starting at the real time (so that libraries which still look at
    the real clock, such as PyJWT's `iat` check, see nothing in the future), moved by `advance`."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
