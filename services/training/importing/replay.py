"""Importing a past call: every row of the file replayed through the training service's own
commands (the API's rules: eligibility as of the closing date, the envelope, the call's date order,
four-eyes with two different people), acting as the staff the file names, on the file's dates.

Nothing half-imported: the commands first run on a **rehearsal**, a `TrainingApplication` on the
library's in-memory persistence that reads the real register copy (eligibility is judged on the
platform's register). Every refusal is reported, and the rehearsal goes on with the other rows, so
that one run lists every refused row. Only when no row is refused are the rehearsal's events
written to the platform, all in **one transaction** (the library's `insert_events`): the call is
imported whole or not at all, and a crash during the write leaves nothing to heal.

Idempotent: the call's id derives from its year and label; when the platform has that call
already, nothing is rehearsed or written (a second run writes nothing). A file that differs from
what was imported is not merged into it: cancel the call, or give the corrected one a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID

from services.training.application import ContentRequest, TrainingApplication
from services.training.domain.call import Call
from services.training.domain.funding_application import ApplicationStatus, FundingApplication
from services.training.domain.values import CriterionScore, TrainingActual
from services.training.importing.layout import SHEETS
from services.training.importing.reading import DecisionAct, PastApplication, PastCall, Refusal, Row
from services.training.importing.sirets import members_by_siret, resolve_sirets
from shared.errors import DomainError
from shared.events import command_context
from shared.eventstore import IntegrityError, chain_tenants_of

# The order of acts that share a date: the life of a call.
OPEN, TOP_UP, APPLY, CLOSE, SCORE, DECIDE, PUBLISH, ACTUALS, SETTLE = range(9)

# The domain's field names, as the file's columns.
COLUMNS = {
    "lead_id": "porteur",
    "partners": "partenaires",
    "requested": "demande",
    "title": "titre",
    "summary": "resume",
    "envelope": "enveloppe",
    "fund_amount": "fonds_mutualise",
    "closes_on": "cloture",
    "opens_on": "ouverture",
    "amount": "montant",
    "reason": "motif",
    "comment": "motif",
    "drafted_on": "redigee_le",
    "scores": "note",
}


@dataclass(frozen=True)
class Figures:
    """What the imported call says, read from its aggregates."""

    applications: int
    requested: Decimal
    awarded: int  # awards approved (notified), settled ones included
    rejected: int
    awarded_amount: Decimal
    envelope_initial: Decimal
    envelope_total: Decimal
    settled: int
    paid: Decimal

    def lines(self) -> list[str]:
        return [
            f"candidatures : {self.applications}, cofinancement demandé : {_euros(self.requested)}",
            f"enveloppe : {_euros(self.envelope_initial)} initiale, {_euros(self.envelope_total)} après abondements",
            f"aides attribuées : {self.awarded} pour {_euros(self.awarded_amount)} ; rejets : {self.rejected}",
            f"soldées : {self.settled}, versé : {_euros(self.paid)}",
        ]


@dataclass
class ImportReport:
    call_id: UUID | None
    refusals: list[Refusal] = field(default_factory=list)
    already_recorded: bool = False
    written: int = 0  # events written to the platform
    figures: Figures | None = None

    @property
    def ok(self) -> bool:
        return not self.refusals


@dataclass(frozen=True)
class Step:
    on: date
    phase: int
    row: Row
    act: Callable[[], None]
    ref: str = ""  # the application the step is about ("" for the call's own acts)
    on_column: str = "le"  # the column holding the step's date


def import_past_call(platform_app: TrainingApplication, past: PastCall, *, dry_run: bool = False) -> ImportReport:
    """Rehearse the past call; write it in one transaction if no row is refused (and not `dry_run`)."""
    if past.call is None:
        return ImportReport(None, list(past.refusals))
    call_id = Call.create_id(past.call.year, past.call.label.strip())
    if platform_app.find(Call, call_id) is not None:
        return ImportReport(call_id, list(past.refusals), already_recorded=True)
    rehearsal, report = rehearse(platform_app, past, call_id)
    if report.refusals or dry_run:
        return report
    return write(rehearsal, platform_app, report)


def rehearse(
    platform_app: TrainingApplication, past: PastCall, call_id: UUID
) -> tuple[TrainingApplication, ImportReport]:
    """Every row through the service's commands, in memory: the rehearsal and what it refused."""
    resolve_sirets(past, members_by_siret(platform_app))
    rehearsal = TrainingApplication(None)  # in memory: nothing reaches the platform until the end
    rehearsal.register = platform_app.register  # eligibility judged on the platform's register
    rehearsal.clock = platform_app.clock
    replay = Rehearsal(rehearsal, past, call_id)
    refusals = sorted(past.refusals + replay.run(), key=lambda r: (_sheet_order(r.sheet), r.row))
    return rehearsal, ImportReport(call_id, refusals, figures=replay.figures())


