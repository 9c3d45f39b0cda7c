"""`coorace demo seed` for the directory: one account per role, signed in with a known password,
so that a newcomer can sign in at once (`coorace serve --demo` prints them).

The member's people work for le Cap's demo member (the member whose assessments the le Cap demo
tells first: in the region and form with the most members, the first by name), and the regional
people for its region. Runs after the register's seed and before le Cap's and training's (they
depend on the people service: their commands name people of the directory, see `people_for.py`).
Idempotent: an address already in the directory is skipped.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg

from services.people import credentials
from services.people.application import PeopleApplication
from shared.auth import Principal, Role
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import init_connection
from shared.projection import catch_up, ensure_live_generation

if TYPE_CHECKING:
    from shared.platform import Platform
    from shared.service import Progress

DEMO_PASSWORD = "coorace-demo-2026"
SEEDER = Principal(subject="demo-seed", roles=frozenset({Role.NATIONAL_STAFF}))


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role


ACCOUNTS = (
    DemoAccount("admin@demo.coorace.fr", "Claire Martin", Role.MEMBER_ADMIN),
    DemoAccount("contributeur@demo.coorace.fr", "Karim Benali", Role.MEMBER_CONTRIBUTOR),
    DemoAccount("pair@demo.coorace.fr", "Sophie Le Gall", Role.PEER_REVIEWER),
    DemoAccount("delegue@demo.coorace.fr", "Yann Kerouac", Role.REGIONAL_DELEGATE),
    DemoAccount("formatrice@demo.coorace.fr", "Nadia Roussel", Role.TRAINER),
    DemoAccount("auditrice@demo.coorace.fr", "Hélène Dubois", Role.AUDITOR),
    DemoAccount("fonds@demo.coorace.fr", "Paul Girard", Role.FUND_REVIEWER),
    DemoAccount("national@demo.coorace.fr", "Anne Lefèvre", Role.NATIONAL_STAFF),
    # A second national staff member: decisions that need four eyes have someone to ask.
    DemoAccount("national2@demo.coorace.fr", "Marc Petit", Role.NATIONAL_STAFF),
)


@dataclass(frozen=True)
class DemoMember:
    member_id: str
    name: str
    region: str


def seed_people_demo(platform: Platform, progress: Progress) -> None:
    app = platform.application("people")
    if not isinstance(app, PeopleApplication):
        raise TypeError(f"the people service runs {type(app).__name__}, not PeopleApplication")
    member = asyncio.run(demo_member(platform))
    seeded = []
    with command_context(
        actor_id=SEEDER.subject, actor_role="national_staff", tenant_id=None, correlation_id="demo-seed-people"
    ):
        for done, account in enumerate(ACCOUNTS, start=1):
            if app.person_with_email(account.email) is None and (member or account.role not in _NEEDS_MEMBER):
                tenant = member.member_id if member and account.role in _NEEDS_MEMBER else None
                region = member.region if member and account.role in _NEEDS_REGION else None
                if account.role in _NEEDS_REGION and region is None:
                    continue
                result = app.invite(
                    SEEDER,
                    details=PersonalDetails(name=account.name, email=account.email),
                    role=account.role.value,
                    tenant=tenant,
                    region=region,
                )
                person = app.person(UUID(result.id))
                app.activate(person.id)
                seeded.append(person.id)
            progress("people: demo accounts", done, len(ACCOUNTS))
    if seeded:
        asyncio.run(_set_passwords(platform, seeded))


_NEEDS_MEMBER = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR, Role.PEER_REVIEWER})
_NEEDS_REGION = frozenset({Role.REGIONAL_DELEGATE, Role.TRAINER})


async def _set_passwords(platform: Platform, person_ids: list[UUID]) -> None:
    conn = await asyncpg.connect(platform.database.url())
    try:
        now = datetime.now(UTC)
        for person_id in person_ids:
            await credentials.set_password(conn, person_id, DEMO_PASSWORD, now)
    finally:
        await conn.close()


async def demo_member(platform: Platform) -> DemoMember | None:
    """le Cap's first demo member (see the module's docstring), read from le Cap's member directory
    caught up with the register's log first (the people seed runs before le Cap's, whose commands
    name people of the directory), or None when there is none (no register seeded, no le Cap)."""
    if "assessment" not in platform.services:
        return None
    store, projection = platform.projection("assessment", "member_directory")
    conn = await asyncpg.connect(platform.database.url())
    try:
        await init_connection(conn)
        generation = await ensure_live_generation(conn, store, projection)
        await catch_up(conn, store, projection, generation)
        rows = await conn.fetch(
            "SELECT member_id, name, region, forms FROM assessment.member_directory WHERE status = 'active'"
        )
    finally:
        await conn.close()
    if not rows:
        return None
    region, form = Counter((r["region"], r["forms"][0]) for r in rows).most_common(1)[0][0]
    first = min((r for r in rows if (r["region"], r["forms"][0]) == (region, form)), key=lambda r: r["name"])
    return DemoMember(member_id=first["member_id"], name=first["name"], region=first["region"])
