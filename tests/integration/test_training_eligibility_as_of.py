"""Eligibility as of the call's closing date: the register's facts (membership of the network, status,
Accord Groupe) as they stood on that day, from the members' published history the training service
keeps beside its copy of the register — not as they stand today."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.helpers.membership_application import membership
from tests.helpers.siret import valid_siret
from tests.helpers.training_application import catch_up_all, content, given_members, member, staff, terms, training_app

OPENS, CLOSES = date(2012, 1, 16), date(2012, 3, 31)


def check_of(platform: Platform, call_id: UUID, lead: str) -> tuple[str, dict[str, tuple[bool, str, str]], object]:
    """Draft and submit in 2012: the eligibility, its checks by code (passed, expected, observed),
    and the check's event."""
    app = training_app(platform)
    with member(lead):
        draft = app.draft_application(call_id, lead_id=lead, content=content(lead), on=date(2012, 3, 1))
        app.submit(UUID(draft.id), acting_for=lead, on=date(2012, 3, 1))
    application = app.funding_application(UUID(draft.id))
    *_, checked = app.events.get(UUID(draft.id))
    checks = {c.code.split(":")[0]: (c.passed, c.expected, c.observed) for c in application.checks}
    return application.eligibility, checks, checked


async def test_the_register_is_read_as_it_stood_at_the_call_s_closing_date(platform: Platform) -> None:
    register = membership(platform)
    in_accord, joined_accord_later, resigned_since = given_members(platform, 3, accord=False)
    register.join_accord_groupe(UUID(in_accord), effective_on=date(2011, 6, 1))
    register.join_accord_groupe(UUID(joined_accord_later), effective_on=date(2013, 6, 1))
    register.join_accord_groupe(UUID(resigned_since), effective_on=date(2011, 6, 1))
    register.resign(UUID(resigned_since), effective_on=date(2014, 1, 1), reason="Cessation d'activité")
    joined_network_later = register.register_member(
        name="Entreprise d'insertion arrivée en 2013",
        siret=valid_siret(99_001),
        forms=("EI",),
        region="BRE",
        joined_on=date(2013, 1, 1),
        contact=PersonalDetails(name="Contact", email="contact@ei.fr", phone="+33 1 00 00 00 00"),
        city="Brest",
    ).id
    register.join_accord_groupe(UUID(joined_network_later), effective_on=date(2013, 1, 1))
    await catch_up_all(platform)
    with staff():
        call_id = UUID(
            training_app(platform).open_call(year=2012, terms=terms(opens_on=OPENS, closes_on=CLOSES), on=OPENS).id
        )

    eligibility, checks, checked = check_of(platform, call_id, in_accord)
    assert eligibility == "eligible", checks
    assert checked.facts_on == CLOSES and checks["accord_groupe"][1] == "membre de l'Accord Groupe au 31/03/2012"

    # In the Accord Groupe today, not on the closing date: ineligible.
    eligibility, checks, _ = check_of(platform, call_id, joined_accord_later)
    assert eligibility == "ineligible" and checks["accord_groupe"] == (
        False,
        "membre de l'Accord Groupe au 31/03/2012",
        "non membre",
    )

    # Resigned since: judged by its status then (active, in the Accord Groupe).
    eligibility, checks, checked = check_of(platform, call_id, resigned_since)
    assert eligibility == "eligible", checks
    assert [f.status for f in checked.facts] == ["active"]

    # Not a member of the network on the closing date: ineligible, and the check says why.
    eligibility, checks, _ = check_of(platform, call_id, joined_network_later)
    assert eligibility == "ineligible"
    assert checks["active"] == (False, "statut actif au 31/03/2012", "pas encore adhérent au 31/03/2012")
