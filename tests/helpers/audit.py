"""The hash chain in tests: a service's chained log, and a log chained again by its migration."""

from __future__ import annotations

from typing import Any

import asyncpg

from shared.audit_chain import ChainedLog, chain_migrations, platform_logs
from shared.migrations import apply_migrations
from shared.platform import Platform


def log_of(platform: Platform, service: str) -> ChainedLog:
    return next(c for c in platform_logs(platform) if c.service == service)


async def chain_again(conn: asyncpg.Connection, chained: ChainedLog, application_class: type[Any]) -> tuple[list, list]:
    """The links as the writer wrote them, and as the migration writes them for the same log when
    it finds no chain (a deployment from before the chain: no table, no function, no record)."""
    component = f"{chained.schema}.audit_chain"
    written = [tuple(r) for r in await conn.fetch(f"SELECT * FROM {chained.chain} ORDER BY notification_id")]
    await conn.execute(f"DROP TABLE {chained.chain}")
    await conn.execute(f"DROP FUNCTION {chained.schema}.append_event_chain(text[], bigint[], bytea[])")
    await conn.execute("DELETE FROM public.coorace_schema_migrations WHERE component = $1 AND version = 1", component)
    applied = await apply_migrations(
        conn, component, chain_migrations(chained.service, chained.schema, application_class)
    )
    assert applied == [1]
    backfilled = [tuple(r) for r in await conn.fetch(f"SELECT * FROM {chained.chain} ORDER BY notification_id")]
    return written, backfilled
