"""The write side on a real PostgreSQL: metadata, uniqueness, idempotency, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from uuid import UUID

import pytest

from services.membership.domain.errors import SiretAlreadyRegistered
from shared.events import command_context
from shared.eventstore import IdempotencyClaim, IntegrityError, idempotency_claim
from shared.platform import Platform
from tests.helpers.membership_application import membership, register


async def test_events_carry_actor_role_tenant_and_correlation(platform: Platform) -> None:
    app = membership(platform)
    with command_context(
        actor_id="u-42", actor_role="national_staff", tenant_id=None, correlation_id="c-9", causation_id="r-1"
    ):
        result = register(app)
    [registered] = app.events.get(UUID(result.id))
    assert (registered.meta.actor_id, registered.meta.actor_role) == ("u-42", "national_staff")
    assert (registered.meta.correlation_id, registered.meta.causation_id) == ("c-9", "r-1")


async def test_a_siret_is_registered_once(platform: Platform) -> None:
    app = membership(platform)
    register(app, n=7)
    with pytest.raises(SiretAlreadyRegistered):
        register(app, n=7)


async def test_concurrent_registrations_of_one_siret_leave_exactly_one_member(platform: Platform) -> None:
    app = membership(platform)

    def attempt(_: int) -> str:
        try:
            register(app, n=99)
            return "registered"
        except (SiretAlreadyRegistered, IntegrityError):
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(12)))
    assert outcomes.count("registered") == 1
    assert len(app.members_in_regions(("BRE",))) == 1


async def test_the_idempotency_record_is_saved_with_the_events_and_a_duplicate_writes_nothing(
    platform: Platform,
) -> None:
    app = membership(platform)
    claim = IdempotencyClaim(scope="user:staff", key="k-1", fingerprint="f-1", status_code=201)
    with idempotency_claim(claim):
        first = register(app, n=1)
    assert app.command_recorder.find_idempotent_answer("user:staff", "k-1") is not None
    head = app.recorder.max_notification_id()
    with idempotency_claim(claim), pytest.raises(IntegrityError):
        register(app, n=2)  # same key, another member: the key's insert fails, the events roll back
    assert app.recorder.max_notification_id() == head
    fingerprint, status, body = app.command_recorder.find_idempotent_answer("user:staff", "k-1")
    assert (fingerprint, status) == ("f-1", 201)
    assert first.id.encode() in body


async def test_a_stale_version_loses_and_writes_nothing(platform: Platform) -> None:
    app = membership(platform)
    member_id = UUID(register(app).id)
    first, second = app.member(member_id), app.member(member_id)
    first.join_accord_groupe(date(2014, 1, 1))
    second.call_dues(2015, 100, date(2015, 1, 1))
    app.save(first)
    with pytest.raises(IntegrityError):
        app.save(second)
    assert [type(e).__name__ for e in app.events.get(member_id)] == ["Registered", "JoinedAccordGroupe"]


async def test_merging_regions_moves_every_member_of_the_merged_regions(platform: Platform) -> None:
    app = membership(platform)
    ids = [UUID(register(app, region=r).id) for r in ("AUV", "AUV", "RAL", "BRE")]
    app.merge_regions(
        merged=("AUV", "RAL"), new_code="ARA", new_name="Auvergne-Rhône-Alpes", effective_on=date(2016, 1, 1)
    )
    assert [app.member(i).region for i in ids] == ["ARA", "ARA", "ARA", "BRE"]
