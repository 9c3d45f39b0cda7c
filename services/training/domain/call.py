"""The Call aggregate: one yearly Fonds Mutualisés Solidaires call for projects, and its envelope.

The envelope is a ledger kept *inside* the call: initial amount, top-ups, amounts committed by award
decisions, released by rejections and settlements, paid at settlement. Every decision that commits
money is saved together with the call (one transaction), so the library's optimistic concurrency on
the call's version is what keeps the sum of awards within the envelope, whatever runs concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.training.domain.dates import not_after, not_before, upcast_recording_day
from services.training.domain.errors import CallRefused, EnvelopeExceeded
from services.training.domain.money import ZERO, euros, rate
from shared.events import AuditedAggregate, event_value
from shared.values import check_text

# The Accord Groupe's rule: at least 40 % of the mutualised fund goes to the calls for projects.
MIN_ENVELOPE_SHARE = Decimal("0.40")
MAX_SCORE = 5  # each criterion of the grid is scored 0 to 5


class CallStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    RESULTS_PUBLISHED = "results_published"
    CANCELLED = "cancelled"


@event_value("training.eligibility_criteria")
@dataclass(frozen=True)
class EligibilityCriteria:
    accord_groupe_required: bool  # every applicant enterprise is in the Accord Groupe
    integration_pathway_required: bool  # trainees are employees on integration pathways
    max_cofunding_rate: Decimal  # share of a training's cost the fund may pay, e.g. 0.50
    priority_cofunding_rate: Decimal  # the better terms of the board's priority trainings
    max_per_trainee: Decimal  # ceiling of the co-funding per trainee


@event_value("training.scoring_criterion")
@dataclass(frozen=True)
class ScoringCriterion:
    code: str
    label: str
    weight: int


@event_value("training.call_terms")
@dataclass(frozen=True)
class CallTerms:
    title: str
    fund_amount: Decimal  # the mutualised fund the envelope is drawn from
    envelope: Decimal  # the initial envelope of the call
    opens_on: date
    closes_on: date
    criteria: EligibilityCriteria
    grid: tuple[ScoringCriterion, ...]
    priority_trainings: tuple[str, ...]

    def check(self) -> None:
        check_text(self.title, "title")
        euros(self.fund_amount, "fund_amount")
        euros(self.envelope, "envelope")
        if not self.title.strip():
            raise CallRefused("title : un appel à projets a un titre", field="title")
        if self.envelope <= 0 or self.envelope < MIN_ENVELOPE_SHARE * self.fund_amount:
            raise CallRefused(
                f"envelope : l'enveloppe ({self.envelope} €) doit représenter au moins 40 % du fonds mutualisé "
                f"({self.fund_amount} €), soit {euros_min(self.fund_amount)} €",
                field="envelope",
            )
        if self.envelope > self.fund_amount:
            raise CallRefused(
                "envelope : l'enveloppe ne peut dépasser le fonds mutualisé dont elle est tirée", field="envelope"
            )
        if self.closes_on <= self.opens_on:
            raise CallRefused("closes_on : la date de clôture doit suivre la date d'ouverture", field="closes_on")
        c = self.criteria
        for name, share in (
            ("max_cofunding_rate", c.max_cofunding_rate),
            ("priority_cofunding_rate", c.priority_cofunding_rate),
        ):
            if not rate(share, f"criteria.{name}") > 0:
                raise CallRefused(
                    f"criteria.{name} : un taux de cofinancement est compris entre 0 (exclu) et 1",
                    field=f"criteria.{name}",
                )
        if c.priority_cofunding_rate < c.max_cofunding_rate:
            raise CallRefused(
                "criteria.priority_cofunding_rate : les formations prioritaires bénéficient d'un taux au moins "
                "égal au taux général",
                field="criteria.priority_cofunding_rate",
            )
        if euros(c.max_per_trainee, "criteria.max_per_trainee") <= 0:
            raise CallRefused(
                "criteria.max_per_trainee : le plafond par stagiaire doit être positif",
                field="criteria.max_per_trainee",
            )
        if not self.grid:
            raise CallRefused("grid : la grille de notation a au moins un critère", field="grid")
        for i, criterion in enumerate(self.grid):
            check_text(criterion.code, f"grid[{i}].code")
            check_text(criterion.label, f"grid[{i}].label")
            if not criterion.label.strip():
                raise CallRefused(f"grid[{i}].label : un critère de la grille a un libellé", field=f"grid[{i}].label")
        for i, training in enumerate(self.priority_trainings):
            check_text(training, f"priority_trainings[{i}]")
        codes = [criterion.code for criterion in self.grid]
        if len(set(codes)) != len(codes):
            raise CallRefused("grid : deux critères de la grille portent le même code", field="grid")
        if any(criterion.weight <= 0 for criterion in self.grid):
            raise CallRefused("grid : le poids d'un critère est un entier positif", field="grid")
        if len(set(self.priority_trainings)) != len(self.priority_trainings):
            raise CallRefused(
                "priority_trainings : une formation prioritaire figure deux fois dans la liste",
                field="priority_trainings",
            )

    def in_cents(self) -> CallTerms:
        """The same terms with every amount to the cent (after `check`)."""
        criteria = replace(self.criteria, max_per_trainee=euros(self.criteria.max_per_trainee))
        return replace(self, fund_amount=euros(self.fund_amount), envelope=euros(self.envelope), criteria=criteria)

    def criterion(self, code: str) -> ScoringCriterion | None:
        return next((c for c in self.grid if c.code == code), None)


def euros_min(fund_amount: Decimal) -> Decimal:
    return (MIN_ENVELOPE_SHARE * fund_amount).quantize(Decimal("0.01"))


class Call(AuditedAggregate):
    """A call for projects. Several may run in a year: each has a label, and its id derives from its
    year and label, so that the same call opened twice (a retried command, an import run again)
    collides on the id (the library refuses the second). A call without a label keeps the id calls
    had when there was one per year (the 2015 demo call's id, every stored call's)."""

    # Version 2 of the call's snapshots keeps the dates of its life (opening, closing, publication,
    # latest decision). A version 1 snapshot did not: its opening is taken as its first day of
    # applications, and the other dates stay unknown (their checks are skipped).
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["opened_on"] = state["terms"].opens_on
        state.update(closed_on=None, published_on=None, first_decision_on=None, last_decision_on=None, label="")

    @staticmethod
    def create_id(year: int, label: str = "") -> UUID:
        return uuid5(NAMESPACE_URL, f"coorace:fms-call:{year}" + (f":{label}" if label else ""))

    @classmethod
    def open(cls, year: int, terms: CallTerms, opened_on: date, label: str = "") -> Call:
        if not 2000 <= year <= 2100:
            raise CallRefused("year : l'année de l'appel est comprise entre 2000 et 2100", field="year")
        label = check_text(label, "label").strip()
        terms.check()
        return cls(year=year, terms=terms.in_cents(), opened_on=opened_on, label=label)

    # --- events: each declared once, with the fields it stores -------------------------------

    class Opened(AuditedAggregate.Created):
        """Version 2 adds `label`, which tells apart the calls of one year ("" for earlier calls)."""

        year: int
        terms: CallTerms
        opened_on: date
        label: str

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["label"] = ""

    class Amended(AuditedAggregate.Event):
        """Version 2 adds `on`, the day the amendment took effect (version 1 events get the day they
        were recorded, in Paris)."""

        terms: CallTerms
        reason: str
        on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            upcast_recording_day(state)

    class FirstApplicationReceived(AuditedAggregate.Event):
        pass

    class ToppedUp(AuditedAggregate.Event):
        amount: Decimal
        reason: str
        on: date

    class Closed(AuditedAggregate.Event):
        on: date

    class ResultsPublished(AuditedAggregate.Event):
        on: date

    class Cancelled(AuditedAggregate.Event):
        reason: str
        on: date

    class AuditGranted(AuditedAggregate.Event):
        auditor_id: str
        reason: str

    class AwardCommitted(AuditedAggregate.Event):
        """Version 2 adds `on`, the effective date of the decision or settlement that moved the money
        (version 1 events get the day they were recorded, in Paris)."""

        application_id: UUID
        amount: Decimal
        replaced: Decimal  # the commitment the application held before this decision
        available_after: Decimal
        on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            upcast_recording_day(state)

    class CommitmentReleased(AuditedAggregate.Event):
        """Version 2 adds `on`, the effective date of the decision or settlement that moved the money
        (version 1 events get the day they were recorded, in Paris)."""

        application_id: UUID
        amount: Decimal
        reason: str
        available_after: Decimal
        on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            upcast_recording_day(state)

    class AwardSettled(AuditedAggregate.Event):
        """Version 2 adds `on`, the effective date of the decision or settlement that moved the money
        (version 1 events get the day they were recorded, in Paris)."""

        application_id: UUID
        committed: Decimal
        paid: Decimal
        released: Decimal
        available_after: Decimal
        on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            upcast_recording_day(state)

    @event(Opened)
    def __init__(self, year: int, terms: CallTerms, opened_on: date, label: str) -> None:
        self.year = year
        self.label = label
        self.terms = terms
        self.opened_on = opened_on
        self.closed_on: date | None = None
        self.published_on: date | None = None
        # The first and latest decisions that moved the envelope (a rejection that released nothing
        # is not seen here).
        self.first_decision_on: date | None = None
        self.last_decision_on: date | None = None
        self.status = CallStatus.OPEN.value
        self.top_ups = ZERO
        self.commitments: dict[str, Decimal] = {}  # outstanding commitment per application id
        self.paid = ZERO
        self.applications_received = False
        self.auditors: tuple[str, ...] = ()

    # --- the envelope's figures ------------------------------------------------------------

    @property
    def envelope_total(self) -> Decimal:
        return self.terms.envelope + self.top_ups

    @property
    def committed(self) -> Decimal:
        return sum(self.commitments.values(), ZERO)

    @property
    def available(self) -> Decimal:
        return self.envelope_total - self.committed - self.paid

    def commitment_of(self, application_id: UUID) -> Decimal:
        return self.commitments.get(str(application_id), ZERO)

    # --- decisions about the call ----------------------------------------------------------

    @property
    def starts_on(self) -> date:
        """The first day of the call's life: its opening, or its first day of applications if earlier."""
        return min(self.opened_on, self.terms.opens_on)

    def amend(self, terms: CallTerms, reason: str, on: date) -> None:
        self._require_status(CallStatus.OPEN, "modifier l'appel")
        not_before(on, self.starts_on, "la modification de l'appel", "l'ouverture de l'appel")
        if self.applications_received:
            raise CallRefused("l'appel ne peut plus être modifié : une candidature a déjà été déposée")
        check_text(reason, "reason", multi_line=True)
        terms.check()
        terms = terms.in_cents()
        if terms == self.terms:
            raise CallRefused("rien à modifier : l'appel a déjà ces conditions")
        self._amended(terms, reason, on)

    def require_accepting_applications(self, on: date) -> None:
        self._require_not_cancelled("recevoir une candidature")
        if self.status != CallStatus.OPEN:
            raise CallRefused("l'appel à projets est clos : il n'accepte plus de candidatures ni de modifications")
        if on < self.terms.opens_on:
            raise CallRefused(
                f"on : l'appel à projets n'ouvre que le {self.terms.opens_on:%d/%m/%Y} "
                f"(candidature datée du {on:%d/%m/%Y})",
                field="on",
            )
        if on > self.terms.closes_on:
            raise CallRefused(
                f"on : l'appel à projets a clos le {self.terms.closes_on:%d/%m/%Y} "
                f"(candidature datée du {on:%d/%m/%Y})",
                field="on",
            )

    def receive_first_application(self) -> None:
        """Recorded once, with the first submitted application: from then on the terms are frozen."""
        if not self.applications_received:
            self._first_application_received()

    def top_up(self, amount: Decimal, reason: str, on: date) -> None:
        amount = euros(amount)
        if amount <= 0:
            raise CallRefused("amount : un abondement doit être positif", field="amount")
        self._require_not_cancelled("abonder l'enveloppe")
        if self.status == CallStatus.RESULTS_PUBLISHED:
            raise CallRefused("les résultats de l'appel sont publiés : l'enveloppe ne peut plus être abondée")
        if not check_text(reason, "reason", multi_line=True).strip():
            raise CallRefused(
                "reason : un abondement indique son origine (par exemple le partenaire qui le verse)", field="reason"
            )
        not_before(on, self.starts_on, "l'abondement", "l'ouverture de l'appel")
        self._topped_up(amount, reason, on)

    def close(self, on: date) -> None:
        self._require_status(CallStatus.OPEN, "clore l'appel")
        not_before(on, self.terms.opens_on, "la clôture", "l'ouverture des candidatures")
        not_after(on, self.first_decision_on, "la clôture", "la première décision")
        self._closed(on)

    def publish_results(self, on: date) -> None:
        self._require_status(CallStatus.CLOSED, "publier les résultats")
        not_before(on, self.closed_on, "la publication des résultats", "la clôture de l'appel")
        not_before(on, self.last_decision_on, "la publication des résultats", "la dernière décision")
        self._results_published(on)

    def require_deliberation_date(self, on: date, act: str) -> None:
        """Scores and decisions come after the call's closing (when it is closed) and before its
        results are published; a cancelled call takes none."""
        self._require_not_cancelled(f"enregistrer {act}")
        not_before(on, self.closed_on, act, "la clôture de l'appel")

    def cancel(self, reason: str, on: date) -> None:
        """A call opened by mistake, or abandoned: it takes no more applications, decisions or money.
        One that has committed or paid money is not cancelled (its decisions are taken back first)."""
        self._require_not_cancelled("annuler l'appel")
        if self.status == CallStatus.RESULTS_PUBLISHED:
            raise CallRefused("les résultats de l'appel sont publiés : il ne peut plus être annulé")
        if not check_text(reason, "reason", multi_line=True).strip():
            raise CallRefused("reason : une annulation est motivée", field="reason")
        if self.committed > 0 or self.paid > 0:
            raise CallRefused(
                f"l'appel a engagé {self.committed + self.paid} € : retirez ou rejetez d'abord ses décisions"
            )
        not_before(on, self.starts_on, "l'annulation", "l'ouverture de l'appel")
        self._cancelled(reason, on)

    def _require_not_cancelled(self, doing: str) -> None:
        if self.status == CallStatus.CANCELLED:
            raise CallRefused(f"impossible de {doing} : l'appel est annulé")

    def grant_audit(self, auditor_id: str, reason: str) -> None:
        check_text(auditor_id, "auditor_id")
        check_text(reason, "reason", multi_line=True)
        if not auditor_id.strip() or not reason.strip():
            raise CallRefused(
                "auditor_id : l'accès d'un auditeur nomme l'auditeur, et sa raison",
                field="auditor_id" if not auditor_id.strip() else "reason",
            )
        if auditor_id in self.auditors:
            raise CallRefused(f"l'auditeur {auditor_id} a déjà accès aux dossiers de décision de cet appel")
        self._audit_granted(auditor_id, reason)

    # --- the envelope's movements ----------------------------------------------------------

    def available_for(self, application_id: UUID) -> Decimal:
        """What an award to this application may reach: what is left, plus what the application
        already holds (a new decision replaces its previous commitment)."""
        return self.available + self.commitment_of(application_id)

    def commit(self, application_id: UUID, amount: Decimal, on: date) -> None:
        self._require_not_cancelled("engager l'enveloppe")
        if self.status == CallStatus.RESULTS_PUBLISHED:
            raise CallRefused(
                "les résultats de l'appel sont publiés : plus aucune décision ne peut engager l'enveloppe"
            )
        available = self.available_for(application_id)
        if amount > available:
            raise EnvelopeExceeded(amount, available)
        self.require_deliberation_date(on, "la décision")
        self._committed(application_id, amount, self.commitment_of(application_id), available - amount, on)

    def release(self, application_id: UUID, reason: str, on: date) -> None:
        held = self.commitment_of(application_id)
        if held > 0:
            self._released(application_id, held, reason, self.available + held, on)

    def settle(self, application_id: UUID, paid: Decimal, on: date) -> None:
        held = self.commitment_of(application_id)
        if paid > held:
            raise CallRefused(f"le solde ({paid} €) ne peut dépasser le montant engagé ({held} €)")
        not_before(on, self.published_on, "le solde", "la publication des résultats")
        self._settled(application_id, held, paid, held - paid, self.available + held - paid, on)

    def _require_status(self, status: CallStatus, doing: str) -> None:
        if self.status != status:
            raise CallRefused(f"impossible de {doing} : l'appel est à l'état « {STATUS_LABELS[self.status]} »")

    # --- how each event changes the call ---------------------------------------------------

    @event(Amended)
    def _amended(self, terms: CallTerms, reason: str, on: date) -> None:
        self.terms = terms

    @event(FirstApplicationReceived)
    def _first_application_received(self) -> None:
        self.applications_received = True

    @event(ToppedUp)
    def _topped_up(self, amount: Decimal, reason: str, on: date) -> None:
        self.top_ups += amount

    @event(Closed)
    def _closed(self, on: date) -> None:
        self.status = CallStatus.CLOSED.value
        self.closed_on = on

    @event(ResultsPublished)
    def _results_published(self, on: date) -> None:
        self.status = CallStatus.RESULTS_PUBLISHED.value
        self.published_on = on

    @event(Cancelled)
    def _cancelled(self, reason: str, on: date) -> None:
        self.status = CallStatus.CANCELLED.value

    @event(AuditGranted)
    def _audit_granted(self, auditor_id: str, reason: str) -> None:
        self.auditors = (*self.auditors, auditor_id)

    @event(AwardCommitted)
    def _committed(
        self, application_id: UUID, amount: Decimal, replaced: Decimal, available_after: Decimal, on: date
    ) -> None:
        self.commitments[str(application_id)] = amount
        self._decided_on(on)

    @event(CommitmentReleased)
    def _released(self, application_id: UUID, amount: Decimal, reason: str, available_after: Decimal, on: date) -> None:
        self.commitments.pop(str(application_id), None)
        self._decided_on(on)

    def _decided_on(self, on: date) -> None:
        self.first_decision_on = min(on, self.first_decision_on or on)
        self.last_decision_on = max(on, self.last_decision_on or on)

    @event(AwardSettled)
    def _settled(
        self,
        application_id: UUID,
        committed: Decimal,
        paid: Decimal,
        released: Decimal,
        available_after: Decimal,
        on: date,
    ) -> None:
        self.commitments.pop(str(application_id), None)
        self.paid += paid


STATUS_LABELS = {
    CallStatus.OPEN.value: "ouvert",
    CallStatus.CLOSED.value: "clos",
    CallStatus.RESULTS_PUBLISHED.value: "résultats publiés",
    CallStatus.CANCELLED.value: "annulé",
}
