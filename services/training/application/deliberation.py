"""National staff's and fund reviewers' use cases on a funding application: eligibility and its
overrides, reviewers and their scores, the decision and its four-eyes review, the settlement.

`by` is who acts (the signed-in user's subject): the rules that depend on it (a reviewer scores only
what they were assigned, a decision is reviewed by someone other than who took it) receive it as an
argument, never from the command's context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.training.application.base import TrainingService
from services.training.application.people import PersonDirectory, require_fund_reviewer
from services.training.domain.call import Call
from services.training.domain.eligibility import allowed_maximum
from services.training.domain.errors import ApplicationNotFound
from services.training.domain.funding_application import FundingApplication
from services.training.domain.money import euros
from services.training.domain.values import CriterionScore, EnvelopeView
from shared.eventstore import CommandResult


class DeliberationUseCases(TrainingService):
    def recheck_eligibility(
        self, application_id: UUID, *, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_funding_application(
            application_id,
            lambda app, call: self.record_eligibility(app, call, on),
            expected_version=expected_version,
            on=on,
        )

    def override_check(
        self,
        application_id: UUID,
        *,
        check: str,
        reason: str,
        by: str,
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.change_funding_application(
            application_id,
            lambda app, call: app.override_check(check, reason, by, on),
            expected_version=expected_version,
            on=on,
        )

    def assign_reviewer(
        self,
        application_id: UUID,
        *,
        reviewer_id: str,
        reviewer_enterprise: str | None,
        directory: PersonDirectory | None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """`directory`: where the reviewer must be an active fund reviewer (the API always passes it;
        None only where no directory exists: the replay of a past call, unit tests)."""

        def assign(app: FundingApplication, call: Call) -> None:
            enterprise = reviewer_enterprise
            if directory is not None:
                enterprise = require_fund_reviewer(directory, reviewer_id, reviewer_enterprise)
            app.assign_reviewer(reviewer_id, enterprise)

        return self.change_funding_application(application_id, assign, expected_version=expected_version)

    def score(
        self,
        application_id: UUID,
        *,
        by: str,
        reviewer_enterprise: str | None,
        no_conflict_declared: bool,
        scores: tuple[CriterionScore, ...],
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> None:
            if by not in app.reviewers:
                raise ApplicationNotFound(application_id)  # a reviewer sees only what they must score
            call.require_deliberation_date(on, "la notation")
            app.score_by(by, reviewer_enterprise, no_conflict_declared, call.terms.grid, scores, on)

        return self.change_funding_application(application_id, decide, expected_version=expected_version, on=on)

    def declare_conflict(
        self, application_id: UUID, *, by: str, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        """An assigned reviewer declares a conflict of interest and steps aside (recusal)."""

        def decide(app: FundingApplication, call: Call) -> None:
            if by not in app.reviewers:
                raise ApplicationNotFound(application_id)  # a reviewer sees only what they must score
            app.declare_conflict(by, reason, on)

        return self.change_funding_application(application_id, decide, expected_version=expected_version, on=on)

    def decide_award(
        self,
        application_id: UUID,
        *,
        amount: Decimal,
        reason: str,
        by: str,
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        amount = euros(amount)

        def decide(app: FundingApplication, call: Call) -> Sequence[Call]:
            available = call.available_for(app.id)
            envelope = EnvelopeView(
                total=call.envelope_total, available_before=available, available_after=available - amount
            )
            maximum = (
                app.allowed_maximum if app.allowed_maximum is not None else allowed_maximum(app.content, call.terms)
            )
            app.decide_award(amount, maximum, reason, envelope, by, on)
            call.commit(app.id, amount, on)
            return [call]

        return self.change_funding_application(
            application_id, decide, expected_version=expected_version, saves_call=True, on=on
        )

    def decide_rejection(
        self, application_id: UUID, *, reason: str, by: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> Sequence[Call]:
            held = call.commitment_of(app.id)
            envelope = EnvelopeView(
                total=call.envelope_total, available_before=call.available, available_after=call.available + held
            )
            call.require_deliberation_date(on, "la décision")
            app.decide_rejection(reason, envelope, by, on)
            call.release(app.id, "rejet de la candidature", on)
            return [call]

        return self.change_funding_application(
            application_id, decide, expected_version=expected_version, saves_call=True, on=on
        )

    def withdraw_decision(
        self, application_id: UUID, *, reason: str, by: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        """The decider takes back a decision not reviewed yet: the money it committed goes back to
        the envelope, in the same transaction."""

        def decide(app: FundingApplication, call: Call) -> Sequence[Call]:
            app.withdraw_decision(by, reason, on)
            call.release(app.id, "retrait de la décision", on)
            return [call]

        return self.change_funding_application(
            application_id, decide, expected_version=expected_version, saves_call=True, on=on
        )

    def review_decision(
        self,
        application_id: UUID,
        *,
        approve: bool,
        comment: str,
        by: str,
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.change_funding_application(
            application_id,
            lambda app, call: app.review(approve, comment, by, on),
            expected_version=expected_version,
            on=on,
        )

    def settle(self, application_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> Sequence[Call]:
            settlement = app.settle(call.terms.criteria, on)
            call.settle(app.id, settlement.amount, on)
            return [call]

        return self.change_funding_application(
            application_id, decide, expected_version=expected_version, saves_call=True, on=on
        )
