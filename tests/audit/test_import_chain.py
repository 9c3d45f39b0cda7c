"""A past call imported in one transaction: its applications' events go to their lead's chain."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from services.training.importing import import_past_call, read_past_call
from services.training.importing.layout import write_records
from shared.audit_chain import platform_logs, verify
from tests.helpers.api import Api
from tests.helpers.audit import chain_again
from tests.helpers.training_api import given_members, platform_of
from tests.helpers.training_application import training_app
from tests.helpers.training_import import past_call


async def test_an_imported_past_call_is_chained_by_lead_applicant(api: Api, tmp_path: Path) -> None:
    lead, partner, other = await given_members(api, 3)
    path = tmp_path / "appel-2012.xlsx"
    write_records(path, past_call(lead, partner, other))
    report = import_past_call(training_app(platform_of(api)), read_past_call(path))
    assert report.refusals == [] and report.written > 0

    platform = platform_of(api)
    chained = next(c for c in platform_logs(platform) if c.service == "training")
    conn = await asyncpg.connect(platform.database.url())  # the app's pools live in the client's loop
    try:
        whole = await verify(conn, chained)
        tenants = {r["tenant"] for r in await conn.fetch(f"SELECT DISTINCT tenant FROM {chained.chain}")}
        lead_report = await verify(conn, chained, tenant=lead)
        # The backfill of a log from before the chain finds the same tenants (replaying applications).
        written, backfilled = await chain_again(conn, chained, type(training_app(platform)))
    finally:
        await conn.close()
    assert whole.intact, whole.first_bad
    assert lead in tenants and "" in tenants  # the lead's applications, and the call itself
    assert lead_report.intact and lead_report.events_checked > 0
    assert backfilled == written
