"""The envelope under concurrency, on a real PostgreSQL: the sum of awards never exceeds it, a
decision and its commitment are saved together or not at all, every refusal says why."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from uuid import UUID

import pytest

from services.training.application import TrainingApplication
from services.training.domain.call import Call
from services.training.domain.errors import EnvelopeExceeded
from shared.eventstore import IntegrityError
from shared.platform import Platform
from tests.helpers.training_application import (
    TODAY,
    awarded,
    catch_up_all,
    given_members,
    open_call,
    scored,
    staff,
    submitted,
    training_app,
)


async def given_scored_applications(platform: Platform, count: int, *, envelope: str) -> tuple[UUID, list[UUID]]:
    leads = given_members(platform, count)
    await catch_up_all(platform)
    call_id = open_call(platform, envelope=Decimal(envelope), fund_amount=Decimal(envelope) * 2)
    applications = [submitted(platform, call_id, lead) for lead in leads]
    for application_id in applications:
        scored(platform, application_id)
    return call_id, applications


async def test_many_decisions_racing_for_the_last_euros_never_overspend(platform: Platform) -> None:
    call_id, applications = await given_scored_applications(platform, 28, envelope="60000.00")
    for application_id in applications[:16]:  # 48,000 € decided: 12,000 € left for 12 × 3,000 € requests
        awarded(platform, application_id)
    racing = applications[16:]
    # Two application instances: two processes, each with its own in-process call lock, so that the
    # library's optimistic concurrency on the call's version is what arbitrates between them.
    second = TrainingApplication(platform.database)
    start = threading.Barrier(len(racing))

    def decide(i: int, application_id: UUID) -> str:
        app = training_app(platform) if i % 2 else second
        start.wait()
        with staff(f"staff-{i}"):
            try:
                app.decide_award(
                    application_id, amount=Decimal("3000.00"), reason="Projet retenu", by=f"staff-{i}", on=TODAY
                )
            except EnvelopeExceeded as refusal:
                assert refusal.details["available"] in ("0.00", "3000.00", "6000.00", "9000.00")
                assert "enveloppe" in refusal.message
                return "envelope_exceeded"
            except IntegrityError:
                return "concurrent_change"  # answered 409 over HTTP: nothing written, try again
        return "decided"

    try:
        with ThreadPoolExecutor(max_workers=len(racing)) as pool:
            outcomes = list(pool.map(decide, range(len(racing)), racing))
    finally:
        second.close()

    call = training_app(platform).call(call_id)
    assert call.committed + call.paid <= call.envelope_total
    assert outcomes.count("decided") * Decimal(3000) == call.committed - Decimal(48000)
    assert outcomes.count("decided") == 4  # the last 12,000 € went to exactly four decisions
    assert set(outcomes) <= {"decided", "envelope_exceeded", "concurrent_change"}
    # Each commitment on the call has its decision on the application, and only those.
    decided = {str(a) for a in racing if training_app(platform).funding_application(a).status == "decided"}
    assert decided == set(call.commitments) - {str(a) for a in applications[:16]}


async def test_a_decision_and_its_commitment_are_saved_together_or_not_at_all(platform: Platform) -> None:
    call_id, (first, second) = await given_scored_applications(platform, 2, envelope="50000.00")
    app = training_app(platform)
    stale_call: Call = app.call(call_id)
    awarded(platform, first)  # the call moves on: the stale copy's version is now behind
    application = app.funding_application(second)
    with staff("staff-1"):
        application.decide_award(
            Decimal("3000.00"),
            Decimal("6000.00"),
            "Projet retenu",
            envelope=_view(stale_call),
            decided_by="staff-1",
            on=TODAY,
        )
        stale_call.commit(application.id, Decimal("3000.00"), TODAY)
        with pytest.raises(IntegrityError):
            app.save_command(application, stale_call)
    assert app.funding_application(second).status == "submitted"  # the application's event was not written either
    assert app.call(call_id).commitments == {str(first): Decimal("3000.00")}


async def test_an_award_that_no_longer_fits_is_refused_with_what_is_left(platform: Platform) -> None:
    call_id, (first, second) = await given_scored_applications(platform, 2, envelope="4000.00")
    awarded(platform, first)
    with staff(), pytest.raises(EnvelopeExceeded) as refusal:
        training_app(platform).decide_award(
            second, amount=Decimal("3000.00"), reason="Projet retenu", by="staff-1", on=TODAY
        )
    assert refusal.value.details == {"amount": "3000.00", "available": "1000.00"}
    assert refusal.value.status_code == 409
    assert training_app(platform).funding_application(second).status == "submitted"


async def test_a_top_up_makes_room_for_more_awards(platform: Platform) -> None:
    call_id, (first, second) = await given_scored_applications(platform, 2, envelope="4000.00")
    awarded(platform, first)
    with staff():
        training_app(platform).top_up(
            call_id, amount=Decimal("2000.00"), reason="Enveloppe complémentaire du partenaire", on=TODAY
        )
    awarded(platform, second)
    call = training_app(platform).call(call_id)
    assert (call.envelope_total, call.committed, call.available) == (
        Decimal("6000.00"),
        Decimal("6000.00"),
        Decimal("0.00"),
    )


def _view(call: Call):  # noqa: ANN202
    from services.training.domain.values import EnvelopeView

    return EnvelopeView(total=call.envelope_total, available_before=call.available, available_after=call.available)