def write(rehearsal: TrainingApplication, platform_app: TrainingApplication, report: ImportReport) -> ImportReport:
    """The rehearsal's events, in their order, into the platform's store in one transaction. If the
    call was recorded meanwhile (another import, the API), the library refuses the whole insert on
    the call's first version: nothing of this run is written, and the report says so."""
    notifications = rehearsal.recorder.select_notifications(start=1, limit=10**9)
    domain_events = [rehearsal.mapper.to_domain_event(n) for n in notifications]
    stored = [platform_app.mapper.to_stored_event(e) for e in domain_events]
    # Each aggregate's events go to its tenant's hash chain, as a command's save would send them.
    tenants = chain_tenants_of(rehearsal.repository.get(i) for i in {e.originator_id for e in domain_events})
    try:
        platform_app.recorder.insert_events(stored, chain_tenants=tenants)
    except IntegrityError:
        return replace(report, already_recorded=True, written=0)
    return replace(report, written=len(stored))


class Rehearsal:
    def __init__(self, app: TrainingApplication, past: PastCall, call_id: UUID) -> None:
        assert past.call is not None
        self.app = app
        self.past = past
        self.call = past.call
        self.call_id = call_id
        self.ids: dict[str, UUID] = {}
        self.leads: dict[str, str] = {}
        self.failed: dict[str, Row] = {}  # applications refused, and the row that was
        self.refusals: list[Refusal] = []

    def run(self) -> list[Refusal]:
        # The opening first, whatever the other dates: an act dated before it is the domain's to refuse.
        opening, *others = self._steps()
        rest = sorted(others, key=lambda s: (s.on, s.phase, s.row.number))
        if not self._attempt(opening):
            return self.refusals  # without its call, no other row can be judged
        pending = {a.ref: a for a in self.past.applications}
        for step in rest:
            if step.phase != APPLY and step.ref and step.ref not in self.ids:
                self._refuse(step.row, "ref", self._not_recorded(step.ref, pending.get(step.ref)))
                continue
            self._attempt(step)
        return self.refusals

    def _not_recorded(self, ref: str, application: PastApplication | None) -> str:
        """Why an act on an application that was not recorded is not imported."""
        if ref in self.failed:
            row = self.failed[ref]
            return f"non importée : la candidature {ref} est refusée ({row.sheet}, ligne {row.number})"
        if application is not None:
            return f"la candidature {ref} n'est déposée que le {application.submitted_on:%d/%m/%Y}"
        return f"non importée : la candidature {ref} est refusée (fiche candidature)"

    def _attempt(self, step: Step) -> bool:
        try:
            step.act()
        except DomainError as error:
            domain_field = str(error.details.get("field") or "")
            column = step.on_column if domain_field == "on" else domain_field
            # The domain's message names its own field first ("on : …"): the report names the column.
            message = error.message.removeprefix(f"{domain_field} : ") if domain_field else error.message
            self._refuse(step.row, COLUMNS.get(column, column), message)
            if step.ref and step.phase == APPLY:
                self.failed[step.ref] = step.row
            return False
        return True

    def _refuse(self, row: Row, column: str, message: str) -> None:
        self.refusals.append(Refusal(row.sheet, row.number, column, message))

    def _steps(self) -> Iterator[Step]:
        c, app, staff = self.call, self.app, self._as_staff
        yield Step(c.terms.opens_on, OPEN, c.row, staff(c.by, self._open), on_column="ouverture")
        for t in self.past.top_ups:
            top_up = partial(app.top_up, self.call_id, amount=t.amount, reason=t.reason, on=t.on)
            yield Step(t.on, TOP_UP, t.row, staff(t.by, top_up))
        for a in self.past.applications:
            yield Step(a.submitted_on, APPLY, a.row, staff(a.by, partial(self._record, a)), a.ref, "deposee_le")
        close = partial(app.close_call, self.call_id, on=c.closed_on)
        yield Step(c.closed_on, CLOSE, c.row, staff(c.by, close), on_column="clos_le")
        for s in self.past.scores:
            yield Step(s.on, SCORE, s.row, partial(self._score, s.ref, s.reviewer, s.scores, s.on), s.ref)
        for d in self.past.acts:
            yield Step(d.on, DECIDE, d.row, staff(d.by, partial(self._decide, d)), d.ref)
        if c.published_on is not None:
            publish = partial(app.publish_results, self.call_id, on=c.published_on)
            yield Step(c.published_on, PUBLISH, c.row, staff(c.by, publish), on_column="publie_le")
        for r in self.past.actuals:
            report = partial(self._report_actuals, r.ref, r.actuals, r.on)
            yield Step(r.on, ACTUALS, r.row, staff(c.by, report), r.ref)
        for settlement in self.past.settlements:
            settle = partial(self._settle, settlement.ref, settlement.on)
            yield Step(settlement.on, SETTLE, settlement.row, staff(settlement.by, settle), settlement.ref)

    @contextmanager
    def _acting(self, actor: str, role: str) -> Iterator[None]:
        with command_context(actor_id=actor, actor_role=role, tenant_id=None, correlation_id=f"import-{self.call_id}"):
            yield

    def _as_staff(self, by: str, act: Callable[[], object]) -> Callable[[], None]:
        def acting() -> None:
            with self._acting(by, "national_staff"):
                act()

        return acting

    def _open(self) -> None:
        self.app.open_call(
            year=self.call.year, terms=self.call.terms, on=self.call.terms.opens_on, label=self.call.label
        )

    def _record(self, a: PastApplication) -> None:
        content = ContentRequest(
            title=a.title, summary=a.summary, partner_ids=a.partners, trainings=a.trainings, requested=a.requested
        )
        result = self.app.record_application(
            self.call_id, lead_id=a.lead, content=content, drafted_on=a.drafted_on, on=a.submitted_on
        )
        self.ids[a.ref] = UUID(result.id)
        self.leads[a.ref] = a.lead

    def _score(self, ref: str, reviewer: str, scores: tuple[CriterionScore, ...], on: date) -> None:
        with self._acting(self.call.by, "national_staff"):
            self.app.assign_reviewer(self.ids[ref], reviewer_id=reviewer, reviewer_enterprise=None, directory=None)
        with self._acting(reviewer, "fund_reviewer"):
            self.app.score(
                self.ids[ref], by=reviewer, reviewer_enterprise=None, no_conflict_declared=True, scores=scores, on=on
            )

    def _decide(self, d: DecisionAct) -> None:
        application_id = self.ids[d.ref]
        match d.act:
            case "attribution":
                assert d.amount is not None
                self.app.decide_award(application_id, amount=d.amount, reason=d.reason, by=d.by, on=d.on)
            case "rejet":
                self.app.decide_rejection(application_id, reason=d.reason, by=d.by, on=d.on)
            case "approbation" | "renvoi":
                self.app.review_decision(
                    application_id, approve=d.act == "approbation", comment=d.reason, by=d.by, on=d.on
                )

    def _report_actuals(self, ref: str, actuals: tuple[TrainingActual, ...], on: date) -> None:
        self.app.report_actuals(self.ids[ref], acting_for=self.leads[ref], actuals=actuals, on=on)

    def _settle(self, ref: str, on: date) -> None:
        self.app.settle(self.ids[ref], on=on)

    def figures(self) -> Figures | None:
        call = self.app.find(Call, self.call_id)
        if call is None:
            return None
        applications = [self.app.find(FundingApplication, i) for i in self.ids.values()]
        found = [a for a in applications if a is not None]
        approved = [a for a in found if a.status in (ApplicationStatus.AWARDED, ApplicationStatus.SETTLED)]
        settled = [a for a in found if a.status == ApplicationStatus.SETTLED]
        return Figures(
            applications=len(found),
            requested=sum((a.content.requested for a in found), Decimal(0)),
            awarded=len(approved),
            rejected=sum(1 for a in found if a.status == ApplicationStatus.REJECTED),
            awarded_amount=sum((a.decision_amount or Decimal(0) for a in approved), Decimal(0)),
            envelope_initial=call.terms.envelope,
            envelope_total=call.envelope_total,
            settled=len(settled),
            paid=call.paid,
        )


def _sheet_order(sheet: str) -> int:
    names = [s.name for s in SHEETS]
    return names.index(sheet) if sheet in names else len(names)


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f} €".replace(",", "\u202f").replace(".", ",")
