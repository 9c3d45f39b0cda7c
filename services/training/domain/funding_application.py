"""The FundingApplication aggregate: one application to a call, from the draft to the settlement.

What was submitted is kept frozen (`submitted`); a later change is an amendment of the current
content, so that the difference with the submitted version can always be shown. The decision is
taken by national staff and reviewed by another staff member (four-eyes) before it is notified.
Time is passed in with each command (`on`): the domain never reads the clock.
"""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from services.training.domain.call import Call, CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.dates import not_before
from services.training.domain.errors import ApplicationRefused, NotPermitted
from services.training.domain.money import euros
from services.training.domain.scoring import check_scores, mean_score, weighted_total
from services.training.domain.settlement import Settlement, settle
from services.training.domain.values import (
    ApplicationContent,
    Check,
    CriterionScore,
    Enterprise,
    EnterpriseFacts,
    EnvelopeView,
    TrainingActual,
)
from shared.events import AuditedAggregate
from shared.values import check_text


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    DECIDED = "decided"  # a decision awaits its review
    SENT_BACK = "sent_back"  # the review sent the decision back: a new decision is expected
    AWARDED = "awarded"  # an award, approved and notified
    REJECTED = "rejected"  # a rejection, approved and notified
    SETTLED = "settled"


class Eligibility(StrEnum):
    PENDING = "pending"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"


OPEN_TO_DECISION = (ApplicationStatus.SUBMITTED, ApplicationStatus.SENT_BACK)


