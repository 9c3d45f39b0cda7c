"""Who may read which assessment, worked out once per request.

Row-level security scopes every read by tenant (and region); le Cap adds finer rules on top:
- a member's team sees its own tenant's assessments;
- a regional delegate or trainer sees the assessments of the members *now* in their region (from
  the member directory), and those they were asked to review;
- a peer reviewer sees the assessments its member was asked to review, and nothing else of that
  member;
- an auditor sees only what an access grant names (one assessment, or one member), for the
  grant's period; each read under a grant is recorded;
- national staff see everything.
The read scope given to PostgreSQL is the set of tenants these rules allow; the assessment-level
rules (a review, a grant naming one assessment) are checked on the rows that come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

from shared.auth import MEMBER_ROLES, REGIONAL_ROLES, Principal, Role
from shared.tenancy import ReadScope, scoped_connection


@dataclass(frozen=True)
class Access:
    principal: Principal
    network: bool = False
    tenants: frozenset[str] = frozenset()  # whole tenants readable
    assessments: dict[str, str] = field(default_factory=dict)  # single assessments readable: id → tenant
    grants_by_tenant: dict[str, str] = field(default_factory=dict)  # tenant → grant id (auditors)
    grants_by_assessment: dict[str, str] = field(default_factory=dict)  # assessment → grant id (auditors)

    @property
    def scope(self) -> ReadScope:
        if self.network:
            return ReadScope.network()
        tenants = self.tenants | set(self.assessments.values())
        return ReadScope.of_tenants(sorted(tenants)) if tenants else ReadScope("none")

    def sees_tenant(self, tenant_id: str) -> bool:
        """The whole tenant: its overview and all its assessments."""
        return self.network or tenant_id in self.tenants

    def sees_assessment(self, assessment_id: str, tenant_id: str) -> bool:
        return self.sees_tenant(tenant_id) or self.assessments.get(assessment_id) == tenant_id

    def audit_grant(self, tenant_id: str, assessment_id: str | None) -> str | None:
        """The grant a read goes through when only a grant allows it (then the read is recorded)."""
        if self.network or (tenant_id in self.tenants and tenant_id not in self.grants_by_tenant):
            return None
        if assessment_id is not None and assessment_id in self.grants_by_assessment:
            return self.grants_by_assessment[assessment_id]
        return self.grants_by_tenant.get(tenant_id)


async def access_of(read_pool: asyncpg.Pool, principal: Principal, *, at: datetime | None = None) -> Access:
    if principal.has(Role.NATIONAL_STAFF):
        return Access(principal, network=True)
    tenants: set[str] = set()
    assessments: dict[str, str] = {}
    grants_by_tenant: dict[str, str] = {}
    grants_by_assessment: dict[str, str] = {}
    if principal.roles & MEMBER_ROLES and principal.tenant:
        tenants.add(principal.tenant)
    # Assignments and grants name the caller: looked up across the network on purpose, filtered
    # on the caller's own identity.
    async with scoped_connection(read_pool, ReadScope.network()) as conn:
        if principal.roles & REGIONAL_ROLES or principal.has(Role.PEER_REVIEWER):
            for r in await conn.fetch(
                "SELECT assessment_id, tenant_id FROM assessment.review_requests "
                "WHERE (kind = 'third_party' AND reviewer_id = $1) OR (kind = 'peer' AND reviewer_tenant = $2)",
                principal.subject,
                principal.tenant if principal.has(Role.PEER_REVIEWER) else None,
            ):
                assessments[r["assessment_id"]] = r["tenant_id"]
        if principal.has(Role.AUDITOR):
            moment = at or datetime.now(UTC)
            for r in await conn.fetch(
                "SELECT grant_id, tenant_id, assessment_id FROM assessment.access_grants "
                "WHERE auditor_id = $1 AND NOT revoked AND valid_from <= $2 AND valid_until > $2 "
                "ORDER BY granted_at, grant_id",
                principal.subject,
                moment,
            ):
                if r["assessment_id"] is None:
                    tenants.add(r["tenant_id"])
                    grants_by_tenant.setdefault(r["tenant_id"], r["grant_id"])
                else:
                    assessments[r["assessment_id"]] = r["tenant_id"]
                    grants_by_assessment.setdefault(r["assessment_id"], r["grant_id"])
    if principal.roles & REGIONAL_ROLES and principal.region:
        async with scoped_connection(read_pool, ReadScope.of_region(principal.region)) as conn:
            tenants.update(
                r["tenant_id"]
                for r in await conn.fetch(
                    "SELECT tenant_id FROM assessment.member_directory WHERE region = $1", principal.region
                )
            )
    return Access(
        principal,
        tenants=frozenset(tenants),
        assessments=assessments,
        grants_by_tenant=grants_by_tenant,
        grants_by_assessment=grants_by_assessment,
    )
