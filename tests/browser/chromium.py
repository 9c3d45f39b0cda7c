"""The headless Chromium the browser tests drive: the Debian `chromium` package, through Playwright.

Playwright's own browser download is not used (it cannot be installed everywhere we run); the
system's Chromium is, and when it cannot start the tests fail, saying how to install it: a
browser test that skips would let CI pass without ever opening a page.
"""

from __future__ import annotations

import os

from playwright.async_api import Browser, Playwright

CHROMIUM = os.environ.get("COORACE_CHROMIUM", "/usr/bin/chromium")
# We run as root (no sandbox then); the rest keeps Chromium from calling home on a closed
# network, where its background requests would only time out.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_INSTALL = (
    f"The browser tests need Chromium at {CHROMIUM} (COORACE_CHROMIUM names another): "
    "install it with `apt-get update && apt-get install -y chromium` (.ci/run does)."
)


class ChromiumUnavailable(RuntimeError):
    pass


async def launch(playwright: Playwright) -> Browser:
    if not os.access(CHROMIUM, os.X_OK):
        raise ChromiumUnavailable(f"No Chromium at {CHROMIUM}. {HOW_TO_INSTALL}")
    try:
        return await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as error:
        raise ChromiumUnavailable(f"Chromium at {CHROMIUM} did not start: {error}\n{HOW_TO_INSTALL}") from error
