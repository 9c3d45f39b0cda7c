"""The HTTP API of a platform as the tests drive it."""

from __future__ import annotations

from typing import Any

from shared.auth import TokenService


class Api:
    """The real Litestar app of a platform on the test's database, with tokens for any role."""

    def __init__(self, client: Any, tokens: TokenService) -> None:
        self.client = client
        self.tokens = tokens

    def token(
        self, role: str, *, tenant: str | None = None, region: str | None = None, subject: str | None = None
    ) -> dict[str, str]:
        return {
            "Authorization": "Bearer " + self.tokens.issue(role=role, tenant=tenant, region=region, subject=subject)
        }

    @property
    def staff(self) -> dict[str, str]:
        return self.token("national_staff", subject="staff-1")
