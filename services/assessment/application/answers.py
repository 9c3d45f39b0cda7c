"""The team's use cases while drafting: inviting participants, their answers, settling the
assessment's answer where they disagree, and submitting.

Participants' answers commute (two people answering at once both count): without `If-Match`, a
save that loses a race is decided again on the fresh state, so no answer is lost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.assessment.application.base import AssessmentService, now, respondent_of
from services.assessment.application.people import PersonDirectory, require_participant
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.sheet import Answer
from shared.auth import Principal
from shared.errors import Conflict, DomainError
from shared.eventstore import CommandResult


@dataclass(frozen=True)
class IndicatorAnswer:
    """One indicator's answer among several saved together (`seen`: the version of the answer the
    participant was shown, 0 for none; None: do not check)."""

    indicator: str
    level: int
    comment: str = ""
    practice: str = "in_place"
    improve: bool = False
    revisit: bool = False
    seen: int | None = None


class AnswerChangedMeanwhile(Conflict):
    """The participant's own answer to an indicator changed since it was shown to them (another tab,
    another device): saving the old form would silently overwrite it."""

    def __init__(self, indicators: list[str]) -> None:
        super().__init__(
            f"votre réponse a changé depuis votre lecture pour : {', '.join(indicators)}",
            indicators=indicators,
        )


class AnswerUseCases(AssessmentService):
    def invite_participant(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        participant_id: str,
        kind: str,
        sub_themes: tuple[str, ...],
        directory: PersonDirectory | None,
        name: str | None = None,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        """`directory`: where the participant must be an active person of the member (the API and the
        pages always pass it; None only where no directory exists: history replays, unit tests).
        The name is the directory's: `name` is kept for those callers only."""

        def invite(assessment: Assessment) -> None:
            if directory is not None and participant_id != by.subject:
                require_participant(directory, participant_id, tenant=assessment.tenant_id)
            assessment.invite(
                participant_id=participant_id,
                name=name if directory is None else None,
                kind=kind,
                sub_themes=sub_themes,
                referential=self.referential_of(assessment),
                at=at or now(),
            )

        return self.change(lambda: self.for_team(assessment_id, by, expected_version), invite)

    def assign_sub_themes(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        participant_id: str,
        sub_themes: tuple[str, ...],
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.assign(
                participant_id=participant_id,
                sub_themes=sub_themes,
                referential=self.referential_of(a),
                at=at or now(),
            ),
        )

    def answer(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        indicator: str,
        participant_id: str | None,
        level: int,
        comment: str = "",
        practice: str = "in_place",
        improve: bool = False,
        revisit: bool = False,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.answer(
                indicator=indicator,
                participant_id=participant_id or by.subject,
                level=level,
                comment=comment,
                practice=practice,
                improve=improve,
                revisit=revisit,
                referential=self.referential_of(a),
                at=at or now(),
                respondent=respondent_of(by),
            ),
            commutes=expected_version is None,
        )

    def answer_indicators(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        answers: Sequence[IndicatorAnswer],
        participant_id: str | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        """Several indicators' answers of one participant, with the rules of `answer`, saved in ONE
        transaction: all their events or none (a refused indicator, a lost connection: nothing is
        written). Like `answer`, it commutes with other participants' answers (decided again on the
        fresh state after a lost race); an answer whose `seen` version is no longer the
        participant's current one is refused (409) rather than overwritten."""
        if not answers:
            raise ValueError("answer_indicators needs at least one answer")
        moment = at or now()
        respondent = respondent_of(by)
        who = participant_id or by.subject

        def decide(a: Assessment) -> None:
            current = a.sheet.answers
            changed = [
                x.indicator
                for x in answers
                if x.seen is not None and _version(current.get(x.indicator, {}).get(who)) != x.seen
            ]
            if changed:
                raise AnswerChangedMeanwhile(changed)
            referential = self.referential_of(a)
            for x in answers:
                try:
                    a.answer(
                        indicator=x.indicator,
                        participant_id=who,
                        level=x.level,
                        comment=x.comment,
                        practice=x.practice,
                        improve=x.improve,
                        revisit=x.revisit,
                        referential=referential,
                        at=moment,
                        respondent=respondent,
                    )
                except DomainError as refused:
                    # Which of the several answers was refused, so that a form can say it beside it.
                    refused.details.setdefault("indicator", x.indicator)
                    raise

        return self.change(lambda: self.for_team(assessment_id, by), decide, commutes=True)

    def mark_revisit(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        indicator: str,
        participant_id: str | None,
        revisit: bool,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.mark_revisit(
                indicator=indicator,
                participant_id=participant_id or by.subject,
                revisit=revisit,
                at=at or now(),
                respondent=respondent_of(by),
            ),
            commutes=expected_version is None,
        )

    def settle(
        self,
        assessment_id: UUID,
        *,
        by: Principal,
        indicator: str,
        level: int,
        practice: str = "in_place",
        improve: bool = False,
        comment: str = "",
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.settle(
                indicator=indicator,
                level=level,
                practice=practice,
                improve=improve,
                comment=comment,
                referential=self.referential_of(a),
                at=at or now(),
            ),
        )

    def submit(
        self, assessment_id: UUID, *, by: Principal, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        return self.change(
            lambda: self.for_team(assessment_id, by, expected_version),
            lambda a: a.submit(referential=self.referential_of(a), at=at or now()),
        )


def _version(answer: Answer | None) -> int:
    return answer.version if answer is not None else 0
