"""National staff's use cases on a call: open it, amend it, top up its envelope, close it, publish
its results, grant an auditor access; and the call as it stood at a past date, as known at a moment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.training.application.base import TrainingService
from services.training.domain.call import Call, CallTerms
from services.training.domain.errors import CallAlreadyOpened, CallNotFound
from services.training.domain.funding_application import FundingApplication
from services.training.projections.call_rows import call_as_of
from services.training.projections.funding_application_rows import application_as_of
from shared.errors import NotFound
from shared.events import UnknownEvent
from shared.eventstore import CommandResult


class CallUseCases(TrainingService):
    def open_call(self, *, year: int, terms: CallTerms, on: date, label: str = "") -> CommandResult:
        self.not_in_future(on)
        if self.has_call(year, label):
            raise CallAlreadyOpened(year, label.strip())
        return self.save_command(Call.open(year, terms, on, label))

    def cancel_call(
        self, call_id: UUID, *, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.cancel(reason, on), on=on)

    def amend_call(
        self, call_id: UUID, *, terms: CallTerms, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.amend(terms, reason, on), on=on)

    def top_up(
        self, call_id: UUID, *, amount: Decimal, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.top_up(amount, reason, on), on=on)

    def close_call(self, call_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.close(on), on=on)

    def publish_results(self, call_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.publish_results(on), on=on)

    def grant_audit(self, call_id: UUID, *, auditor_id: str, reason: str) -> CommandResult:
        return self.change_call(call_id, None, lambda call: call.grant_audit(auditor_id, reason))

    def applications_as_of(
        self, application_ids: list[str], as_of: date | None = None, known_at: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The applications' read-side states in force at the end of `as_of` (default today), as
        recorded by `known_at` (default now): the live projection's fold over each one's events.
        Those not drafted by then are left out."""
        day, moment = as_of or self.today(), known_at or self.clock()
        states = []
        for application_id in application_ids:
            events: list[FundingApplication.Event] = []
            for domain_event in self.events.get(UUID(application_id)):
                if not isinstance(domain_event, FundingApplication.Event):
                    raise UnknownEvent("application as of", domain_event)
                events.append(domain_event)
            state = application_as_of(events, day, moment)
            if state is not None:
                states.append(state)
        return states

    def call_as_of(
        self, call_id: UUID, as_of: date | None = None, known_at: datetime | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The call's row and envelope ledger in force at the end of `as_of` (default today), as
        recorded by `known_at` (default now): the live projection's fold over the call's events."""
        events: list[Call.Event] = []
        for domain_event in self.events.get(call_id):
            if not isinstance(domain_event, Call.Event):
                raise UnknownEvent("call as of", domain_event)  # a call's stream holds only its events
            events.append(domain_event)
        if not events:
            raise CallNotFound(call_id)
        day = as_of or self.today()
        moment = known_at or self.clock()
        row, lines = call_as_of(events, day, moment)
        if row is None:
            raise NotFound(
                f"l'appel {call_id} n'était pas encore ouvert le {day:%d/%m/%Y}"
                + (f" (tel qu'enregistré au {moment:%d/%m/%Y à %H:%M:%S} UTC)" if known_at else "")
            )
        return row, lines
