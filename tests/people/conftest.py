"""Fixtures of the directory's tests: the portal's clock, moved instead of waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.web.session import Sessions
from tests.helpers.api import Api
from tests.people.helpers import post_form

PASSWORD = "une phrase de passe assez longue"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(api: Api) -> Clock:
    clock = Clock()
    api.client.app.state.sessions = Sessions(api.client.app.state.platform, clock)
    return clock


async def sign_in(api: Api, email: str, password: str, suite: str = "/") -> Any:
    return await post_form(api, "/connexion", "/connexion", {"email": email, "password": password, "suite": suite})
