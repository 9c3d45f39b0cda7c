"""The browser tests' fixtures (a served app, a headless Chromium), for a test that asks for them."""

from tests.browser.conftest import browser, context, page, portal, traffic  # noqa: F401
