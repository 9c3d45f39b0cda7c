"""The browser tests' fixtures (a served app, a headless Chromium), for the answering pages' own
browser test; only a test that asks for them starts them."""

from tests.browser.conftest import browser, context, page, portal, traffic  # noqa: F401
