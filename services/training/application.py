"""TrainingApplication: the Fonds Mutualisés Solidaires use cases (load, decide, save).

Every method answers a `CommandResult` for the aggregate it is about. `expected_version` is the
version the client last read (HTTP `If-Match`); `acting_for` is the member (tenant) on whose behalf
an applicant acts: an application that does not involve it does not exist for them (404). `on` is
the date of the act, passed in (the demo replays 2015; the API passes today).

A command that changes the call's envelope saves the application and the call in one transaction
(`save_command(application, call)`): both or neither. When another decision changed the call
meanwhile, the library refuses the save on the call's version; the command is then decided again on
fresh state (a few times at most), so that it either fits what is left of the envelope or is refused
with the amount still available.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.training.call_locks import CallLocks
from services.training.domain.call import Call, CallTerms
from services.training.domain.eligibility import allowed_maximum, check_eligibility
from services.training.domain.errors import (
    ApplicationNotFound,
    ApplicationRefused,
    CallAlreadyOpened,
    CallNotFound,
    VersionMismatch,
)
from services.training.domain.funding_application import FundingApplication
from services.training.domain.money import euros
from services.training.domain.values import (
    ApplicationContent,
    CriterionScore,
    EnvelopeView,
    Training,
    TrainingActual,
)
from services.training.events_log import SCHEMA
from services.training.register_copy import RegisterCopy, as_enterprise
from shared.database import DatabaseAddress
from shared.errors import NotFound
from shared.events import current_meta
from shared.eventstore import CommandResult, IntegrityError, ServiceApplication

SAVE_ATTEMPTS = 4


@dataclass(frozen=True)
class ContentRequest:
    """An application's content as the applicant sends it: partners named by member id, trainings
    naming the enterprise whose employees they train ("" for the lead)."""

    title: str
    summary: str
    partner_ids: tuple[str, ...]
    trainings: tuple[Training, ...]
    requested: Decimal


# Decides on the application (and the call); returns the other aggregates to save with it, if any.
Decide = Callable[[FundingApplication, Call], Sequence[Any] | None]


class TrainingApplication(ServiceApplication):
    name = "training"
    schema = SCHEMA
    # A busy call accumulates one event per decision: snapshots keep loading it cheap, and the
    # library's aggregate cache (fast-forwarded from the store at each read, copied out) spares the
    # replay on the hot path.
    snapshotting_intervals = {Call: 100}
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000"}

    def __init__(self, database: DatabaseAddress, env: dict[str, str] | None = None) -> None:
        super().__init__(database, env)
        self.register = RegisterCopy(self)
        self.call_locks = CallLocks()

    # --- loading -------------------------------------------------------------------------

    def call(self, call_id: UUID, expected_version: int | None = None) -> Call:
        call = self._get(call_id, Call)
        if call is None:
            raise CallNotFound(call_id)
        _check_version(call, expected_version)
        return call

    def application(
        self, application_id: UUID, *, acting_for: str | None = None, expected_version: int | None = None
    ) -> FundingApplication:
        application = self._get(application_id, FundingApplication)
        if application is None or (acting_for is not None and not application.involves(acting_for)):
            raise ApplicationNotFound(application_id)
        _check_version(application, expected_version)
        return application

    def has_call(self, year: int) -> bool:
        return self._get(Call.create_id(year), Call) is not None

    def _get(self, aggregate_id: UUID, cls: type) -> Any:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    # --- calls ---------------------------------------------------------------------------

    def open_call(self, *, year: int, terms: CallTerms, on: date) -> CommandResult:
        if self.has_call(year):
            raise CallAlreadyOpened(year)
        return self.save_command(Call.open(year, terms, on))

    def amend_call(
        self, call_id: UUID, *, terms: CallTerms, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        return self._change_call(call_id, expected_version, lambda call: call.amend(terms, reason))

    def top_up(
        self, call_id: UUID, *, amount: Decimal, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self._change_call(call_id, expected_version, lambda call: call.top_up(amount, reason, on))

    def close_call(self, call_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        return self._change_call(call_id, expected_version, lambda call: call.close(on))

    def publish_results(self, call_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        return self._change_call(call_id, expected_version, lambda call: call.publish_results(on))

    def grant_audit(self, call_id: UUID, *, auditor_id: str, reason: str) -> CommandResult:
        return self._change_call(call_id, None, lambda call: call.grant_audit(auditor_id, reason))

    def _change_call(
        self, call_id: UUID, expected_version: int | None, change: Callable[[Call], None]
    ) -> CommandResult:
        with self.call_locks.hold(call_id):
            call = self.call(call_id, expected_version)
            change(call)
            return self.save_command(call)

    def call_as_at(self, call_id: UUID, at: datetime) -> Call:
        """The call (and so its envelope) as its events had made it at a moment (recording time)."""
        call: Any = None
        for domain_event in self.events.get(call_id):
            if domain_event.timestamp > at:
                break
            call = domain_event.mutate(call)
        if call is None:
            if self._get(call_id, Call) is None:
                raise CallNotFound(call_id)
            raise NotFound(f"l'appel {call_id} n'était pas encore ouvert le {at:%d/%m/%Y à %H:%M:%S} (UTC)")
        return call

    # --- the applicant's commands ----------------------------------------------------------

    def draft_application(self, call_id: UUID, *, lead_id: str, content: ContentRequest, on: date) -> CommandResult:
        call = self.call(call_id)
        lead = self.register.facts([lead_id]).get(lead_id)
        if lead is None:
            raise ApplicationRefused(
                "votre entreprise n'est pas (encore) connue du registre des adhérents du fonds ; "
                "réessayez dans un instant ou contactez l'équipe nationale"
            )
        application = FundingApplication.draft(call, as_enterprise(lead), self._content(content, lead_id), on)
        return self.save_command(application)

    def edit_draft(
        self,
        application_id: UUID,
        *,
        acting_for: str,
        content: ContentRequest,
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._decide(
            application_id,
            acting_for,
            expected_version,
            lambda app, call: app.edit(call, self._content(content, app.lead.member_id), on),
        )

    def submit(
        self, application_id: UUID, *, acting_for: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> list[Any]:
            app.submit(call, on)
            self._check_eligibility(app, call, on)
            call.receive_first_application()  # the call's terms are frozen from now on
            return [call]

        return self._decide(application_id, acting_for, expected_version, decide, saves_call=True)

    def amend_application(
        self,
        application_id: UUID,
        *,
        acting_for: str,
        content: ContentRequest,
        reason: str,
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> list[Any]:
            app.amend(call, self._content(content, app.lead.member_id), reason, on)
            self._check_eligibility(app, call, on)
            return []

        return self._decide(application_id, acting_for, expected_version, decide)

    def withdraw(
        self, application_id: UUID, *, acting_for: str, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self._decide(
            application_id, acting_for, expected_version, lambda app, call: app.withdraw(call, reason, on)
        )

    def report_actuals(
        self,
        application_id: UUID,
        *,
        acting_for: str,
        actuals: tuple[TrainingActual, ...],
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._decide(
            application_id, acting_for, expected_version, lambda app, call: app.report_actuals(actuals, on)
        )

    def amendments_until(self, application_id: UUID, version: int) -> int:
        """How many amendments the application had at that version: the number of the latest one."""
        events = self.events.get(application_id, lte=version)
        return sum(1 for e in events if isinstance(e, FundingApplication.Amended))

    def _content(self, request: ContentRequest, lead_id: str) -> ApplicationContent:
        """The content with its partners as the register copy knows them; a training that names no
        enterprise trains the lead's employees."""
        facts = self.register.facts(request.partner_ids)
        unknown = [i for i in request.partner_ids if i not in facts]
        if unknown:
            raise ApplicationRefused(
                f"partners : entreprise(s) inconnue(s) du registre des adhérents : {', '.join(unknown)}",
                field="partners",
            )
        return ApplicationContent(
            title=request.title.strip(),
            summary=request.summary.strip(),
            partners=tuple(as_enterprise(facts[i]) for i in request.partner_ids),
            trainings=tuple(
                replace(t, enterprise_id=t.enterprise_id or lead_id, cost=euros(t.cost, f"trainings[{i}].cost"))
                for i, t in enumerate(request.trainings)
            ),
            requested=euros(request.requested, "requested"),
        )

    # --- national staff: eligibility, reviewers, decisions, reviews, settlement --------------------

    def recheck_eligibility(
        self, application_id: UUID, *, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self._decide(
            application_id, None, expected_version, lambda app, call: self._check_eligibility(app, call, on)
        )

    def override_check(
        self, application_id: UUID, *, check: str, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        actor = current_meta().actor_id
        return self._decide(
            application_id, None, expected_version, lambda app, call: app.override_check(check, reason, actor)
        )

    def assign_reviewer(
        self,
        application_id: UUID,
        *,
        reviewer_id: str,
        reviewer_enterprise: str | None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._decide(
            application_id,
            None,
            expected_version,
            lambda app, call: app.assign_reviewer(reviewer_id, reviewer_enterprise),
        )

    def score(
        self,
        application_id: UUID,
        *,
        reviewer_enterprise: str | None,
        no_conflict_declared: bool,
        scores: tuple[CriterionScore, ...],
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        reviewer = current_meta().actor_id

        def decide(app: FundingApplication, call: Call) -> list[Any]:
            if reviewer not in app.reviewers:
                raise ApplicationNotFound(application_id)  # a reviewer sees only what they must score
            app.score_by(reviewer, reviewer_enterprise, no_conflict_declared, call.terms.grid, scores, on)
            return []

        return self._decide(application_id, None, expected_version, decide)

    def decide_award(
        self, application_id: UUID, *, amount: Decimal, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        decided_by = current_meta().actor_id
        amount = euros(amount)

        def decide(app: FundingApplication, call: Call) -> list[Any]:
            available = call.available_for(app.id)
            envelope = EnvelopeView(
                total=call.envelope_total, available_before=available, available_after=available - amount
            )
            maximum = (
                app.allowed_maximum if app.allowed_maximum is not None else allowed_maximum(app.content, call.terms)
            )
            app.decide_award(amount, maximum, reason, envelope, decided_by, on)
            call.commit(app.id, amount)
            return [call]

        return self._decide(application_id, None, expected_version, decide, saves_call=True)

    def decide_rejection(
        self, application_id: UUID, *, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        decided_by = current_meta().actor_id

        def decide(app: FundingApplication, call: Call) -> list[Any]:
            held = call.commitment_of(app.id)
            envelope = EnvelopeView(
                total=call.envelope_total, available_before=call.available, available_after=call.available + held
            )
            app.decide_rejection(reason, envelope, decided_by, on)
            call.release(app.id, "rejet de la candidature")
            return [call]

        return self._decide(application_id, None, expected_version, decide, saves_call=True)

    def review_decision(
        self, application_id: UUID, *, approve: bool, comment: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        reviewer = current_meta().actor_id
        return self._decide(
            application_id, None, expected_version, lambda app, call: app.review(approve, comment, reviewer, on)
        )

    def settle(self, application_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> list[Any]:
            settlement = app.settle(call.terms.criteria, on)
            call.settle(app.id, settlement.amount)
            return [call]

        return self._decide(application_id, None, expected_version, decide, saves_call=True)

    # --- how a command on an application runs ----------------------------------------------------

    def _check_eligibility(self, app: FundingApplication, call: Call, on: date) -> None:
        facts = self.register.facts(e.member_id for e in app.enterprises)
        checks = check_eligibility(app.lead, app.content, call.terms, facts, on)
        seen = tuple(facts[e.member_id] for e in app.enterprises if e.member_id in facts)
        app.record_eligibility(checks, seen, allowed_maximum(app.content, call.terms), on)

    def _decide(
        self,
        application_id: UUID,
        acting_for: str | None,
        expected_version: int | None,
        decide: Decide,
        *,
        saves_call: bool = False,
    ) -> CommandResult:
        """Load the application and its call, decide, save. When the call is saved too, hold the
        call's lock and decide again on fresh state if another process changed it meanwhile."""
        attempts = SAVE_ATTEMPTS if saves_call else 1
        for attempt in range(1, attempts + 1):
            app = self.application(application_id, acting_for=acting_for, expected_version=expected_version)
            if not saves_call:
                extra = decide(app, self.call(app.call_id)) or ()
                return self.save_command(app, *extra)
            with self.call_locks.hold(app.call_id):
                extra = decide(app, self.call(app.call_id)) or ()
                try:
                    return self.save_command(app, *extra)
                except IntegrityError:
                    if attempt == attempts:
                        raise
            time.sleep(random.uniform(0.001, 0.01) * attempt)
        raise AssertionError("unreachable")


def _check_version(aggregate: Any, expected_version: int | None) -> None:
    if expected_version is not None and aggregate.version != expected_version:
        raise VersionMismatch(expected_version, aggregate.version)
