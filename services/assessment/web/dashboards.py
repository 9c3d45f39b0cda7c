"""le Cap's part of the dashboards: /region/cap (progress, follow-up feed) and /reseau/cap (levels by
theme, services most needed)."""

from __future__ import annotations

from typing import Any

DASHBOARD_PAGES: list[Any] = []
