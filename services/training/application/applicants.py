"""The applicants' use cases: draft a funding application, edit the draft, submit it, amend it,
withdraw it, report what was delivered. `acting_for` is the member (tenant) on whose behalf the
applicant acts: a funding application that does not involve it does not exist for them (404)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.training.application.base import TrainingService
from services.training.domain.call import Call
from services.training.domain.errors import ApplicationRefused
from services.training.domain.funding_application import FundingApplication
from services.training.domain.money import euros
from services.training.domain.values import ApplicationContent, Training, TrainingActual
from services.training.register_copy import as_enterprise
from shared.eventstore import CommandResult


@dataclass(frozen=True)
class ContentRequest:
    """A funding application's content as the applicant sends it: partners named by member id,
    trainings naming the enterprise whose employees they train ("" for the lead)."""

    title: str
    summary: str
    partner_ids: tuple[str, ...]
    trainings: tuple[Training, ...]
    requested: Decimal


class ApplicantUseCases(TrainingService):
    def draft_application(self, call_id: UUID, *, lead_id: str, content: ContentRequest, on: date) -> CommandResult:
        self.not_in_future(on)
        call = self.call(call_id)
        lead = self.register.facts([lead_id]).get(lead_id)
        if lead is None:
            raise ApplicationRefused(
                "votre entreprise n'est pas (encore) connue du registre des adhérents du fonds ; "
                "réessayez dans un instant ou contactez l'équipe nationale"
            )
        application = FundingApplication.draft(call, as_enterprise(lead), self.content_of(content, lead_id), on)
        return self.save_command(application)

    def record_application(
        self, call_id: UUID, *, lead_id: str, content: ContentRequest, drafted_on: date, on: date
    ) -> CommandResult:
        """National staff record an application received on paper (a past call): drafted and
        submitted on their own dates, its eligibility checked, saved with the call in one
        transaction (all or nothing)."""
        self.not_in_future(drafted_on, "drafted_on")
        self.not_in_future(on)
        with self.call_locks.hold(call_id):
            call = self.call(call_id)
            lead = self.register.facts([lead_id]).get(lead_id)
            if lead is None:
                raise ApplicationRefused(
                    f"lead_id : l'entreprise {lead_id} est inconnue du registre des adhérents", field="lead_id"
                )
            application = FundingApplication.draft(
                call, as_enterprise(lead), self.content_of(content, lead_id), drafted_on
            )
            application.submit(call, on)
            self.record_eligibility(application, call, on)
            call.receive_first_application()  # the call's terms are frozen from now on
            return self.save_command(application, call)

    def edit_draft(
        self,
        application_id: UUID,
        *,
        acting_for: str,
        content: ContentRequest,
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.change_funding_application(
            application_id,
            lambda app, call: app.edit(call, self.content_of(content, app.lead.member_id), on),
            acting_for=acting_for,
            expected_version=expected_version,
            on=on,
        )

    def submit(
        self, application_id: UUID, *, acting_for: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        def decide(app: FundingApplication, call: Call) -> Sequence[Call]:
            app.submit(call, on)
            self.record_eligibility(app, call, on)
            call.receive_first_application()  # the call's terms are frozen from now on
            return [call]

        return self.change_funding_application(
            application_id, decide, acting_for=acting_for, expected_version=expected_version, saves_call=True, on=on
        )

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
        def decide(app: FundingApplication, call: Call) -> None:
            app.amend(call, self.content_of(content, app.lead.member_id), reason, on)
            self.record_eligibility(app, call, on)

        return self.change_funding_application(
            application_id, decide, acting_for=acting_for, expected_version=expected_version, on=on
        )

    def withdraw(
        self, application_id: UUID, *, acting_for: str, reason: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        return self.change_funding_application(
            application_id,
            lambda app, call: app.withdraw(call, reason, on),
            acting_for=acting_for,
            expected_version=expected_version,
            on=on,
        )

    def report_actuals(
        self,
        application_id: UUID,
        *,
        acting_for: str | None,
        actuals: tuple[TrainingActual, ...],
        on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.change_funding_application(
            application_id,
            lambda app, call: app.report_actuals(actuals, on),
            acting_for=acting_for,
            expected_version=expected_version,
            on=on,
        )

    def amendments_until(self, application_id: UUID, version: int) -> int:
        """How many amendments the funding application had at that version: the number of the latest."""
        events = self.events.get(application_id, lte=version)
        return sum(1 for e in events if isinstance(e, FundingApplication.Amended))

    def content_of(self, request: ContentRequest, lead_id: str) -> ApplicationContent:
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
