"""Screenshots of portal pages for the README (docs/screenshots/<name>.png).

Written there only when COORACE_SCREENSHOTS=1 (`COORACE_SCREENSHOTS=1 .venv/bin/pytest
tests/browser`), since they are committed files; otherwise into the test's temporary folder, so
that the helper runs, and its size limit holds, on every run.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Page

DOCS_FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP_WIDTH = 1280
PHONE_WIDTH = 375
# Committed beside the code: a page that no longer fits is a page to look at, not a file to commit.
MAX_BYTES = 300_000


class Screenshots:
    def __init__(self, temporary_folder: Path) -> None:
        self.folder = DOCS_FOLDER if os.environ.get("COORACE_SCREENSHOTS") == "1" else temporary_folder

    async def take(self, page: Page, name: str, *, phone: bool = False, whole: bool = True) -> Path:
        """The whole page at desktop width (or a phone's), as `<name>.png`; only its first screen
        with `whole=False` (a long form: what a reader sees on arriving)."""
        previous = page.viewport_size
        height = previous["height"] if previous else 800
        await page.set_viewport_size({"width": PHONE_WIDTH if phone else DESKTOP_WIDTH, "height": height})
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.png"
        try:
            await page.screenshot(path=path, full_page=whole, type="png", animations="disabled")
        finally:
            if previous:
                await page.set_viewport_size(previous)
        size = path.stat().st_size
        assert size <= MAX_BYTES, f"{path.name} is {size:,} bytes (at most {MAX_BYTES:,})"
        return path
