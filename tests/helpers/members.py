"""Members registered through the membership application, for tests of what reads them."""

from __future__ import annotations

from shared.platform import Platform
from tests.helpers.membership_application import membership, register
from tests.helpers.projections import catch_up_everything


async def given_three_members(platform: Platform) -> tuple[str, str, str]:
    """Two members in Bretagne and one in Nord-Pas-de-Calais, projected; their ids."""
    app = membership(platform)
    first, second, third = (register(app, region=r).id for r in ("BRE", "BRE", "NPC"))
    await catch_up_everything(platform)
    return first, second, third
