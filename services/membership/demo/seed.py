"""`coorace demo seed` for membership: the network at 31 December 2015, through the same commands a
user would send. Idempotent: a member whose SIRET is already registered is skipped, so a second run
(or a run after an interruption) only adds what is missing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from services.membership.application import MembershipApplication
from services.membership.demo.network_2015 import DemoMember, network_2015
from services.membership.domain.member import Certification
from shared.events import command_context
from shared.personal import PersonalDetails

if TYPE_CHECKING:
    from shared.platform import Platform
    from shared.service import Progress

DUES_CALLED_ON = date(2015, 1, 15)


def seed_membership_demo(platform: Platform, progress: Progress) -> None:
    app = platform.application("membership")
    if not isinstance(app, MembershipApplication):
        raise TypeError(f"the membership service runs {type(app).__name__}, not MembershipApplication")
    members = network_2015()
    with command_context(
        actor_id="demo-seed", actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-membership"
    ):
        app.establish_regions()
        for done, demo in enumerate(members, start=1):
            if app.member_with_siret(demo.siret) is None:
                _register(app, demo)
            progress("membership: members of the 2015 network", done, len(members))


def _register(app: MembershipApplication, demo: DemoMember) -> None:
    result = app.register_member(
        name=demo.name,
        siret=demo.siret,
        forms=demo.forms,
        region=demo.region,
        joined_on=demo.joined_on,
        contact=PersonalDetails(name=demo.contact_name, email=demo.contact_email, phone=demo.contact_phone),
        city=demo.city,
    )
    member_id = UUID(result.id)
    if demo.certification is not None:
        c = demo.certification
        app.certify(
            member_id,
            certification=Certification(
                scheme=c.scheme, scope=c.scope, obtained_on=c.obtained_on, expires_on=c.expires_on, group_id=c.group_key
            ),
        )
    if demo.accord_groupe_since is not None:
        app.join_accord_groupe(member_id, effective_on=demo.accord_groupe_since)
    app.call_dues(member_id, year=2015, amount=demo.dues_2015_called, effective_on=DUES_CALLED_ON)
    if demo.dues_2015_paid > 0:
        app.pay_dues(member_id, year=2015, amount=demo.dues_2015_paid, effective_on=date(2015, 3, 31))
