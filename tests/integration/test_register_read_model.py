"""The register read model: collective certificates at risk, and the register as of a date."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.membership.domain.member import Certification
from services.membership.register_as_of import network_figures_as_of, register_as_of
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from tests.integration.membership_helpers import membership, register
from tests.integration.test_projection_runner import catch_up_everything

GROUP_CERTIFICATE = Certification(
    scheme="CEDRE_ISO_9001",
    scope="collective",
    obtained_on=date(2014, 6, 1),
    expires_on=date(2017, 6, 1),
    group_id="ISO-COLL-BRE",
)


async def test_when_one_holder_loses_a_collective_certificate_the_others_are_shown_at_risk(
    platform: Platform,
) -> None:
    app = membership(platform)
    holders = [UUID(register(app, region="BRE").id) for _ in range(3)]
    for member_id in holders:
        app.certify(member_id, certification=GROUP_CERTIFICATE)
    app.lose_certification(holders[0], effective_on=date(2015, 9, 1), reason="audit de suivi")
    await catch_up_everything(platform)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = {r["member_id"]: r for r in await conn.fetch("SELECT * FROM membership.members")}
        dashboard = await conn.fetchrow("SELECT * FROM membership.region_dashboard WHERE region = 'BRE'")
    assert rows[str(holders[0])]["certification"] is None
    assert [rows[str(m)]["certificate_at_risk"] for m in holders[1:]] == [True, True]
    assert dashboard["certificates_at_risk"] == 2
    assert dashboard["certified"] == {"CEDRE_ISO_9001": 2}


async def test_the_register_as_of_a_date_counts_only_members_in_force_then(platform: Platform) -> None:
    app = membership(platform)
    staying = UUID(register(app, region="BRE").id)
    leaving = UUID(register(app, region="NPC").id)
    app.resign(leaving, effective_on=date(2015, 12, 31), reason="dissolution")
    app.move_to_region(staying, region="PAC", effective_on=date(2016, 3, 1), reason="transfert")
    end_of_2015 = register_as_of(app, date(2015, 12, 31), None)
    mid_2016 = register_as_of(app, date(2016, 6, 30), None)
    assert {r["member_id"]: r["status"] for r in end_of_2015} == {str(staying): "active", str(leaving): "resigned"}
    assert network_figures_as_of(end_of_2015)["members_per_region"] == {"BRE": 1}
    assert network_figures_as_of(mid_2016)["members_per_region"] == {"PAC": 1}
