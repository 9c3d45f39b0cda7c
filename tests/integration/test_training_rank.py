"""An application's rank among the call's scored ones, counted in the database
(`queries.rank_among_scored`), is the rank `domain.what_if.ranked` gives over the same candidates:
best score first, then the smaller request, then the id (ties on purpose here)."""

from __future__ import annotations

from services.training import queries
from services.training.domain.what_if import Candidate, ranked
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.training_application import catch_up_all, given_members, open_call, scored, submitted


async def test_the_rank_counted_in_the_database_is_the_domains(platform: Platform) -> None:
    leads = given_members(platform, 6)
    await catch_up_all(platform)  # the training service's copy of the register knows them
    call_id = open_call(platform)
    requests = ("3000.00", "2000.00", "3000.00", "2500.00", "2000.00")
    applications = [submitted(platform, call_id, lead, requested=r) for lead, r in zip(leads, requests, strict=False)]
    for application_id in applications:
        scored(platform, application_id)  # the same scores: the order is the requests', then the ids'
    unscored = submitted(platform, call_id, leads[5])
    await catch_up_all(platform)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        candidates = [Candidate(**c) for c in await queries.scored_candidates(conn, str(call_id))]
        order = [c.application_id for c in ranked(candidates)]
        assert len(order) == 5
        for application_id in applications:
            rank, total = await queries.rank_among_scored(conn, str(call_id), str(application_id))
            assert (rank, total) == (order.index(str(application_id)) + 1, 5)
        assert await queries.rank_among_scored(conn, str(call_id), str(unscored)) == (None, 5)
