"""The register's dashboards: the network's (national staff, as of a date) and a region's (its
delegates and trainers)."""

from __future__ import annotations

from typing import Any

DASHBOARD_PAGES: list[Any] = []