class FundingApplication(AuditedAggregate):
    @classmethod
    def draft(cls, call: Call, lead: Enterprise, content: ApplicationContent, on: date) -> FundingApplication:
        call.require_accepting_applications(on)
        check_content(lead, content, call.terms, complete=False)
        return cls(call_id=call.id, lead=lead, content=content, on=on)

    # --- events: each declared once, with the fields it stores -------------------------------

    class Drafted(AuditedAggregate.Created):
        call_id: UUID
        lead: Enterprise
        content: ApplicationContent
        on: date

    class Edited(AuditedAggregate.Event):
        content: ApplicationContent
        on: date

    class Submitted(AuditedAggregate.Event):
        content: ApplicationContent
        on: date

    class Amended(AuditedAggregate.Event):
        content: ApplicationContent
        reason: str
        on: date

    class Withdrawn(AuditedAggregate.Event):
        reason: str
        on: date

    class EligibilityChecked(AuditedAggregate.Event):
        """Version 2 adds `facts_on`, the day the register's facts were read as of (the call's
        closing date); version 1 checks read the facts as they stood when the check was made."""

        checks: tuple[Check, ...]
        facts: tuple[EnterpriseFacts, ...]  # the register's facts the checks read
        allowed_maximum: Decimal
        eligible: bool
        on: date
        facts_on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["facts_on"] = state["on"]

    class CheckOverridden(AuditedAggregate.Event):
        """Version 2 adds `on`, the day of the override (version 1 events, stored before, did not
        record it: they get the day of their timestamp, in UTC, when they are read)."""

        check: str
        reason: str
        by: str
        eligible: bool
        on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["on"] = state["timestamp"].astimezone(UTC).date()

    class ReviewerAssigned(AuditedAggregate.Event):
        reviewer_id: str
        reviewer_enterprise: str | None

    class ConflictDeclared(AuditedAggregate.Event):
        """An assigned reviewer declared a conflict of interest and stepped aside (recusal): they
        no longer score it, and are not assigned to it again."""

        reviewer_id: str
        reason: str
        on: date

    class Scored(AuditedAggregate.Event):
        reviewer_id: str
        scores: tuple[CriterionScore, ...]
        total: Decimal
        no_conflict_declared: bool
        on: date

    class AwardDecided(AuditedAggregate.Event):
        amount: Decimal
        requested: Decimal
        allowed_maximum: Decimal
        score: Decimal | None
        reason: str
        envelope: EnvelopeView
        decided_by: str
        on: date

    class RejectionDecided(AuditedAggregate.Event):
        reason: str
        score: Decimal | None
        envelope: EnvelopeView
        decided_by: str
        on: date

    class DecisionWithdrawn(AuditedAggregate.Event):
        """Its decider took the decision back before its review; the money it committed went back."""

        by: str
        reason: str
        on: date

    class DecisionApproved(AuditedAggregate.Event):
        reviewer_id: str
        comment: str
        on: date

    class DecisionSentBack(AuditedAggregate.Event):
        reviewer_id: str
        comment: str
        on: date

    class ActualsReported(AuditedAggregate.Event):
        actuals: tuple[TrainingActual, ...]
        on: date

    class Settled(AuditedAggregate.Event):
        amount: Decimal
        released: Decimal
        ratio: Decimal
        planned_trainee_hours: int
        delivered_trainee_hours: int
        ceiling_on_actuals: Decimal
        delivered_trainees: int
        delivered_hours: int
        delivered_cost: Decimal
        on: date

    @event(Drafted)
    def __init__(self, call_id: UUID, lead: Enterprise, content: ApplicationContent, on: date) -> None:
        self.call_id = call_id
        self.lead = lead
        self.content = content
        self.submitted: ApplicationContent | None = None
        self.status = ApplicationStatus.DRAFT.value
        self.eligibility = Eligibility.PENDING.value
        self.checks: tuple[Check, ...] = ()
        self.overrides: dict[str, str] = {}  # check code -> the written reason
        self.allowed_maximum: Decimal | None = None
        self.reviewers: dict[str, str | None] = {}  # reviewer id -> the reviewer's enterprise, if any
        self.recused: set[str] = set()  # reviewers who declared a conflict of interest
        self.score_totals: dict[str, Decimal] = {}  # reviewer id -> weighted total out of 100
        self.decision: str | None = None  # "award" or "reject"
        self.decision_amount: Decimal | None = None
        self.decided_by: str | None = None
        self.actuals: tuple[TrainingActual, ...] | None = None
        self.settled_amount: Decimal | None = None
        # The dates the steps took effect, which the next steps may not precede.
        self.drafted_on = on
        self.submitted_on: date | None = None
        self.decided_on: date | None = None
        self.reviewed_on: date | None = None  # the latest review (approval or send-back)
        self.actuals_on: date | None = None
        self.decision_withdrawn_on: date | None = None

    # --- what the rules read ---------------------------------------------------------------

    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): the lead applicant's."""
        return self.lead.member_id

    @property
    def enterprises(self) -> tuple[Enterprise, ...]:
        return (self.lead, *self.content.partners)

    def involves(self, member_id: str | None) -> bool:
        return member_id is not None and any(e.member_id == member_id for e in self.enterprises)

    @property
    def score(self) -> Decimal | None:
        return mean_score(self.score_totals.values())

    @property
    def awarded(self) -> Decimal:
        approved = self.status in (ApplicationStatus.AWARDED, ApplicationStatus.SETTLED)
        return self.decision_amount if approved and self.decision_amount is not None else Decimal(0)

    def _eligible_with(self, checks: tuple[Check, ...], overrides: dict[str, str]) -> bool:
        return all(c.passed or c.code in overrides for c in checks)

    def _require(self, *statuses: ApplicationStatus, doing: str) -> None:
        if self.status not in statuses:
            raise ApplicationRefused(f"impossible de {doing} : la candidature est « {STATUS_LABELS[self.status]} »")

    # --- the applicant's commands ----------------------------------------------------------

    def edit(self, call: Call, content: ApplicationContent, on: date) -> None:
        self._require(ApplicationStatus.DRAFT, doing="modifier le brouillon")
        call.require_accepting_applications(on)
        not_before(on, self.drafted_on, "la modification du brouillon", "sa création")
        check_content(self.lead, content, call.terms, complete=False)
        if content == self.content:
            raise ApplicationRefused("rien à modifier : le brouillon contient déjà ces éléments")
        self._edited(content, on)

    def submit(self, call: Call, on: date) -> None:
        self._require(ApplicationStatus.DRAFT, doing="déposer la candidature")
        call.require_accepting_applications(on)
        not_before(on, self.drafted_on, "le dépôt", "la création du brouillon")
        check_content(self.lead, self.content, call.terms, complete=True)
        self._submitted(self.content, on)

    def amend(self, call: Call, content: ApplicationContent, reason: str, on: date) -> None:
        self._require(ApplicationStatus.SUBMITTED, doing="modifier la candidature déposée")
        call.require_accepting_applications(on)
        not_before(on, self.submitted_on, "la modification de la candidature", "son dépôt")
        if self.score_totals:
            raise ApplicationRefused("la candidature a déjà été notée : elle ne peut plus être modifiée")
        if not check_text(reason, "reason", multi_line=True).strip():
            raise ApplicationRefused("reason : une modification après dépôt indique sa raison", field="reason")
        check_content(self.lead, content, call.terms, complete=True)
        if content == self.content:
            raise ApplicationRefused("rien à modifier : la candidature contient déjà ces éléments")
        self._amended(content, reason, on)

    def withdraw(self, call: Call, reason: str, on: date) -> None:
        check_text(reason, "reason", multi_line=True)
        self._require(ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, doing="retirer la candidature")
        if self.status == ApplicationStatus.SUBMITTED:
            # A submitted application leaves while the call still takes applications; a draft, which
            # never entered the call, may be withdrawn at any time (a draft left at the closing).
            call.require_accepting_applications(on)
        not_before(on, self.submitted_on or self.drafted_on, "le retrait", "la création de la candidature")
        self._withdrawn(reason, on)

    def report_actuals(self, actuals: tuple[TrainingActual, ...], on: date) -> None:
        self._require(ApplicationStatus.AWARDED, doing="déclarer les réalisations")
        not_before(on, self.reviewed_on, "la déclaration des réalisations", "la notification de l'aide")
        planned = len(self.content.trainings)
        if sorted(a.training for a in actuals) != list(range(planned)):
            raise ApplicationRefused(
                f"trainings : déclarez les réalisations de chacune des {planned} formations "
                "prévues, une fois chacune (0 stagiaire si une formation n'a pas eu lieu)",
                field="trainings",
            )
        for i, a in enumerate(actuals):
            euros(a.cost, f"trainings[{i}].cost")
            if a.trainees < 0 or a.hours < 0:
                raise ApplicationRefused(
                    "trainings : stagiaires et heures réalisés sont positifs ou nuls", field="trainings"
                )
        self._actuals_reported(actuals, on)

    # --- eligibility (automatic, and national staff's overrides) -------------------------------

    def record_eligibility(
        self,
        checks: tuple[Check, ...],
        facts: tuple[EnterpriseFacts, ...],
        maximum: Decimal,
        on: date,
        *,
        facts_on: date | None = None,
    ) -> None:
        """Record a check made on `on` from the register's facts as of `facts_on` (default: `on`)."""
        self._require(*OPEN_TO_DECISION, doing="vérifier l'éligibilité")
        not_before(on, self.submitted_on, "la vérification de l'éligibilité", "le dépôt de la candidature")
        overrides = {code: reason for code, reason in self.overrides.items() if any(c.code == code for c in checks)}
        eligible = self._eligible_with(checks, overrides)
        self._eligibility_checked(checks, facts, maximum, eligible, on, facts_on or on)

    def override_check(self, code: str, reason: str, by: str, on: date) -> None:
        check_text(code, "check")
        check_text(reason, "reason", multi_line=True)
        self._require(*OPEN_TO_DECISION, doing="lever un critère d'éligibilité")
        not_before(on, self.submitted_on, "la levée d'un critère", "le dépôt de la candidature")
        check = next((c for c in self.checks if c.code == code), None)
        if check is None:
            raise ApplicationRefused(
                f"check : aucun critère « {code} » dans la dernière vérification "
                f"(critères : {', '.join(c.code for c in self.checks) or 'aucun'})",
                field="check",
            )
        if check.passed or code in self.overrides:
            raise ApplicationRefused(f"check : le critère « {code} » n'est pas en échec", field="check")
        if not reason.strip():
            raise ApplicationRefused("reason : la levée d'un critère est motivée par écrit", field="reason")
        eligible = self._eligible_with(self.checks, {**self.overrides, code: reason})
        self._check_overridden(code, reason, by, eligible, on)

    # --- scoring -------------------------------------------------------------------------

    def assign_reviewer(self, reviewer_id: str, reviewer_enterprise: str | None) -> None:
        if not check_text(reviewer_id, "reviewer_id").strip():
            raise ApplicationRefused("reviewer_id : nommez l'évaluateur", field="reviewer_id")
        self._require(*OPEN_TO_DECISION, doing="affecter un évaluateur")
        if reviewer_id in self.reviewers:
            raise ApplicationRefused(f"l'évaluateur {reviewer_id} est déjà affecté à cette candidature")
        if reviewer_id in self.recused:
            raise ApplicationRefused(
                f"conflit d'intérêts : l'évaluateur {reviewer_id} s'est déporté de cette candidature"
            )
        if self.involves(reviewer_enterprise):
            raise ApplicationRefused("conflit d'intérêts : l'évaluateur appartient à une entreprise candidate")
        self._reviewer_assigned(reviewer_id, reviewer_enterprise)

    def declare_conflict(self, reviewer_id: str, reason: str, on: date) -> None:
        """The assigned reviewer declares a conflict of interest: they step aside, before scoring."""
        if reviewer_id not in self.reviewers:
            raise NotPermitted("vous n'êtes pas affecté à l'évaluation de cette candidature")
        if not check_text(reason, "reason", multi_line=True).strip():
            raise ApplicationRefused("reason : décrivez le conflit d'intérêts en quelques mots", field="reason")
        if reviewer_id in self.score_totals:
            raise ApplicationRefused(
                "vous avez déjà noté cette candidature : le conflit se signale à l'équipe nationale"
            )
        self._require(*OPEN_TO_DECISION, doing="se déporter")
        not_before(on, self.submitted_on, "la déclaration de conflit d'intérêts", "le dépôt de la candidature")
        self._conflict_declared(reviewer_id, reason, on)

    def score_by(
        self,
        reviewer_id: str,
        reviewer_enterprise: str | None,
        no_conflict_declared: bool,
        grid: tuple[ScoringCriterion, ...],
        scores: tuple[CriterionScore, ...],
        on: date,
    ) -> None:
        if reviewer_id not in self.reviewers:
            raise NotPermitted("vous n'êtes pas affecté à l'évaluation de cette candidature")
        if self.involves(reviewer_enterprise) or self.involves(self.reviewers[reviewer_id]):
            raise NotPermitted("vous ne pouvez pas noter une candidature de votre propre entreprise")
        if not no_conflict_declared:
            raise ApplicationRefused(
                "no_conflict_of_interest : déclarez l'absence de conflit d'intérêts avant de noter",
                field="no_conflict_of_interest",
            )
        self._require(*OPEN_TO_DECISION, doing="noter la candidature")
        not_before(on, self.submitted_on, "la notation", "le dépôt de la candidature")
        if self.eligibility != Eligibility.ELIGIBLE:
            raise ApplicationRefused("seules les candidatures éligibles sont notées")
        check_scores(grid, scores)
        self._scored(reviewer_id, scores, weighted_total(grid, scores), no_conflict_declared, on)

    # --- the decision and its review ---------------------------------------------------------

    def decide_award(
        self, amount: Decimal, maximum: Decimal, reason: str, envelope: EnvelopeView, decided_by: str, on: date
    ) -> None:
        check_text(reason, "reason", multi_line=True)
        self._require(*OPEN_TO_DECISION, doing="décider d'une aide")
        self._require_decision_date(on)
        amount = euros(amount)
        if self.eligibility != Eligibility.ELIGIBLE:
            raise ApplicationRefused("la candidature n'est pas éligible : elle ne peut recevoir d'aide")
        if not self.score_totals:
            raise ApplicationRefused("la candidature n'a pas encore été notée")
        if amount <= 0:
            raise ApplicationRefused(
                "amount : une aide est un montant positif (sinon, décidez un rejet)", field="amount"
            )
        if amount > self.content.requested:
            raise ApplicationRefused(
                f"amount : {amount} € dépasse le cofinancement demandé ({self.content.requested} €)", field="amount"
            )
        if amount > maximum:
            raise ApplicationRefused(
                f"amount : {amount} € dépasse le plafond que permettent les critères de l'appel ({maximum} €)",
                field="amount",
            )
        self._award_decided(amount, self.content.requested, maximum, self.score, reason, envelope, decided_by, on)

    def decide_rejection(self, reason: str, envelope: EnvelopeView, decided_by: str, on: date) -> None:
        check_text(reason, "reason", multi_line=True)
        self._require(*OPEN_TO_DECISION, doing="rejeter la candidature")
        self._require_decision_date(on)
        if not reason.strip():
            raise ApplicationRefused("reason : un rejet est motivé", field="reason")
        self._rejection_decided(reason, self.score, envelope, decided_by, on)

    def _require_decision_date(self, on: date) -> None:
        not_before(on, self.submitted_on, "la décision", "le dépôt de la candidature")
        not_before(on, self.reviewed_on, "la nouvelle décision", "le renvoi de la précédente")
        not_before(on, self.decision_withdrawn_on, "la nouvelle décision", "le retrait de la précédente")

    def withdraw_decision(self, by: str, reason: str, on: date) -> None:
        """Its decider takes back a decision not reviewed yet (the caller releases its money); the
        application awaits a decision again."""
        check_text(reason, "reason", multi_line=True)
        self._require(ApplicationStatus.DECIDED, doing="retirer la décision")
        if by != self.decided_by:
            raise NotPermitted("seul le membre de l'équipe nationale qui a pris la décision peut la retirer")
        if not reason.strip():
            raise ApplicationRefused("reason : le retrait d'une décision est motivé", field="reason")
        not_before(on, self.decided_on, "le retrait de la décision", "la décision")
        self._decision_withdrawn(by, reason, on)

    def review(self, approve: bool, comment: str, reviewer_id: str, on: date) -> None:
        check_text(comment, "comment", multi_line=True)
        self._require(ApplicationStatus.DECIDED, doing="relire la décision")
        not_before(on, self.decided_on, "la relecture", "la décision")
        if reviewer_id == self.decided_by:
            raise NotPermitted("vous avez pris cette décision : un autre membre de l'équipe nationale doit la relire")
        if approve:
            self._decision_approved(reviewer_id, comment, on)
        elif not comment.strip():
            raise ApplicationRefused("comment : un renvoi explique ce qui doit être revu", field="comment")
        else:
            self._decision_sent_back(reviewer_id, comment, on)

    def settle(self, criteria: EligibilityCriteria, on: date) -> Settlement:
        """Settle the award on the reported actuals; the caller returns `released` to the envelope."""
        self._require(ApplicationStatus.AWARDED, doing="solder l'aide")
        if self.actuals is None or self.decision_amount is None:
            raise ApplicationRefused("les réalisations n'ont pas encore été déclarées")
        not_before(on, self.actuals_on, "le solde", "la déclaration des réalisations")
        delivered = self.actuals
        settlement = settle(self.decision_amount, self.content.trainings, delivered, criteria)
        self._settled(
            settlement.amount,
            settlement.released,
            settlement.ratio,
            settlement.planned_trainee_hours,
            settlement.delivered_trainee_hours,
            settlement.ceiling_on_actuals,
            sum(a.trainees for a in delivered),
            sum(a.hours for a in delivered),
            sum((a.cost for a in delivered), Decimal(0)),
            on,
        )
        return settlement

    # --- how each event changes the funding application -------------------------------------

    @event(Edited)
    def _edited(self, content: ApplicationContent, on: date) -> None:
        self.content = content

    @event(Submitted)
    def _submitted(self, content: ApplicationContent, on: date) -> None:
        self.submitted = content
        self.status = ApplicationStatus.SUBMITTED.value
        self.submitted_on = on

    @event(Amended)
    def _amended(self, content: ApplicationContent, reason: str, on: date) -> None:
        self.content = content
        self.eligibility = Eligibility.PENDING.value

    @event(Withdrawn)
    def _withdrawn(self, reason: str, on: date) -> None:
        self.status = ApplicationStatus.WITHDRAWN.value

    @event(EligibilityChecked)
    def _eligibility_checked(
        self,
        checks: tuple[Check, ...],
        facts: tuple[EnterpriseFacts, ...],
        allowed_maximum: Decimal,
        eligible: bool,
        on: date,
        facts_on: date,
    ) -> None:
        self.checks = checks
        self.overrides = {code: r for code, r in self.overrides.items() if any(c.code == code for c in checks)}
        self.allowed_maximum = allowed_maximum
        self.eligibility = (Eligibility.ELIGIBLE if eligible else Eligibility.INELIGIBLE).value

    @event(CheckOverridden)
    def _check_overridden(self, check: str, reason: str, by: str, eligible: bool, on: date) -> None:
        self.overrides[check] = reason
        self.eligibility = (Eligibility.ELIGIBLE if eligible else Eligibility.INELIGIBLE).value

    @event(ReviewerAssigned)
    def _reviewer_assigned(self, reviewer_id: str, reviewer_enterprise: str | None) -> None:
        self.reviewers[reviewer_id] = reviewer_enterprise

    @event(ConflictDeclared)
    def _conflict_declared(self, reviewer_id: str, reason: str, on: date) -> None:
        self.reviewers.pop(reviewer_id, None)
        self.recused.add(reviewer_id)

    @event(Scored)
    def _scored(
        self, reviewer_id: str, scores: tuple[CriterionScore, ...], total: Decimal, no_conflict_declared: bool, on: date
    ) -> None:
        self.score_totals[reviewer_id] = total

    @event(AwardDecided)
    def _award_decided(
        self,
        amount: Decimal,
        requested: Decimal,
        allowed_maximum: Decimal,
        score: Decimal | None,
        reason: str,
        envelope: EnvelopeView,
        decided_by: str,
        on: date,
    ) -> None:
        self.status = ApplicationStatus.DECIDED.value
        self.decision, self.decision_amount, self.decided_by = "award", amount, decided_by
        self.decided_on = on

    @event(RejectionDecided)
    def _rejection_decided(
        self, reason: str, score: Decimal | None, envelope: EnvelopeView, decided_by: str, on: date
    ) -> None:
        self.status = ApplicationStatus.DECIDED.value
        self.decision, self.decision_amount, self.decided_by = "reject", None, decided_by
        self.decided_on = on

    @event(DecisionWithdrawn)
    def _decision_withdrawn(self, by: str, reason: str, on: date) -> None:
        self.status = ApplicationStatus.SUBMITTED.value
        self.decision, self.decision_amount, self.decided_by, self.decided_on = None, None, None, None
        self.decision_withdrawn_on = on

    @event(DecisionApproved)
    def _decision_approved(self, reviewer_id: str, comment: str, on: date) -> None:
        self.status = (ApplicationStatus.AWARDED if self.decision == "award" else ApplicationStatus.REJECTED).value
        self.reviewed_on = on

    @event(DecisionSentBack)
    def _decision_sent_back(self, reviewer_id: str, comment: str, on: date) -> None:
        self.status = ApplicationStatus.SENT_BACK.value
        self.reviewed_on = on

    @event(ActualsReported)
    def _actuals_reported(self, actuals: tuple[TrainingActual, ...], on: date) -> None:
        self.actuals = actuals
        self.actuals_on = on

    @event(Settled)
    def _settled(
        self,
        amount: Decimal,
        released: Decimal,
        ratio: Decimal,
        planned_trainee_hours: int,
        delivered_trainee_hours: int,
        ceiling_on_actuals: Decimal,
        delivered_trainees: int,
        delivered_hours: int,
        delivered_cost: Decimal,
        on: date,
    ) -> None:
        self.status = ApplicationStatus.SETTLED.value
        self.settled_amount = amount


