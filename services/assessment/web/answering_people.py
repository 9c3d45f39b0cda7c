"""The directory's people the le Cap pages name and offer: the member's own people (participants),
the region's delegates and trainers, and other members' peer reviewers (reviews).

Read from the people service's read model (`people.directory`) on scoped connections. The member's
own people are read in the caller's scope. The reviewers offered belong to no scope a member's team
reads (a region's people, other members' people), so they are read in the narrowest scope that
holds them (the member's region; the network for peers), and only their id, name and role (or
member) leave the query: what a choice needs, no e-mail, no phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.application.people import PARTICIPANT_ROLES, THIRD_PARTY_ROLES
from shared.auth import Role
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


@dataclass(frozen=True)
class Someone:
    person_id: str
    name: str
    role: str
    tenant: str | None = None


async def member_people(platform: Platform, scope: ReadScope, tenant: str) -> list[Someone]:
    """The member's people (active or invited: the directory has a name for both), by name."""
    async with scoped_connection(platform.read_pool, scope) as conn:
        rows = await conn.fetch(
            "SELECT person_id, name, role, status FROM people.directory WHERE tenant_id = $1 ORDER BY name, person_id",
            tenant,
        )
    return [Someone(r["person_id"], r["name"], r["role"], tenant) for r in rows if r["status"] != "deactivated"]


def may_participate(person: Someone) -> bool:
    return person.role in {r.value for r in PARTICIPANT_ROLES}


async def region_reviewers(platform: Platform, region: str) -> list[Someone]:
    """The region's active delegates and trainers, by name."""
    async with scoped_connection(platform.read_pool, ReadScope.of_region(region)) as conn:
        rows = await conn.fetch(
            "SELECT person_id, name, role FROM people.directory "
            "WHERE region = $1 AND status = 'active' AND role = ANY($2::text[]) ORDER BY name, person_id",
            region,
            [r.value for r in THIRD_PARTY_ROLES],
        )
    return [Someone(r["person_id"], r["name"], r["role"]) for r in rows]


async def peer_reviewers(platform: Platform, tenant: str) -> list[Someone]:
    """Other members' active peer reviewers, by name (the API also takes a member's admin)."""
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = await conn.fetch(
            "SELECT person_id, name, role, tenant_id FROM people.directory "
            "WHERE tenant_id NOT IN ('', $1) AND status = 'active' AND role = ANY($2::text[]) "
            "ORDER BY name, person_id LIMIT 200",
            tenant,
            [Role.PEER_REVIEWER.value],
        )
    return [Someone(r["person_id"], r["name"], r["role"], r["tenant_id"]) for r in rows]
