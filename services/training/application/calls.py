"""National staff's use cases on a call: open it, amend it, top up its envelope, close it, publish
its results, grant an auditor access; and the call as it stood at a past moment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from services.training.application.base import TrainingService
from services.training.domain.call import Call, CallTerms
from services.training.domain.errors import CallAlreadyOpened, CallNotFound
from shared.errors import NotFound
from shared.events import UnknownEvent
from shared.eventstore import CommandResult


class CallUseCases(TrainingService):
    def open_call(self, *, year: int, terms: CallTerms, on: date) -> CommandResult:
        if self.has_call(year):
            raise CallAlreadyOpened(year)
        return self.save_command(Call.open(year, terms, on))

    def amend_call(
        self, call_id: UUID, *, terms: CallTerms, reason: str, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.amend(terms, reason))

    def top_up(
        self, call_id: UUID, *, amount: Decimal, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.top_up(amount, reason, on))

    def close_call(self, call_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.close(on))

    def publish_results(self, call_id: UUID, *, on: date, expected_version: int | None = None) -> CommandResult:
        return self.change_call(call_id, expected_version, lambda call: call.publish_results(on))

    def grant_audit(self, call_id: UUID, *, auditor_id: str, reason: str) -> CommandResult:
        return self.change_call(call_id, None, lambda call: call.grant_audit(auditor_id, reason))

    def call_as_at(self, call_id: UUID, at: datetime) -> Call:
        """The call (and so its envelope) as its events had made it at a moment (recording time)."""
        call: Call | None = None
        for domain_event in self.events.get(call_id):
            if not isinstance(domain_event, Call.Event):
                raise UnknownEvent("call as at", domain_event)  # a call's stream holds only its events
            if domain_event.timestamp > at:
                break
            call = domain_event.mutate(call)
        if call is None:
            if self.find(Call, call_id) is None:
                raise CallNotFound(call_id)
            raise NotFound(f"l'appel {call_id} n'était pas encore ouvert le {at:%d/%m/%Y à %H:%M:%S} (UTC)")
        return call
