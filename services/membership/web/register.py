"""National staff's register: a member's record, every form that changes it (each with its effective
date), its history."""

from __future__ import annotations

from typing import Any

REGISTER_PAGES: list[Any] = []
