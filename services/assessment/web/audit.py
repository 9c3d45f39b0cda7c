"""/audit: an auditor's assessments, each one's timeline, the assessment as of any moment, diffs;
national staff's audit reads and access grants."""

from __future__ import annotations

from typing import Any

AUDIT_PAGES: list[Any] = []
