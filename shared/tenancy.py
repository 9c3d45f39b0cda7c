"""What a principal may read, as the settings that row-level security checks.

Reads run on a pool that logs in as the unprivileged `coorace_reader` role (row-level security
does not apply to superusers or table owners). A new connection has no `coorace.scope` setting and
sees no rows at all. `scoped_connection` sets `coorace.scope`, `coorace.region` and
`coorace.tenants` on the connection it leases out, unless that connection already holds exactly
that scope: each `ReaderConnection` remembers the scope it last set, so a read costs no extra round
trip when the same scope comes back, and the pool skips its `RESET ALL` on release (settings are
always overwritten before a read in another scope).
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

    def __post_init__(self) -> None:
        # Row-level security splits `coorace.tenants` on commas: a tenant holding one would widen
        # the scope to members it never named. Tokens and grants only carry member ids; this is the
        # last line of defence, whoever builds the scope.
        if any(not tenant or "," in tenant for tenant in self.tenants):
            raise ValueError(f"a read scope names tenants by member id, without commas: {self.tenants!r}")

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


class ReaderConnection(asyncpg.Connection):
    """A read-pool connection that knows which scope its settings hold."""

    _scope: ReadScope | None = None

    def get_reset_query(self) -> str:
        # The pool's default reset (RESET ALL, ...) would cost a round trip per read and clear the
        # scope that the next read most likely wants again; open transactions are still rolled back.
        return ""

    def holds_scope(self, scope: ReadScope) -> bool:
        return self._scope == scope

    def remember_scope(self, scope: ReadScope | None) -> None:
        self._scope = scope


@asynccontextmanager
async def scoped_connection(pool: asyncpg.Pool, scope: ReadScope) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as conn:
        if not conn.holds_scope(scope):
            conn.remember_scope(None)  # unknown until the settings are in place
            await conn.execute(
                "SELECT set_config('coorace.scope', $1, false), set_config('coorace.region', $2, false), "
                "set_config('coorace.tenants', $3, false)",
                scope.kind,
                scope.region,
                ",".join(scope.tenants),
            )
            conn.remember_scope(scope)
        yield conn
