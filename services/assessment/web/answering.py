"""le Cap pages: answering (filled by the portal's next step)."""

from __future__ import annotations

from typing import Any

ANSWERING_PAGES: list[Any] = []
