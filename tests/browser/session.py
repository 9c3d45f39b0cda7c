"""Signing a browser in to the portal, and the addresses it asks for.

`sign_in_as` signs a directory person in as people do: the /connexion form, e-mail and password;
the context keeps the session cookie. `sign_in_with_bearer` hands the context a bearer token
instead (the portal accepts one on every page): only for a test that needs a principal no
directory person has (an arbitrary subject), and named so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote, urlsplit

from playwright.async_api import BrowserContext, Page, Request

from shared.auth import TokenService


@dataclass(frozen=True)
class Portal:
    """The served app: its base URL, and the platform's token service (to sign people in)."""

    url: str
    tokens: TokenService


class Credentials(Protocol):
    @property
    def email(self) -> str: ...
    @property
    def password(self) -> str: ...


async def sign_in_as(page: Page, person: Credentials, suite: str = "/") -> None:
    """Through the sign-in form, then on `suite` (the page's context keeps the session cookie)."""
    await page.goto(f"/connexion?suite={quote(suite, safe='')}")
    await page.get_by_label("Adresse électronique").fill(person.email)
    await page.get_by_label("Mot de passe").fill(person.password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Se connecter").click()
    assert urlsplit(page.url).path == urlsplit(suite).path, f"signing in as {person.email} ended on {page.url}"


async def sign_in_with_bearer(
    context: BrowserContext,
    portal: Portal,
    role: str,
    *,
    tenant: str | None = None,
    region: str | None = None,
    subject: str | None = None,
) -> None:
    """Every page the context opens from now on is seen by this principal (no session, no
    directory person: the bearer way, for tests that need a made-up subject)."""
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
