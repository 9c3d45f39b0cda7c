"""A registration never answers that its own SIRET is taken (issue 7, section 2).

After a lost connection the library retries the insert; when the first attempt had committed, the
retry meets the rows this very command wrote. The application must not turn that into "SIRET
already registered (member <the id it just created>)"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.membership.application import MembershipApplication
from services.membership.domain.errors import SiretAlreadyRegistered
from shared.database import DatabaseAddress
from shared.eventstore import IntegrityError
from shared.personal import PersonalDetails

SIRET = "73282932000074"


class SaveRetriedAfterItLanded(MembershipApplication):
    """Saves each batch of events twice, as the library's retry does when the connection drops after
    the commit but before its answer: the second insert fails on the real rows of the first."""

    name = MembershipApplication.name  # the library names an application after its class otherwise

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        events = [event for obj in objs if obj is not None for event in obj.collect_events()]
        super().save(*events, **kwargs)
        return super().save(*events, **kwargs)


def register(app: MembershipApplication, name: str = "AI du Relais") -> Any:
    return app.register_member(
        name=name,
        siret=SIRET,
        forms=("AI",),
        region="NPC",
        joined_on=date(2010, 3, 1),
        contact=PersonalDetails(name="Claire Martin", email="contact@relais.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    )


def test_a_registration_whose_retry_meets_its_own_rows_is_not_called_a_duplicate(database: DatabaseAddress) -> None:
    MembershipApplication(database).establish_regions()
    app = SaveRetriedAfterItLanded(database)
    with pytest.raises(IntegrityError) as raised:
        register(app)
    assert not isinstance(raised.value, SiretAlreadyRegistered)
    # It did land, once: the SIRET is held by the member that registration created.
    holder = app.member_with_siret(SIRET)
    assert holder is not None and app.member(holder).name == "AI du Relais"


def test_another_members_siret_is_still_a_duplicate(database: DatabaseAddress) -> None:
    app = MembershipApplication(database)
    app.establish_regions()
    first = register(app)
    with pytest.raises(SiretAlreadyRegistered) as refused:
        register(app, name="Un autre")
    assert refused.value.details["member_id"] == first.id
