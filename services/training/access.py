"""The training service's read-access policy: who may read what, beyond the platform's tenant and region scopes.

- national staff: everything;
- an auditor: the calls national staff granted them (decision files, exports, applications);
- a fund reviewer: only the applications assigned to them;
- members: the applications their enterprise takes part in (lead or partner); regional delegates:
  those of their region's members (both through row-level security).

Reviewers and auditors are given a tenant scope naming the lead enterprises of what they may read
(so that row-level security still applies), narrowed further to the exact applications or calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.training import queries
from shared.auth import Principal, Role
from shared.platform import Platform
from shared.tenancy import ReadScope, read_scope, scope_of, scoped_connection


@dataclass(frozen=True)
class Access:
    principal: Principal
    scope: ReadScope
    application_ids: frozenset[str] | None = None  # a fund reviewer: only these
    call_ids: frozenset[str] | None = None  # an auditor: only these calls
    sees_deliberation: bool = False  # scores, reviewers and decisions before they are notified

    @property
    def is_staff(self) -> bool:
        return self.principal.has(Role.NATIONAL_STAFF)

    @property
    def is_reviewer(self) -> bool:
        return self.application_ids is not None

    def may_read(self, row: dict) -> bool:
        return (self.application_ids is None or row["application_id"] in self.application_ids) and (
            self.call_ids is None or row["call_id"] in self.call_ids
        )


async def access_of(platform: Platform, principal: Principal) -> Access:
    """What the principal may read: the scope of their reads, narrowed for reviewers and auditors."""
    if principal.has(Role.NATIONAL_STAFF):
        return Access(principal, ReadScope.network(), sees_deliberation=True)
    if principal.has(Role.AUDITOR):
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            calls = await queries.granted_calls(conn, principal.subject)
            tenants = await queries.lead_tenants(conn, calls) if calls else []
        return Access(principal, scope_of(principal, tenants), call_ids=frozenset(calls), sees_deliberation=True)
    if principal.has(Role.FUND_REVIEWER):
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            assigned = await queries.assignments_of(conn, principal.subject)
        # A reviewer's own tenant claim names their enterprise: it gives them no member scope here.
        tenants = sorted({a["tenant_id"] for a in assigned})
        scope = ReadScope.of_tenants(tenants) if tenants else ReadScope("none")
        return Access(principal, scope, application_ids=frozenset(a["application_id"] for a in assigned))
    return Access(principal, await read_scope(platform.write_pool, principal))
