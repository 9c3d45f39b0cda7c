"""The fund reviewer's pages: my assignments, declaring a conflict of interest, scoring with the call's grid."""

from __future__ import annotations

from typing import Any

SCORING_PAGES: list[Any] = []
