"""National staff's pages of a call: the calls, opening and amending one, the envelope's ledger, the
applications, the what-if ranking, publication, exports."""

from __future__ import annotations

from typing import Any

CALL_PAGES: list[Any] = []
