"""Scenario helpers for integration tests: members registered through the application layer."""

from __future__ import annotations

import itertools
from datetime import date

from services.membership.application import MembershipApplication
from shared.eventstore import CommandResult
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.helpers.siret import valid_siret

_counter = itertools.count(1)


def membership(platform: Platform) -> MembershipApplication:
    app = platform.application("membership")
    assert isinstance(app, MembershipApplication)
    app.establish_regions()
    return app


def register(
    app: MembershipApplication,
    *,
    region: str = "BRE",
    forms: tuple[str, ...] = ("AI",),
    n: int | None = None,
    joined_on: date = date(2010, 1, 1),
) -> CommandResult:
    n = next(_counter) if n is None else n
    return app.register_member(
        name=f"Association intermédiaire n°{n}",
        siret=valid_siret(10_000 + n),
        forms=forms,
        region=region,
        joined_on=joined_on,
        contact=PersonalDetails(name=f"Contact {n}", email=f"contact{n}@ai.fr", phone="+33 1 00 00 00 00"),
        city="Rennes",
    )
