"""The Fonds Mutualisés Solidaires' notification: a decision tells the applicant (the lead member's
administrators) only once a second staff member approved it; a decision sent back tells no one."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from shared.platform import Platform
from tests.helpers.training_application import (
    TODAY,
    catch_up_all,
    given_members,
    open_call,
    scored,
    staff,
    submitted,
    training_app,
)
from tests.notifications.helpers import deliver, outbox, person, replay, sent_events


def decided(platform: Platform, application_id: UUID, *, approve: bool, amount: str = "3000.00") -> None:
    app = training_app(platform)
    with staff("staff-1"):
        app.decide_award(application_id, amount=Decimal(amount), reason="Projet retenu", by="staff-1", on=TODAY)
    with staff("staff-2"):
        app.review_decision(application_id, approve=approve, comment="À revoir", by="staff-2", on=TODAY)


async def test_a_decision_sent_back_mails_no_one_and_the_approved_one_mails_the_applicant_only(
    platform: Platform,
) -> None:
    lead, partner = given_members(platform, 2)
    await catch_up_all(platform)  # the training service's copy of the register
    admins = [person(platform, "member_admin", tenant=lead, name=n) for n in ("Alice Martin", "Bruno Petit")]
    person(platform, "member_contributor", tenant=lead)
    person(platform, "member_admin", tenant=partner)
    call = open_call(platform, title="Appel 2015")
    application = submitted(platform, call, lead, partners=(partner,))
    scored(platform, application)

    decided(platform, application, approve=False)
    await deliver(platform)
    assert await outbox(platform) == []

    decided(platform, application, approve=True, amount="2500.00")
    await deliver(platform)
    await replay(platform, "training", "notifying")
    await deliver(platform)

    mails = await outbox(platform)
    assert len(mails) == 2 and {m["kind"] for m in mails} == {"decision_approved"}
    assert {m["recipient"].split("-")[1] for m in mails} == {"member_admin@exemple.fr"}
    assert sorted(m["body"].split(",")[0] for m in mails) == ["Bonjour Alice Martin", "Bonjour Bruno Petit"]
    body = mails[0]["body"]
    assert "Votre candidature à l'appel « Appel 2015 » est retenue" in body and "2\u202f500,00\xa0€" in body
    assert f"/fms/candidatures/{application}" in body
    assert mails[0]["subject"] == "Décision sur votre candidature à « Appel 2015 »"
    assert len(await sent_events(platform)) == len(admins)
