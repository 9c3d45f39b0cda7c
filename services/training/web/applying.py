"""The member's pages of the fund: the calls open to me, my applications (draft, submission, amendments), my outcome."""

from __future__ import annotations

from typing import Any

APPLYING_PAGES: list[Any] = []
