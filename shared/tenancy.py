"""What a principal may read, as the settings that row-level security checks.

Reads run on a pool that logs in as the unprivileged `coorace_reader` role (row-level security
does not apply to superusers or table owners). Each read first sets `coorace.scope`,
`coorace.region` and `coorace.tenants` on its connection; the pool's reset on release (`RESET ALL`)
clears them, so a connection that skips this step sees no rows at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import asyncpg
import msgspec

from shared.auth import MEMBER_ROLES, REGIONAL_ROLES, Principal, Role


class ReadScope(msgspec.Struct, frozen=True):
    kind: str  # "network", "region", "tenant" or "none"
    region: str = ""
    tenants: tuple[str, ...] = ()

    @classmethod
    def network(cls) -> ReadScope:
        return cls("network")

    @classmethod
    def of_region(cls, region: str) -> ReadScope:
        return cls("region", region=region)

    @classmethod
    def of_tenants(cls, tenants: Iterable[str]) -> ReadScope:
        return cls("tenant", tenants=tuple(tenants))

    def allows_tenant(self, tenant: str, region: str | None) -> bool:
        return (
            self.kind == "network"
            or (self.kind == "region" and region == self.region)
            or (self.kind == "tenant" and tenant in self.tenants)
        )


def scope_of(principal: Principal, granted_tenants: Iterable[str] = ()) -> ReadScope:
    """The widest scope the principal's roles give (auditors: only what a grant names)."""
    if principal.has(Role.NATIONAL_STAFF):
        return ReadScope.network()
    if principal.roles & REGIONAL_ROLES and principal.region:
        return ReadScope.of_region(principal.region)
    tenants = set(granted_tenants)
    if principal.roles & MEMBER_ROLES and principal.tenant:
        tenants.add(principal.tenant)
    return ReadScope.of_tenants(sorted(tenants)) if tenants else ReadScope("none")


@asynccontextmanager
async def scoped_connection(pool: asyncpg.Pool, scope: ReadScope) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as conn:
        await conn.execute(
            "SELECT set_config('coorace.scope', $1, false), set_config('coorace.region', $2, false), "
            "set_config('coorace.tenants', $3, false)",
            scope.kind,
            scope.region,
            ",".join(scope.tenants),
        )
        yield conn
