"""What every use-case area of the training service shares: the register copy, the loaders, and how
a command on a funding application runs (load, decide, save, through `ServiceApplication.change`).

A command that changes the call's envelope saves the funding application and the call in one
transaction: both or neither. It runs holding the call's lock (one writer per call in a process, see
`call_locks`); when another process changed the call meanwhile, the library refuses the save on the
call's version and the command is decided again on fresh state (`commutes=True`), so that it either
fits what is left of the envelope or is refused with the amount still available. The client's
`If-Match` names the funding application's version, which every attempt checks again: a decision on
another application commutes with this one, a change to this one does not (409).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from services.training.call_locks import CallLocks
from services.training.domain.call import Call
from services.training.domain.dates import paris_day
from services.training.domain.eligibility import allowed_maximum, check_eligibility
from services.training.domain.errors import ApplicationNotFound, CallNotFound, DateInFuture
from services.training.domain.funding_application import FundingApplication
from services.training.events_log import SCHEMA
from services.training.register_copy import RegisterCopy
from shared.database import DatabaseAddress
from shared.eventstore import CommandResult, ServiceApplication

# Decides on the funding application (and its call); returns the other aggregates to save with it.
Decide = Callable[[FundingApplication, Call], Sequence[Any] | None]


class TrainingService(ServiceApplication):
    """The base of `TrainingApplication`'s use-case areas."""

    schema = SCHEMA

    def __init__(self, database: DatabaseAddress | None, env: dict[str, str] | None = None) -> None:
        super().__init__(database, env)
        self.register = RegisterCopy(self)
        self.call_locks = CallLocks()
        # The clock that says what "today" is (tests and a replay set their own): the default date
        # of an act, and the day no act may be dated after.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def today(self) -> date:
        """Today in Paris, by the service's clock."""
        return paris_day(self.clock())

    def not_in_future(self, on: date, field: str = "on") -> date:
        """An act takes effect today or earlier: a later date is refused, naming both days."""
        today = self.today()
        if on > today:
            raise DateInFuture(field, on, today)
        return on

    # --- loading -------------------------------------------------------------------------

    def call(self, call_id: UUID, expected_version: int | None = None) -> Call:
        return self.load(Call, call_id, CallNotFound, expected_version)

    def funding_application(
        self, application_id: UUID, *, acting_for: str | None = None, expected_version: int | None = None
    ) -> FundingApplication:
        """The funding application; for an applicant (`acting_for` their enterprise), one that does
        not involve them does not exist (404, whatever version they name)."""
        if acting_for is not None:
            found = self.find(FundingApplication, application_id)
            if found is None or not found.involves(acting_for):
                raise ApplicationNotFound(application_id)
        return self.load(FundingApplication, application_id, ApplicationNotFound, expected_version)

    def has_call(self, year: int, label: str = "") -> bool:
        return self.find(Call, Call.create_id(year, label.strip())) is not None

    # --- how a command runs ----------------------------------------------------------------

    def change_call(
        self, call_id: UUID, expected_version: int | None, change: Callable[[Call], None], *, on: date | None = None
    ) -> CommandResult:
        """Load the call, change it, save it; `on`, the act's date, is refused if in the future."""
        if on is not None:
            self.not_in_future(on)
        with self.call_locks.hold(call_id):
            return self.change(lambda: self.call(call_id, expected_version), change)

    def change_funding_application(
        self,
        application_id: UUID,
        decide: Decide,
        *,
        acting_for: str | None = None,
        expected_version: int | None = None,
        saves_call: bool = False,
        on: date | None = None,
    ) -> CommandResult:
        """Load the funding application and its call, decide, save (with the call when `saves_call`);
        `on`, the act's date, is refused if in the future."""
        if on is not None:
            self.not_in_future(on)

        def load() -> FundingApplication:
            return self.funding_application(application_id, acting_for=acting_for, expected_version=expected_version)

        def decide_with_call(application: FundingApplication) -> Sequence[Any] | None:
            return decide(application, self.call(application.call_id))

        if not saves_call:
            return self.change(load, decide_with_call)
        with self.call_locks.hold(self.funding_application(application_id, acting_for=acting_for).call_id):
            return self.change(load, decide_with_call, commutes=True)

    def record_eligibility(self, application: FundingApplication, call: Call, on: date) -> None:
        """Check the funding application's eligibility against the register as it stood at the call's
        closing date (the same day for every applicant of the call, stated in its terms), and record
        it with the facts it read and their date."""
        reference = call.terms.closes_on
        member_ids = [e.member_id for e in application.enterprises]
        then = self.register.facts_as_of(member_ids, reference)
        # Known to the register now but not a member then: joined the network after the call.
        joined_later = {i for i in self.register.facts(member_ids) if i not in then}
        checks = check_eligibility(
            application.lead, application.content, call.terms, then, reference, joined_later=joined_later
        )
        seen = tuple(then[i] for i in member_ids if i in then)
        maximum = allowed_maximum(application.content, call.terms)
        application.record_eligibility(checks, seen, maximum, on, facts_on=reference)
