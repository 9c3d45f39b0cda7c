"""The register's service layer in memory (the library's POPO persistence, no database): the rules
that hold across aggregates — one member per establishment, the region changes that move members in
the same save as the region list — and what happens to a command that loses a race."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from services.membership.application import MembershipApplication
from services.membership.domain.errors import MemberNotFound, MemberRefused, RegionClosed, SiretAlreadyRegistered
from services.membership.domain.member import Member
from shared.errors import VersionMismatch
from shared.eventstore import IntegrityError
from shared.personal import PersonalDetails
from tests.helpers.in_memory import in_memory
from tests.helpers.siret import valid_siret

JOINED = date(2012, 5, 1)
REFORM = date(2016, 1, 1)


class RacedMembership(MembershipApplication):
    """The register's application where a rival command can land between a region change's loading
    of a member and its save, as when two requests run at once."""

    name = "membership"
    rival: Callable[[], Any] | None = None

    def member(self, member_id: UUID) -> Member:
        loaded = super().member(member_id)
        rival, self.rival = self.rival, None
        if rival is not None:
            rival()  # saved after the loading: this copy of the member is now stale
        return loaded


@pytest.fixture
def app() -> RacedMembership:
    app = in_memory(RacedMembership)
    app.establish_regions()
    return app


def registered(app: MembershipApplication, n: int, region: str = "NPC", siret: str | None = None) -> UUID:
    result = app.register_member(
        name=f"Association intermédiaire n°{n}",
        siret=siret or valid_siret(50_000 + n),
        forms=("AI",),
        region=region,
        joined_on=JOINED,
        contact=PersonalDetails(name=f"Contact {n}", email=f"contact{n}@ai.fr", phone="+33 3 20 00 00 00"),
        city="Lille",
    )
    return UUID(result.id)


def test_an_establishment_is_registered_once_whatever_the_spaces_in_its_siret(app: RacedMembership) -> None:
    siret = valid_siret(77)
    first = registered(app, 1, siret=siret)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    with pytest.raises(SiretAlreadyRegistered) as refused:
        registered(app, 2, siret=spaced)
    assert str(first) in str(refused.value)
    assert app.member_with_siret(siret) == first


def test_a_change_on_an_unknown_member_is_not_found_and_a_stale_version_is_refused(app: RacedMembership) -> None:
    with pytest.raises(MemberNotFound):
        app.resign(UUID(int=1), effective_on=date(2020, 1, 1), reason="fin d'activité")
    member_id = registered(app, 3)
    with pytest.raises(VersionMismatch):
        app.resign(member_id, effective_on=date(2020, 1, 1), reason="fin d'activité", expected_version=7)
    assert app.member(member_id).status == "active"


def test_a_rename_under_a_new_code_moves_every_member_in_the_same_save(app: RacedMembership) -> None:
    npc = [registered(app, n) for n in (10, 11)]
    elsewhere = registered(app, 12, region="BRE")
    app.rename_region(code="NPC", new_code="HDF", new_name="Hauts-de-France", effective_on=REFORM)
    assert [app.member(m).region for m in npc] == ["HDF", "HDF"]
    assert app.member(elsewhere).region == "BRE"
    with pytest.raises(RegionClosed) as refused:  # a later joiner is judged by the regions of its date
        app.register_member(
            name="Entreprise d'insertion tardive",
            siret=valid_siret(99),
            forms=("EI",),
            region="NPC",
            joined_on=date(2017, 3, 1),
            contact=PersonalDetails(name="Contact", email="contact@ei.fr", phone="+33 3 20 00 00 01"),
            city="Lille",
        )
    assert "HDF" in str(refused.value) and "01/01/2016" in str(refused.value)


def test_a_merger_that_races_a_members_change_writes_nothing(app: RacedMembership) -> None:
    member_id = registered(app, 20, region="PCH")
    registry_version = app.regions().version
    app.rival = lambda: app.change_forms(
        member_id, forms=("AI", "ACI"), effective_on=date(2015, 6, 1), reason="nouvel ACI"
    )
    with pytest.raises(IntegrityError):
        app.merge_regions(merged=("NPC", "PCH"), new_code="HDF", new_name="Hauts-de-France", effective_on=REFORM)
    assert app.regions().version == registry_version  # the region list did not change either
    member = app.member(member_id)
    assert member.region == "PCH" and member.forms == ("AI", "ACI")


def test_a_split_must_send_every_member_somewhere_and_writes_nothing_otherwise(app: RacedMembership) -> None:
    first, second = registered(app, 30, region="ACAL"), registered(app, 31, region="ACAL")
    successors = (("ALN", "Alsace du Nord"), ("ALU", "Alsace du Sud"))
    with pytest.raises(MemberRefused) as refused:
        app.split_region(code="ACAL", successors=successors, assignments={first: "ALN"}, effective_on=REFORM)
    assert refused.value.details["field"] == "assignments" and str(second) in str(refused.value)
    assert app.member(second).region == "ACAL" and app.regions().is_open("ACAL", date(2017, 1, 1))
    app.split_region(code="ACAL", successors=successors, assignments={first: "ALN", second: "ALU"}, effective_on=REFORM)
    assert (app.member(first).region, app.member(second).region) == ("ALN", "ALU")
