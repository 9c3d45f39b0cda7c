"""National staff's pages of a call: the calls, opening and amending one, the envelope's ledger, the
applications, the what-if ranking, publication, exports."""

from __future__ import annotations

from typing import Any

from services.training.web.calls_applications import APPLICATIONS_PAGES
from services.training.web.calls_envelope import ENVELOPE_PAGES
from services.training.web.calls_exports import EXPORT_PAGES
from services.training.web.calls_form import CALL_FORM_PAGES
from services.training.web.calls_list import calls
from services.training.web.calls_view import CALL_VIEW_PAGES
from services.training.web.calls_what_if import WHAT_IF_PAGES

# `/appels/nouveau` is declared before `/appels/{call_id:uuid}` (Litestar matches the literal path first anyway).
CALL_PAGES: list[Any] = [
    calls,
    *CALL_FORM_PAGES,
    *CALL_VIEW_PAGES,
    *ENVELOPE_PAGES,
    *APPLICATIONS_PAGES,
    *WHAT_IF_PAGES,
    *EXPORT_PAGES,
]
