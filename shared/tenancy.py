"""What a principal may read, as the settings that row-level security checks.

Reads run on a pool that logs in as the unprivileged `coorace_reader` role (row-level security
does not apply to superusers or table owners). A new connection has no `coorace.scope` setting and
sees no rows at all. `scoped_connection` sets `coorace.scope`, `coorace.region` (the region and the
regions it succeeds, comma-separated) and `coorace.tenants` on the connection it leases out, unless
that connection already holds exactly that scope: each `ReaderConnection` remembers the scope it
last set, so a read costs no extra round trip when the same scope comes back, and the pool skips
its `RESET ALL` on release (settings are always overwritten before a read in another scope).

A regional role's scope is its region and the regions it succeeds (renamed, merged or split into
it): `read_scope` folds that lineage from the region list's published events in membership's log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import asyncpg
import msgspec

from shared.auth import MEMBER_ROLES, REGIONAL_ROLES, Principal, Role
from shared.contracts.membership import (
    REGION_EVENT_PREFIX,
    REGION_REGISTRY_ID,
    RegionLineage,
    decode_region_event,
    lineage_after,
)
from shared.projection import decode_foreign

# Membership's log, where the region list's events are (read by the list's id: a primary-key read).
_MEMBERSHIP_LOG = "membership.membership_events"


class ReadScope(msgspec.Struct, frozen=True):
    kind: str  # "network", "region", "tenant" or "none"
    region: str = ""
    tenants: tuple[str, ...] = ()
    # The regions `region` succeeds (renamed, merged or split into it): its readers read their past.
    predecessors: tuple[str, ...] = ()

    @classmethod
    def network(cls) -> ReadScope:
        return cls("network")

    @classmethod
    def of_region(cls, region: str, predecessors: Iterable[str] = ()) -> ReadScope:
        return cls("region", region=region, predecessors=tuple(predecessors))

    @classmethod
    def of_tenants(cls, tenants: Iterable[str]) -> ReadScope:
        return cls("tenant", tenants=tuple(tenants))

    def __post_init__(self) -> None:
        # Row-level security splits `coorace.tenants` on commas: a tenant holding one would widen
        # the scope to members it never named. Tokens and grants only carry member ids; this is the
        # last line of defence, whoever builds the scope.
        if any(not tenant or "," in tenant for tenant in self.tenants):
            raise ValueError(f"a read scope names tenants by member id, without commas: {self.tenants!r}")
        # `coorace.region` is split on commas too.
        if any("," in region for region in (self.region, *self.predecessors)):
            raise ValueError(f"a read scope names regions by code, without commas: {self.regions!r}")

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions whose rows the scope reads: its region and those it succeeds."""
        return (self.region, *self.predecessors) if self.kind == "region" else ()

    def reads_region(self, region: str | None) -> bool:
        """Whether the scope reads a region's rows (network: every region)."""
        return self.kind == "network" or (self.kind == "region" and region in self.regions)

    def allows_tenant(self, tenant: str, region: str | None) -> bool:
        return (
            self.kind == "network"
            or (self.kind == "region" and region in self.regions)
            or (self.kind == "tenant" and tenant in self.tenants)
        )


def scope_of(
    principal: Principal, granted_tenants: Iterable[str] = (), lineage: RegionLineage | None = None
) -> ReadScope:
    """The widest scope the principal's roles give (auditors: only what a grant names); a regional
    role reads its region and, with the regions' `lineage`, the regions it succeeds."""
    if principal.has(Role.NATIONAL_STAFF):
        return ReadScope.network()
    if principal.roles & REGIONAL_ROLES and principal.region:
        predecessors = lineage.predecessors(principal.region) if lineage else ()
        return ReadScope.of_region(principal.region, predecessors)
    tenants = set(granted_tenants)
    if principal.roles & MEMBER_ROLES and principal.tenant:
        tenants.add(principal.tenant)
    return ReadScope.of_tenants(sorted(tenants)) if tenants else ReadScope("none")


async def read_scope(
    log_pool: asyncpg.Pool | None, principal: Principal, granted_tenants: Iterable[str] = ()
) -> ReadScope:
    """`scope_of` with the regions' lineage as recorded now, for a regional role (`log_pool`: a pool
    that may read membership's log, the platform's write pool)."""
    if principal.has(Role.NATIONAL_STAFF) or not (principal.roles & REGIONAL_ROLES and principal.region):
        return scope_of(principal, granted_tenants)
    if log_pool is None:
        raise RuntimeError("the platform is not started")
    return scope_of(principal, granted_tenants, await region_lineage(log_pool))


async def region_lineage(log_pool: asyncpg.Pool) -> RegionLineage:
    """The regions' lineage, folded from the region list's events in membership's log.

    Read each time (a handful of rows by primary key): a region's readers gain its predecessors'
    past as soon as the change is recorded, with no cache to go stale. A database without
    membership's log (or without a region list yet) has no lineage."""
    try:
        rows = await log_pool.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state FROM {_MEMBERSHIP_LOG} "
            "WHERE originator_id = $1 "
            "ORDER BY originator_version",
            REGION_REGISTRY_ID,
        )
    except asyncpg.UndefinedTableError:
        return RegionLineage()
    lineage = RegionLineage()
    for row in rows:
        event = decode_foreign(row).event
        if event.name.startswith(REGION_EVENT_PREFIX):
            published = decode_region_event(event.name, event.originator_version, event.timestamp, event.state)
            lineage = lineage_after(lineage, published)
    return lineage


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
                ",".join(scope.regions),
                ",".join(scope.tenants),
            )
            conn.remember_scope(scope)
        yield conn
