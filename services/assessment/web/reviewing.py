"""/relectures: the reviews asked of me (a delegate, a trainer, a peer), reading the answers, proposing
per indicator, completing the review."""

from __future__ import annotations

from typing import Any

REVIEWING_PAGES: list[Any] = []
