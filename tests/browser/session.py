"""Signing a browser in to the portal, and the addresses it asks for.

`sign_in_as` is the one place the browser tests sign in. Until the portal has its sign-in form it
hands the browser a bearer token, which the portal accepts on every page; once /connexion exists,
this function fills that form instead (the context then keeps the session cookie), and no test
changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Request

from shared.auth import TokenService


@dataclass(frozen=True)
class Portal:
    """The served app: its base URL, and the platform's token service (to sign people in)."""

    url: str
    tokens: TokenService


async def sign_in_as(
    context: BrowserContext,
    portal: Portal,
    role: str,
    *,
    tenant: str | None = None,
    region: str | None = None,
    subject: str | None = None,
) -> None:
    """Every page the context opens from now on is seen by this person."""
    token = portal.tokens.issue(role=role, tenant=tenant, region=region, subject=subject)
    await context.set_extra_http_headers({"Authorization": f"Bearer {token}"})


@dataclass
class Traffic:
    """Every address the pages of a context asked for, and those outside the portal (never let out)."""

    origin: str
    urls: list[str] = field(default_factory=list)

    def record(self, request: Request) -> None:
        self.urls.append(request.url)

    def is_local(self, url: str) -> bool:
        # data: and blob: addresses are made by the page itself: nothing goes on the network
        return url.startswith(("data:", "blob:")) or _origin(url) == self.origin

    def foreign(self) -> list[str]:
        return [url for url in self.urls if not self.is_local(url)]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
