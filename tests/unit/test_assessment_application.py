"""Le Cap's service layer in memory (the library's POPO persistence, no database): who may act,
and what happens to a command that loses a race on its assessment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from services.assessment.application import AssessmentApplication
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.errors import AssessmentNotFound, Forbidden
from services.assessment.domain.referential import load_document
from shared.auth import Principal, Role
from shared.database import DatabaseAddress
from shared.eventstore import IntegrityError

T0 = datetime(2016, 3, 1, 9, tzinfo=UTC)
TENANT, OTHER_TENANT = "member-1", "member-2"
IN_MEMORY = {
    "PERSISTENCE_MODULE": "eventsourcing.popo",
    "APPLICATION_RECORDER_TOPIC": "eventsourcing.popo:POPOApplicationRecorder",
}
NOWHERE = DatabaseAddress(host="unused", port=1, user="unused", password="", dbname="unused")


def team_member(subject: str, tenant: str = TENANT, role: Role = Role.MEMBER_CONTRIBUTOR) -> Principal:
    return Principal(subject=subject, roles=frozenset({role}), tenant=tenant)


ADMIN = team_member("admin", role=Role.MEMBER_ADMIN)
MARIE, PAUL = team_member("marie"), team_member("paul")
STAFF = Principal(subject="staff", roles=frozenset({Role.NATIONAL_STAFF}))


class RacedApplication(AssessmentApplication):
    """Le Cap's application where a rival command can land between a command's load and its save,
    as when two requests run at once."""

    name = "assessment"
    rival: Callable[[], Any] | None = None

    def for_team(
        self, assessment_id: UUID, by: Principal, expected_version: int | None = None, *, admin_or_staff: bool = False
    ) -> Assessment:
        loaded = super().for_team(assessment_id, by, expected_version, admin_or_staff=admin_or_staff)
        rival, self.rival = self.rival, None
        if rival is not None:
            rival()  # saved after this command loaded the assessment: its copy is now stale
        return loaded


def given_an_assessment_with_participants(*names: str) -> tuple[RacedApplication, UUID]:
    app = RacedApplication(NOWHERE, env=IN_MEMORY)
    app.load_referential(load_document(), at=T0)
    started = app.start_assessment(
        tenant_id=TENANT, region="NPC", forms=("AI",), scope="member", referential_version=None, at=T0
    )
    assessment_id = UUID(started.id)
    for name in names:
        app.invite_participant(
            assessment_id, directory=None, by=ADMIN, participant_id=name, name=name, kind="staff", sub_themes=(), at=T0
        )
    return app, assessment_id


def answers_to(app: AssessmentApplication, assessment_id: UUID, indicator: str) -> dict[str, int]:
    sheet = app.assessment(assessment_id).sheet
    return {participant: answer.level for participant, answer in sheet.answers.get(indicator, {}).items()}


def test_an_answer_that_loses_a_race_without_if_match_is_decided_again_and_both_are_kept() -> None:
    app, assessment_id = given_an_assessment_with_participants("marie", "paul")
    app.rival = lambda: app.answer(assessment_id, by=PAUL, indicator="1.1.1", participant_id=None, level=3, at=T0)

    result = app.answer(assessment_id, by=MARIE, indicator="1.1.1", participant_id=None, level=2, at=T0)

    assert answers_to(app, assessment_id, "1.1.1") == {"paul": 3, "marie": 2}
    assert result.version == app.assessment(assessment_id).version


def test_an_answer_that_loses_a_race_with_if_match_is_refused_and_nothing_of_it_is_saved() -> None:
    app, assessment_id = given_an_assessment_with_participants("marie", "paul")
    version = app.assessment(assessment_id).version
    app.rival = lambda: app.answer(assessment_id, by=PAUL, indicator="1.1.1", participant_id=None, level=3, at=T0)

    with pytest.raises(IntegrityError):  # HTTP 409
        app.answer(
            assessment_id, by=MARIE, indicator="1.1.1", participant_id=None, level=2, expected_version=version, at=T0
        )

    assert answers_to(app, assessment_id, "1.1.1") == {"paul": 3}


def test_a_settlement_that_loses_a_race_is_refused_even_without_if_match() -> None:
    app, assessment_id = given_an_assessment_with_participants("marie", "paul")
    app.answer(assessment_id, by=MARIE, indicator="1.1.1", participant_id=None, level=2, at=T0)
    app.answer(assessment_id, by=PAUL, indicator="1.1.1", participant_id=None, level=3, at=T0)
    app.rival = lambda: app.answer(assessment_id, by=PAUL, indicator="1.1.2", participant_id=None, level=1, at=T0)

    with pytest.raises(IntegrityError):  # settling does not commute with what the team changes meanwhile
        app.settle(assessment_id, by=ADMIN, indicator="1.1.1", level=3, at=T0)

    assert "1.1.1" not in app.assessment(assessment_id).sheet.settled


def test_another_members_team_is_told_the_assessment_does_not_exist() -> None:
    app, assessment_id = given_an_assessment_with_participants("marie")
    stranger = team_member("marie", tenant=OTHER_TENANT)

    with pytest.raises(AssessmentNotFound):
        app.answer(assessment_id, by=stranger, indicator="1.1.1", participant_id=None, level=2, at=T0)


def test_national_staff_may_not_answer_for_the_team() -> None:
    app, assessment_id = given_an_assessment_with_participants("marie")

    with pytest.raises(Forbidden):
        app.answer(assessment_id, by=STAFF, indicator="1.1.1", participant_id="marie", level=2, at=T0)


def test_an_assessment_started_at_half_past_midnight_in_paris_is_dated_that_french_day() -> None:
    # 23:30 UTC on 30 November is 00:30 on 1 December in Paris: the federation's date, not the server's.
    app = RacedApplication(NOWHERE, env=IN_MEMORY)
    app.load_referential(load_document(), at=T0)
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    started = app.start_assessment(
        tenant_id=TENANT, region="NPC", forms=("AI",), scope="member", referential_version=None, at=late
    )
    assert app.assessment(UUID(started.id)).sheet.started_on == date(2026, 12, 1)
