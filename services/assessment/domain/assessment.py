"""The Assessment aggregate: one member's (or one GES group's) self-assessment on le Cap.

Its state is a `Sheet` (see `sheet.py`): every event is folded into it by the same function the
read models and the auditor's replay use, so the aggregate's decisions, the projections and any
replay agree by construction. The `@event` methods below therefore only name the event and its
fields; the state change of each is in the fold.

Every event carries `at`, when it happened (the command's time, passed in; never earlier than the
assessment's previous event, so that "as of" a time is always a prefix of the events).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from services.assessment.domain.answers import divergent, effective_answer, effective_answers, to_revisit
from services.assessment.domain.errors import AssessmentRefused, Forbidden, UnknownIndicator
from services.assessment.domain.plan import plan_of
from services.assessment.domain.referential import LEVELS, Referential
from services.assessment.domain.sheet import Sheet, apply_event
from shared.events import AuditedAggregate
from shared.values import check_text

PRACTICES = ("in_place", "planned")
PARTICIPANT_KINDS = ("staff", "volunteer")
THIRD_PARTY_ROLES = ("regional_delegate", "trainer")
SCOPES = ("member", "group")
SHOWN = 8  # how many indicator codes a refusal lists


@dataclass(frozen=True)
class Respondent:
    """Who records a participant's answer (from the bearer token). A participant answers in their
    own name only; the member's admin may also record the answer of an invited participant (a
    volunteer without an account, answers given on paper at a collective session), never replace or
    flag what a participant answered in their own name. The event keeps both: the participant, and
    the author who typed it."""

    subject: str
    admin: bool


@dataclass(frozen=True)
class Reviewer:
    """Who is acting as a reviewer (from the bearer token)."""

    subject: str
    roles: frozenset[str]
    tenant: str | None


def _codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN])
    return shown + (f" (et {len(codes) - SHOWN} autres)" if len(codes) > SHOWN else "")


class Assessment(AuditedAggregate):
    sheet: Sheet

    # --- events: each declared once (the class name is part of the stored topic); their state
    # change is the sheet fold, so the methods that trigger them below have empty bodies --------

    class Event(AuditedAggregate.Event):
        at: datetime  # when it happened (never before the assessment's previous event)

        def apply(self, aggregate: Any) -> None:
            aggregate.sheet = apply_event(getattr(aggregate, "sheet", None), self)

    class Created(Event, AuditedAggregate.Created):
        pass

    class Started(Created):
        tenant_id: str
        region: str
        forms: tuple[str, ...]
        scope: str
        referential_version: str
        previous_assessment_id: str | None
        started_on: date

    class ParticipantInvited(Event):
        participant_id: str
        # Events before the directory copied the name the team typed; now None: the name is the
        # directory's (one place for personal data, see docs/architecture.md, "People and the portal").
        name: str | None
        kind: str
        sub_themes: tuple[str, ...]

    class SubThemesAssigned(Event):
        participant_id: str
        sub_themes: tuple[str, ...]

    class Answered(Event):
        indicator: str
        participant_id: str
        level: int
        comment: str
        practice: str
        improve: bool
        revisit: bool

    class RevisitMarked(Event):
        indicator: str
        participant_id: str
        revisit: bool

    class AnswerSettled(Event):
        indicator: str
        level: int
        practice: str
        improve: bool
        comment: str
        from_versions: tuple[int, ...]

    class Submitted(Event):
        pass

    class ReviewRequested(Event):
        request_id: str
        kind: str
        reviewer_id: str | None
        reviewer_role: str | None
        reviewer_tenant: str | None

    class ReviewCommented(Event):
        request_id: str
        indicator: str
        comment: str
        proposal_id: str | None
        proposed_level: int | None
        reason: str | None

    class ReviewCompleted(Event):
        request_id: str
        summary: str

    class ProposalAccepted(Event):
        proposal_id: str

    class ProposalRejected(Event):
        proposal_id: str
        reason: str

    class Validated(Event):
        pass

    class Superseded(Event):
        by_assessment_id: str

    class ActionAdopted(Event):
        indicator: str

    class ActionScheduled(Event):
        indicator: str
        owner: str
        due_on: date

    class ActionCompleted(Event):
        indicator: str
        completed_on: date

    class ActionDropped(Event):
        indicator: str
        reason: str

    @event(Started)
    def __init__(
        self,
        tenant_id: str,
        region: str,
        forms: tuple[str, ...],
        scope: str,
        referential_version: str,
        previous_assessment_id: str | None,
        started_on: date,
        at: datetime,
    ) -> None:
        pass

    @classmethod
    def start(
        cls,
        *,
        tenant_id: str,
        region: str,
        forms: tuple[str, ...],
        scope: str,
        referential: Referential,
        previous: Assessment | None,
        started_on: date,
        at: datetime,
    ) -> Assessment:
        if scope not in SCOPES:
            raise AssessmentRefused(f"scope : « member » ou « group » attendu, pas {scope!r}")
        if scope == "group" and "GES" not in forms:
            raise AssessmentRefused("seul un groupe économique solidaire (GES) peut évaluer son groupe")
        if previous is not None:
            previous.require_replaceable()
            at = max(at, previous.sheet.last_at or at)
        return cls(
            tenant_id=tenant_id,
            region=region,
            forms=tuple(forms),
            scope=scope,
            referential_version=referential.version,
            previous_assessment_id=str(previous.id) if previous else None,
            started_on=started_on,
            at=at,
        )

    # --- state checks ----------------------------------------------------------------------

    @property
    def status(self) -> str:
        return self.sheet.status

    @property
    def tenant_id(self) -> str:
        return self.sheet.tenant_id

    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): the assessed member's."""
        return self.tenant_id

    def _at(self, at: datetime) -> datetime:
        last = self.sheet.last_at
        return at if last is None or at >= last else last

    def _require_open(self) -> None:
        if self.sheet.superseded_by is not None:
            raise AssessmentRefused("cette évaluation a été remplacée par une nouvelle : elle est en lecture seule")
        if self.status == "validated":
            raise AssessmentRefused("l'évaluation est validée : elle est en lecture seule")

    def _require_drafting(self) -> None:
        self._require_open()
        if self.status != "in_progress":
            raise AssessmentRefused(
                "l'auto-évaluation est soumise : ses réponses ne peuvent plus changer "
                "(un relecteur peut proposer un autre niveau)"
            )

    def _indicator(self, referential: Referential, code: str) -> Any:
        indicator = referential.indicator(code)
        if indicator is None:
            raise UnknownIndicator(code, referential.version)
        return indicator

    def _sub_themes(self, referential: Referential, sub_themes: tuple[str, ...]) -> tuple[str, ...]:
        known = referential.sub_theme_codes()
        unknown = [s for s in sub_themes if s not in known]
        if unknown:
            raise AssessmentRefused(
                f"sous-thème(s) inconnu(s) : {', '.join(unknown)} ; sous-thèmes : {', '.join(known)}"
            )
        return tuple(sorted(set(sub_themes), key=known.index))

    @staticmethod
    def request_id_at(version: int) -> str:
        """The id of the review request created by the event of this version."""
        return f"r{version}"

    @staticmethod
    def proposal_id_at(version: int) -> str:
        """The id of the proposal made by the review comment of this version."""
        return f"p{version}"

    def _check_respondent(self, respondent: Respondent, participant_id: str, indicator: str) -> None:
        if participant_id == respondent.subject:
            return
        if not respondent.admin:
            raise Forbidden(
                f"participant_id : vous répondez en votre nom seulement ({respondent.subject}), "
                f"pas au nom de {participant_id}",
                field="participant_id",
            )
        given = self.sheet.answers.get(indicator, {}).get(participant_id)
        if given is not None and given.author_id == participant_id:
            raise Forbidden(
                f"participant_id : {participant_id} a répondu en son nom à l'indicateur {indicator} ; "
                "sa réponse est la sienne (si l'équipe n'est pas d'accord, elle arbitre la réponse de l'évaluation)",
                field="participant_id",
            )

    def require_replaceable(self) -> None:
        if self.status != "validated":
            raise AssessmentRefused("seule une évaluation validée peut être rouverte (par une nouvelle évaluation)")
        if self.sheet.superseded_by is not None:
            raise AssessmentRefused(f"cette évaluation a déjà été rouverte : voir {self.sheet.superseded_by}")

    # --- participants and answers ------------------------------------------------------------

    def invite(
        self,
        *,
        participant_id: str,
        kind: str,
        sub_themes: tuple[str, ...],
        referential: Referential,
        at: datetime,
        name: str | None = None,
    ) -> None:
        self._require_drafting()
        check_text(participant_id, "participant_id")
        if name is not None:
            check_text(name, "name")
        if participant_id in self.sheet.participants:
            raise AssessmentRefused(f"{participant_id} participe déjà à cette évaluation")
        if kind not in PARTICIPANT_KINDS:
            raise AssessmentRefused("kind : « staff » (salarié·e) ou « volunteer » (bénévole) attendu", field="kind")
        self._participant_invited(
            participant_id,
            None if name is None else name.strip(),
            kind,
            self._sub_themes(referential, sub_themes),
            self._at(at),
        )

    def assign(
        self, *, participant_id: str, sub_themes: tuple[str, ...], referential: Referential, at: datetime
    ) -> None:
        self._require_drafting()
        participant = self._participant(participant_id)
        sub_themes = self._sub_themes(referential, sub_themes)
        if tuple(participant.sub_themes) == sub_themes:
            raise AssessmentRefused(f"{participant_id} a déjà ces sous-thèmes")
        self._sub_themes_assigned(participant_id, sub_themes, self._at(at))

    def _participant(self, participant_id: str) -> Any:
        participant = self.sheet.participants.get(participant_id)
        if participant is None:
            raise AssessmentRefused(
                f"{participant_id} n'est pas invité·e à cette évaluation : "
                "l'administrateur de l'adhérent doit d'abord l'inviter"
            )
        return participant

    def answer(
        self,
        *,
        indicator: str,
        participant_id: str,
        level: int,
        comment: str,
        practice: str,
        improve: bool,
        revisit: bool,
        referential: Referential,
        at: datetime,
        respondent: Respondent,
    ) -> None:
        self._require_drafting()
        definition = self._indicator(referential, indicator)
        self._check_respondent(respondent, participant_id, indicator)
        participant = self._participant(participant_id)
        check_text(comment, "comment", multi_line=True)
        if participant.sub_themes and definition.sub_theme not in participant.sub_themes:
            raise AssessmentRefused(
                f"{participant_id} répond aux sous-thèmes {', '.join(participant.sub_themes)} : "
                f"l'indicateur {indicator} ({definition.sub_theme}) ne lui est pas confié"
            )
        self._check_level(level)
        if practice not in PRACTICES:
            raise AssessmentRefused(
                "practice : « in_place » (en place) ou « planned » (prévue) attendu", field="practice"
            )
        self._answered(indicator, participant_id, level, comment.strip(), practice, improve, revisit, self._at(at))

    def mark_revisit(
        self, *, indicator: str, participant_id: str, revisit: bool, at: datetime, respondent: Respondent
    ) -> None:
        self._require_drafting()
        self._check_respondent(respondent, participant_id, indicator)
        answer = self.sheet.answers.get(indicator, {}).get(participant_id)
        if answer is None:
            raise AssessmentRefused(f"{participant_id} n'a pas encore répondu à l'indicateur {indicator}")
        if answer.revisit == revisit:
            raise AssessmentRefused("la réponse est déjà marquée ainsi")
        self._revisit_marked(indicator, participant_id, revisit, self._at(at))

    def settle(
        self,
        *,
        indicator: str,
        level: int,
        practice: str,
        improve: bool,
        comment: str,
        referential: Referential,
        at: datetime,
    ) -> None:
        self._require_drafting()
        self._indicator(referential, indicator)
        given = self.sheet.answers.get(indicator)
        if not given:
            raise AssessmentRefused(
                f"aucun participant n'a encore répondu à l'indicateur {indicator} : il n'y a rien à arbitrer"
            )
        self._check_level(level)
        if practice not in PRACTICES:
            raise AssessmentRefused(
                "practice : « in_place » (en place) ou « planned » (prévue) attendu", field="practice"
            )
        check_text(comment, "comment", multi_line=True)
        from_versions = tuple(sorted(a.version for a in given.values()))
        self._answer_settled(indicator, level, practice, improve, comment.strip(), from_versions, self._at(at))

    @staticmethod
    def _check_level(level: int) -> None:
        if level not in LEVELS:
            raise AssessmentRefused("level : un niveau de 1 à 4 est attendu", field="level")

    def submit(self, *, referential: Referential, at: datetime) -> None:
        self._require_drafting()
        answered = effective_answers(self.sheet)
        missing = [code for code in referential.indicators if code not in answered and code not in self.sheet.answers]
        if missing:
            raise AssessmentRefused(f"il reste des indicateurs sans réponse : {_codes(missing)}", indicators=missing)
        split = divergent(self.sheet)
        if split:
            raise AssessmentRefused(
                f"les participants ne sont pas d'accord sur : {_codes(split)} ; "
                "arbitrez la réponse de l'équipe avant de soumettre",
                indicators=split,
            )
        revisit = to_revisit(self.sheet)
        if revisit:
            raise AssessmentRefused(f"des réponses sont marquées « à revoir » : {_codes(revisit)}", indicators=revisit)
        self._submitted(self._at(at))

    # --- reviews -----------------------------------------------------------------------------

    def request_review(
        self,
        *,
        kind: str,
        reviewer_id: str | None,
        reviewer_role: str | None,
        reviewer_tenant: str | None,
        at: datetime,
    ) -> str:
        self._require_open()
        if self.status == "in_progress":
            raise AssessmentRefused("soumettez l'auto-évaluation avant de demander une relecture")
        for value, field in ((reviewer_id, "reviewer_id"), (reviewer_tenant, "reviewer_tenant")):
            if value is not None:
                check_text(value, field)
        if kind == "third_party":
            if not reviewer_id or reviewer_role not in THIRD_PARTY_ROLES:
                raise AssessmentRefused(
                    "une relecture par un tiers nomme son relecteur (reviewer_id) et son rôle : "
                    "délégué·e régional·e (regional_delegate) ou formateur·rice (trainer)"
                )
            if reviewer_id in self.sheet.participants:
                raise AssessmentRefused(f"{reviewer_id} participe à l'évaluation : un relecteur vient d'ailleurs")
            reviewer_tenant = None
        elif kind == "peer":
            if not reviewer_tenant:
                raise AssessmentRefused("une relecture par un pair nomme l'adhérent relecteur (reviewer_tenant)")
            if reviewer_tenant == self.tenant_id:
                raise AssessmentRefused("un pair relecteur est un autre adhérent que l'adhérent évalué")
            reviewer_id = reviewer_role = None
        else:
            raise AssessmentRefused(
                "kind : « third_party » (délégué·e ou formateur·rice) ou « peer » (un pair)", field="kind"
            )
        for review in self.sheet.reviews.values():
            if review.status == "requested" and (review.reviewer_id, review.reviewer_tenant) == (
                reviewer_id,
                reviewer_tenant,
            ):
                raise AssessmentRefused(f"une relecture par ce relecteur est déjà en cours ({review.request_id})")
        request_id = self.request_id_at(self.version + 1)
        self._review_requested(request_id, kind, reviewer_id, reviewer_role, reviewer_tenant, self._at(at))
        return request_id

    def _open_review(self, request_id: str, reviewer: Reviewer) -> Any:
        self._require_open()
        review = self.sheet.reviews.get(request_id)
        if review is None:
            raise AssessmentRefused(f"aucune demande de relecture {request_id} pour cette évaluation")
        if reviewer.tenant is not None and reviewer.tenant == self.tenant_id:
            raise Forbidden("un relecteur ne peut pas venir de l'adhérent évalué")
        named = (
            reviewer.subject == review.reviewer_id
            if review.kind == "third_party"
            else reviewer.tenant == review.reviewer_tenant and "peer_reviewer" in reviewer.roles
        )
        if not named:
            raise Forbidden(f"la relecture {request_id} est confiée à un autre relecteur")
        if review.status != "requested":
            raise AssessmentRefused(f"la relecture {request_id} est terminée")
        return review

    def comment(
        self,
        *,
        request_id: str,
        reviewer: Reviewer,
        indicator: str,
        comment: str,
        proposed_level: int | None,
        reason: str | None,
        referential: Referential,
        at: datetime,
    ) -> str | None:
        self._open_review(request_id, reviewer)
        self._indicator(referential, indicator)
        check_text(comment, "comment", multi_line=True)
        if reason is not None:
            check_text(reason, "reason", multi_line=True)
        if not comment.strip():
            raise AssessmentRefused("comment : le commentaire du relecteur est vide", field="comment")
        proposal_id = None
        if proposed_level is not None:
            self._check_level(proposed_level)
            if not (reason or "").strip():
                raise AssessmentRefused("reason : une proposition de niveau s'accompagne de sa raison", field="reason")
            current = effective_answer(self.sheet, indicator)
            if current is not None and current.level == proposed_level:
                raise AssessmentRefused(f"l'évaluation a déjà le niveau {proposed_level} pour {indicator}")
            pending = [
                p
                for p in self.sheet.proposals.values()
                if p.request_id == request_id and p.indicator == indicator and p.decision is None
            ]
            if pending:
                raise AssessmentRefused(
                    f"une proposition sur {indicator} attend déjà la décision de l'équipe ({pending[0].proposal_id})"
                )
            proposal_id = self.proposal_id_at(self.version + 1)
        self._review_commented(
            request_id,
            indicator,
            comment.strip(),
            proposal_id,
            proposed_level,
            (reason or "").strip() or None,
            self._at(at),
        )
        return proposal_id

    def complete_review(self, *, request_id: str, reviewer: Reviewer, summary: str, at: datetime) -> None:
        self._open_review(request_id, reviewer)
        check_text(summary, "summary", multi_line=True)
        self._review_completed(request_id, summary.strip(), self._at(at))

    def _undecided(self, proposal_id: str) -> Any:
        self._require_open()
        proposal = self.sheet.proposals.get(proposal_id)
        if proposal is None:
            raise AssessmentRefused(f"aucune proposition {proposal_id} pour cette évaluation")
        if proposal.decision is not None:
            decided = "acceptée" if proposal.decision == "accepted" else "refusée"
            raise AssessmentRefused(f"la proposition {proposal_id} a déjà été {decided}")
        return proposal

    def accept_proposal(self, *, proposal_id: str, at: datetime) -> None:
        self._undecided(proposal_id)
        self._proposal_accepted(proposal_id, self._at(at))

    def reject_proposal(self, *, proposal_id: str, reason: str, at: datetime) -> None:
        self._undecided(proposal_id)
        check_text(reason, "reason", multi_line=True)
        if not reason.strip():
            raise AssessmentRefused("reason : dites pourquoi l'équipe refuse la proposition", field="reason")
        self._proposal_rejected(proposal_id, reason.strip(), self._at(at))

    def validate(self, *, at: datetime) -> None:
        self._require_open()
        if self.status == "in_progress":
            raise AssessmentRefused("soumettez l'auto-évaluation avant de la valider")
        waiting = sorted(r.request_id for r in self.sheet.reviews.values() if r.status == "requested")
        if waiting:
            raise AssessmentRefused(f"des relectures sont en cours : {', '.join(waiting)}")
        undecided = sorted(p.proposal_id for p in self.sheet.proposals.values() if p.decision is None)
        if undecided:
            raise AssessmentRefused(
                f"l'équipe n'a pas encore accepté ou refusé les propositions : {_codes(undecided)}", proposals=undecided
            )
        self._validated(self._at(at))

    def supersede(self, *, by: UUID, at: datetime) -> None:
        self.require_replaceable()
        self._superseded(str(by), self._at(at))

    # --- the progress plan's follow-up ---------------------------------------------------------
    # Validation freezes the answers and the reviews, not the plan: carrying out the plan is what
    # happens after validation, until a new assessment replaces this one.

    def _plan_action(self, referential: Referential, indicator: str) -> Any:
        if self.sheet.superseded_by is not None:
            raise AssessmentRefused("cette évaluation a été remplacée par une nouvelle : son plan est clos")
        self._indicator(referential, indicator)
        if indicator not in {a.indicator for a in plan_of(self.sheet, referential).actions}:
            raise AssessmentRefused(
                f"le plan de progrès ne contient pas d'action pour l'indicateur {indicator} "
                "(il atteint son objectif et n'est pas marqué « à améliorer »)"
            )
        follow_up = self.sheet.actions.get(indicator)
        if follow_up is not None and follow_up.status in ("done", "dropped"):
            raise AssessmentRefused(
                f"l'action sur {indicator} est déjà {'réalisée' if follow_up.status == 'done' else 'abandonnée'}"
            )
        return follow_up

    def adopt_action(self, *, indicator: str, referential: Referential, at: datetime) -> None:
        if self._plan_action(referential, indicator) is not None:
            raise AssessmentRefused(f"l'action sur {indicator} est déjà adoptée")
        self._action_adopted(indicator, self._at(at))

    def schedule_action(
        self, *, indicator: str, owner: str, due_on: date, referential: Referential, at: datetime
    ) -> None:
        self._plan_action(referential, indicator)
        check_text(owner, "owner")
        if not owner.strip():
            raise AssessmentRefused("owner : qui porte l'action ?", field="owner")
        self._action_scheduled(indicator, owner.strip(), due_on, self._at(at))

    def complete_action(self, *, indicator: str, completed_on: date, referential: Referential, at: datetime) -> None:
        if self._plan_action(referential, indicator) is None:
            raise AssessmentRefused(f"adoptez l'action sur {indicator} avant de la déclarer réalisée")
        self._action_completed(indicator, completed_on, self._at(at))

    def drop_action(self, *, indicator: str, reason: str, referential: Referential, at: datetime) -> None:
        self._plan_action(referential, indicator)
        check_text(reason, "reason", multi_line=True)
        if not reason.strip():
            raise AssessmentRefused("reason : dites pourquoi l'action est abandonnée", field="reason")
        self._action_dropped(indicator, reason.strip(), self._at(at))

    # --- events (their state change is the sheet fold) -------------------------------------------

    @event(ParticipantInvited)
    def _participant_invited(
        self, participant_id: str, name: str | None, kind: str, sub_themes: tuple[str, ...], at: datetime
    ) -> None:
        pass

    @event(SubThemesAssigned)
    def _sub_themes_assigned(self, participant_id: str, sub_themes: tuple[str, ...], at: datetime) -> None:
        pass

    @event(Answered)
    def _answered(
        self,
        indicator: str,
        participant_id: str,
        level: int,
        comment: str,
        practice: str,
        improve: bool,
        revisit: bool,
        at: datetime,
    ) -> None:
        pass

    @event(RevisitMarked)
    def _revisit_marked(self, indicator: str, participant_id: str, revisit: bool, at: datetime) -> None:
        pass

    @event(AnswerSettled)
    def _answer_settled(
        self,
        indicator: str,
        level: int,
        practice: str,
        improve: bool,
        comment: str,
        from_versions: tuple[int, ...],
        at: datetime,
    ) -> None:
        pass

    @event(Submitted)
    def _submitted(self, at: datetime) -> None:
        pass

    @event(ReviewRequested)
    def _review_requested(
        self,
        request_id: str,
        kind: str,
        reviewer_id: str | None,
        reviewer_role: str | None,
        reviewer_tenant: str | None,
        at: datetime,
    ) -> None:
        pass

    @event(ReviewCommented)
    def _review_commented(
        self,
        request_id: str,
        indicator: str,
        comment: str,
        proposal_id: str | None,
        proposed_level: int | None,
        reason: str | None,
        at: datetime,
    ) -> None:
        pass

    @event(ReviewCompleted)
    def _review_completed(self, request_id: str, summary: str, at: datetime) -> None:
        pass

    @event(ProposalAccepted)
    def _proposal_accepted(self, proposal_id: str, at: datetime) -> None:
        pass

    @event(ProposalRejected)
    def _proposal_rejected(self, proposal_id: str, reason: str, at: datetime) -> None:
        pass

    @event(Validated)
    def _validated(self, at: datetime) -> None:
        pass

    @event(Superseded)
    def _superseded(self, by_assessment_id: str, at: datetime) -> None:
        pass

    @event(ActionAdopted)
    def _action_adopted(self, indicator: str, at: datetime) -> None:
        pass

    @event(ActionScheduled)
    def _action_scheduled(self, indicator: str, owner: str, due_on: date, at: datetime) -> None:
        pass

    @event(ActionCompleted)
    def _action_completed(self, indicator: str, completed_on: date, at: datetime) -> None:
        pass

    @event(ActionDropped)
    def _action_dropped(self, indicator: str, reason: str, at: datetime) -> None:
        pass
