"""The font of the platform's PDF documents (le Cap's plan, the FMS decision letter): DejaVu Sans,
shipped in `shared/fonts/` with its licence. The PDF's core fonts know Latin-1 only, and a
document in French needs « œ », « ’ » and « … » as well as accents."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"


def use_dejavu(pdf: FPDF) -> None:
    """Register DejaVu Sans (regular and bold) on the document, under the name `FONT`."""
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
