"""`coorace training import-call FILE`: a past Fonds Mutualisés Solidaires call from a spreadsheet
(CSV or XLSX, layout in `layout`), read and checked (`reading`), rehearsed through the service's own
commands and written in one transaction when no row is refused (`replay`)."""

from services.training.importing.reading import PastCall, Refusal, read_past_call
from services.training.importing.replay import Figures, ImportReport, import_past_call

__all__ = ["Figures", "ImportReport", "PastCall", "Refusal", "import_past_call", "read_past_call"]
