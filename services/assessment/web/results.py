"""le Cap pages: results (filled by the portal's next step)."""

from __future__ import annotations

from typing import Any

RESULTS_PAGES: list[Any] = []