def check_content(lead: Enterprise, content: ApplicationContent, terms: CallTerms, *, complete: bool) -> None:
    """What any version of an application must respect; `complete` adds what a submission needs."""
    check_text(content.title, "title")
    check_text(content.summary, "summary", multi_line=True)
    if not content.title.strip():
        raise ApplicationRefused("title : une candidature a un titre", field="title")
    partner_ids = [p.member_id for p in content.partners]
    if len(set(partner_ids)) != len(partner_ids) or lead.member_id in partner_ids:
        raise ApplicationRefused(
            "partners : une entreprise figure deux fois parmi les entreprises candidates", field="partners"
        )
    members = {lead.member_id, *partner_ids}
    euros(content.requested, "requested")
    for i, training in enumerate(content.trainings):
        where = f"trainings[{i}]"
        check_text(training.title, f"{where}.title")
        if not training.title.strip():
            raise ApplicationRefused(f"{where}.title : une formation a un intitulé", field=f"{where}.title")
        if training.enterprise_id not in members:
            raise ApplicationRefused(
                f"{where}.enterprise_id : les stagiaires sont salariés de l'une des entreprises candidates",
                field=f"{where}.enterprise_id",
            )
        if training.hours <= 0 or training.trainees <= 0:
            raise ApplicationRefused(f"{where} : une formation compte au moins une heure et un stagiaire", field=where)
        euros(training.cost, f"{where}.cost")
        if training.priority and training.title not in terms.priority_trainings:
            raise ApplicationRefused(
                f"{where}.priority : « {training.title} » ne figure pas dans la liste des "
                "formations prioritaires de l'appel",
                field=f"{where}.priority",
            )
    if complete:
        if not content.trainings:
            raise ApplicationRefused(
                "trainings : une candidature déposée prévoit au moins une formation", field="trainings"
            )
        if content.requested <= 0:
            raise ApplicationRefused("requested : indiquez le cofinancement demandé", field="requested")


STATUS_LABELS = {
    ApplicationStatus.DRAFT.value: "brouillon",
    ApplicationStatus.SUBMITTED.value: "déposée",
    ApplicationStatus.WITHDRAWN.value: "retirée",
    ApplicationStatus.DECIDED.value: "décision en relecture",
    ApplicationStatus.SENT_BACK.value: "décision renvoyée",
    ApplicationStatus.AWARDED.value: "aide accordée",
    ApplicationStatus.REJECTED.value: "rejetée",
    ApplicationStatus.SETTLED.value: "soldée",
}
