"""Concurrent writers keep every chain intact; the migration chains a log that predates the chain."""

from __future__ import annotations

import random
import threading

from eventsourcing.domain import Aggregate, event

from shared.audit_chain import backfill, verify
from shared.platform import Platform
from tests.helpers.audit import chain_again, log_of
from tests.helpers.membership_application import membership, register


class Ledger(Aggregate):
    """A test aggregate belonging to one tenant's chain (or the network's, for "")."""

    @event("Opened")
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant

    @event("Noted")
    def note(self, text: str) -> None:
        pass

    @property
    def chain_tenant(self) -> str:
        return self.tenant


async def test_concurrent_writers_to_the_same_and_different_tenants_leave_an_intact_chain(platform: Platform) -> None:
    app = platform.application("membership")
    tenants = ["tenant-a", 'tenant "b", {\\ b}', ""]  # quotes, commas, braces: array literals must hold
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for i in range(30):
                # One to three aggregates per save, of one or several tenants: one transaction each.
                ledgers = [Ledger(rng.choice(tenants)) for _ in range(rng.randint(1, 3))]
                for ledger in ledgers:
                    ledger.note(f"{seed}-{i}")
                app.save(*ledgers)
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        report = await verify(conn, chained)
        per_tenant = {t: await verify(conn, chained, tenant=t) for t in tenants}
        counts = dict(await conn.fetch(f"SELECT tenant, count(*) FROM {chained.chain} GROUP BY tenant"))
        events = await conn.fetchval(f"SELECT count(*) FROM {chained.events}")
    assert report.intact, report.first_bad
    assert report.events_checked == events == sum(counts.values())
    assert counts[tenants[0]] > 20 and counts[tenants[1]] > 20  # both chains did receive concurrent saves
    for tenant, tenant_report in per_tenant.items():
        assert tenant_report.intact and tenant_report.events_checked == counts[tenant]


async def test_the_migration_chains_an_existing_log_as_the_writer_would_have(platform: Platform) -> None:
    app = membership(platform)
    members = [register(app) for _ in range(3)]
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        written, backfilled = await chain_again(conn, chained, type(app))
        again = await backfill(conn, chained, type(app))
        report = await verify(conn, chained)
    assert backfilled == written  # same tenants, same hashes: the backfill replays what the writer did
    assert {m.id for m in members} <= {tenant for _, tenant, _ in backfilled}
    assert again == 0  # run twice, it does nothing
    assert report.intact and report.events_checked == len(written)
    # New saves chain on top of the backfilled links.
    register(app)
    async with platform._pool().acquire() as conn:
        assert (await verify(conn, chained)).intact
