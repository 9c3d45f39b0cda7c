"""What national staff's pages of one application read: the application's row as the API's
`GET /applications/{id}` reads it for staff, its call and envelope, the fund reviewers of the
directory, and the settlement's computation (the domain's own `settle`, on the reported actuals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from services.training import queries
from services.training.access import access_of
from services.training.domain.call import EligibilityCriteria
from services.training.domain.errors import ApplicationNotFound
from services.training.domain.funding_application import STATUS_LABELS
from services.training.domain.settlement import Settlement, settle
from services.training.domain.values import Training, TrainingActual
from shared.auth import Role
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import signed_in_as

STAFF_PAGE = signed_in_as(Role.NATIONAL_STAFF)
VERSION = "version"  # the hidden field: the application's version the form was rendered from
STALE = "Quelqu'un a modifié cette candidature pendant que vous la lisiez : voici la version à jour."
INCOMPLETE = "Le formulaire ne dit pas de quelle version de la candidature il part : rechargez la page."
OPEN_TO_DECISION = ("submitted", "sent_back")

REVIEWERS_SQL = (
    "SELECT person_id, name, tenant_id FROM people.directory "
    "WHERE role = 'fund_reviewer' AND status = 'active' ORDER BY name, person_id LIMIT 500"
)
ENTERPRISES_SQL = "SELECT member_id, name FROM training.enterprises ORDER BY name, member_id LIMIT 5000"
NAMES_SQL = "SELECT person_id, name FROM people.directory WHERE person_id = ANY($1)"


# The decision file's events, as a staff member reads them.
EVENT_LABELS = {
    "Drafted": "Brouillon commencé",
    "Edited": "Brouillon modifié",
    "Submitted": "Candidature déposée",
    "Amended": "Candidature modifiée après dépôt",
    "Withdrawn": "Candidature retirée",
    "EligibilityChecked": "Éligibilité vérifiée",
    "CheckOverridden": "Critère levé",
    "ReviewerAssigned": "Évaluateur affecté",
    "Scored": "Candidature notée",
    "AwardDecided": "Aide décidée",
    "RejectionDecided": "Rejet décidé",
    "DecisionWithdrawn": "Décision retirée par son auteur",
    "DecisionApproved": "Décision approuvée (relecture)",
    "DecisionSentBack": "Décision renvoyée (relecture)",
    "ActualsReported": "Réalisations déclarées",
    "Settled": "Aide soldée",
    "AwardCommitted": "Enveloppe : montant engagé",
    "CommitmentReleased": "Enveloppe : engagement libéré",
    "AwardSettled": "Enveloppe : solde versé",
}


@dataclass(frozen=True)
class Reviewer:
    person_id: str
    name: str
    enterprise: str | None


@dataclass
class InstructionView:
    """One application as staff instruct it."""

    row: dict[str, Any]
    call: dict[str, Any]
    names: dict[str, str] = field(default_factory=dict)  # person id → name (reviewers, deciders)
    fund_reviewers: list[Reviewer] = field(default_factory=list)
    enterprises: list[tuple[str, str]] = field(default_factory=list)  # the register copy: (member id, name)
    entries: list[dict[str, Any]] = field(default_factory=list)  # the decision file's events
    rank: int | None = None
    ranked: int = 0

    @property
    def id(self) -> str:
        return str(self.row["application_id"])

    @property
    def status(self) -> str:
        return str(self.row["status"])

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def open_to_decision(self) -> bool:
        return self.status in OPEN_TO_DECISION

    @property
    def criteria(self) -> dict[str, Any]:
        return dict(self.call["terms"]["criteria"])

    @property
    def grid(self) -> list[dict[str, Any]]:
        return list(self.call["terms"]["grid"])

    def name_of(self, person_id: str | None) -> str:
        if not person_id:
            return "—"
        return self.names.get(person_id, person_id)

    def enterprise_name(self, member_id: str) -> str:
        for e in self.row["enterprises"]:
            if e["member_id"] == member_id:
                return str(e["name"])
        return member_id

    def trainings_by_enterprise(self) -> list[tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]]:
        """Each applicant enterprise (lead first) with its trainings and their positions."""
        trainings = list(enumerate(self.row["content"]["trainings"]))
        return [
            (e, [(i, t) for i, t in trainings if t["enterprise_id"] == e["member_id"]]) for e in self.row["enterprises"]
        ]

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.row["checks"] if not c["passed"] and not c.get("override")]

    @property
    def available_now(self) -> Decimal:
        """What an award to this application may reach: what is left, plus what it already holds."""
        held = Decimal(str(self.call["commitments"].get(self.id, "0")))
        return Decimal(self.call["available"]) + held

    @property
    def proposed_amount(self) -> Decimal:
        """A first amount to award: what was asked, within the criteria's ceiling and the envelope."""
        candidates = [Decimal(self.row["requested"]), max(Decimal(0), self.available_now)]
        if self.row["allowed_maximum"] is not None:
            candidates.append(Decimal(self.row["allowed_maximum"]))
        return min(candidates)

    def sheet_of(self, reviewer_id: str) -> dict[str, Any] | None:
        """The reviewer's score sheet, if they scored."""
        return next((s for s in self.row["scores"] if s["reviewer_id"] == reviewer_id), None)

    @property
    def assigned_ids(self) -> set[str]:
        return {r["reviewer_id"] for r in self.row["reviewers"]}

    def assignable(self) -> list[Reviewer]:
        return [r for r in self.fund_reviewers if r.person_id not in self.assigned_ids]

    @property
    def settlement(self) -> Settlement | None:
        """The settlement the domain would compute on the reported actuals (before it is recorded)."""
        decision = self.row["decision"]
        if self.row["actuals"] is None or not decision or decision.get("amount") is None:
            return None
        trainings = tuple(
            Training(
                title=t["title"],
                priority=t["priority"],
                hours=t["hours"],
                trainees=t["trainees"],
                cost=Decimal(str(t["cost"])),
                enterprise_id=t["enterprise_id"],
                integration_pathway=t["integration_pathway"],
            )
            for t in self.row["content"]["trainings"]
        )
        actuals = tuple(
            TrainingActual(
                training=a["training"], trainees=a["trainees"], hours=a["hours"], cost=Decimal(str(a["cost"]))
            )
            for a in self.row["actuals"]
        )
        c = self.criteria
        criteria = EligibilityCriteria(
            accord_groupe_required=c["accord_groupe_required"],
            integration_pathway_required=c["integration_pathway_required"],
            max_cofunding_rate=Decimal(str(c["max_cofunding_rate"])),
            priority_cofunding_rate=Decimal(str(c["priority_cofunding_rate"])),
            max_per_trainee=Decimal(str(c["max_per_trainee"])),
        )
        return settle(Decimal(str(decision["amount"])), trainings, actuals, criteria)

    @staticmethod
    def day(value: Any) -> date | None:
        return _day(value)

    def event_label(self, event: str) -> str:
        return EVENT_LABELS.get(event, event)

    @property
    def settled_entry(self) -> dict[str, Any] | None:
        """The recorded settlement's details (its computation as the domain made it), if settled."""
        found = [e["details"] for e in self.entries if e["event"] == "Settled" and e["source"] == "application"]
        return found[-1] if found else None


async def instruction_view(
    platform: Platform, application_id: UUID, *, with_reviewers: bool = False, with_file: bool = False
) -> InstructionView:
    """The application, for national staff (network scope, as the API's `access_of` gives them); 404
    when there is none."""
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        row = await queries.funding_application(conn, str(application_id))
        if row is None:
            raise ApplicationNotFound(application_id)
        call = await queries.call(conn, row["call_id"])
        if call is None:
            raise ApplicationNotFound(application_id)
        view = InstructionView(row=typed(row), call=call)
        if with_file:
            view.entries = await queries.decision_file(conn, view.id)
            view.rank, view.ranked = await queries.rank_among_scored(conn, row["call_id"], view.id)
        if with_reviewers:
            view.fund_reviewers = await fund_reviewers(conn)
            view.enterprises = [(r["member_id"], r["name"]) for r in await conn.fetch(ENTERPRISES_SQL)]
        view.names = await names(conn, people_named(view))
    return view


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value)[:10])


def typed(row: dict[str, Any]) -> dict[str, Any]:
    """The row's JSON parts with amounts as Decimals and days as dates (the read model keeps them as
    strings), so that the templates format them as everywhere else."""
    row = dict(row)
    if row["decision"]:
        d = dict(row["decision"])
        for key in ("amount", "requested", "allowed_maximum", "score"):
            d[key] = _decimal(d.get(key))
        d["on"] = _day(d["on"])
        if d.get("envelope"):
            d["envelope"] = {k: _decimal(v) for k, v in d["envelope"].items()}
        row["decision"] = d
    if row["review"]:
        row["review"] = {**row["review"], "on": _day(row["review"]["on"])}
    row["scores"] = [{**s, "total": _decimal(s["total"]), "on": _day(s["on"])} for s in row["scores"]]
    row["reviewers"] = [{**r, "assigned_at": _moment(r["assigned_at"])} for r in row["reviewers"]]
    row["checks"] = [
        {**c, "override": {**c["override"], "recorded_at": _moment(c["override"]["recorded_at"])}}
        if c.get("override")
        else c
        for c in row["checks"]
    ]
    content = dict(row["content"])
    content["trainings"] = [{**t, "cost": _decimal(t["cost"])} for t in content["trainings"]]
    row["content"] = content
    if row["actuals"] is not None:
        row["actuals"] = [{**a, "cost": _decimal(a["cost"])} for a in row["actuals"]]
    return row


def _moment(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def people_named(view: InstructionView) -> set[str]:
    row = view.row
    ids = {r["reviewer_id"] for r in row["reviewers"]} | {s["reviewer_id"] for s in row["scores"]}
    if row["decision"]:
        ids.add(row["decision"].get("decided_by") or "")
    if row["review"]:
        ids.add(row["review"]["reviewer_id"])
    ids.update(e["actor_id"] for e in view.entries)
    ids.update(str(e["details"].get("reviewer_id") or "") for e in view.entries)
    return {i for i in ids if i}


async def fund_reviewers(conn: asyncpg.Connection) -> list[Reviewer]:
    """The directory's active fund reviewers, by name (the people a staff member may assign)."""
    rows = await conn.fetch(REVIEWERS_SQL)
    return [Reviewer(r["person_id"], r["name"], r["tenant_id"] or None) for r in rows]


async def names(conn: asyncpg.Connection, person_ids: set[str]) -> dict[str, str]:
    """The directory's names of these people (ids not in the directory stay as they are)."""
    if not person_ids:
        return {}
    rows = await conn.fetch(NAMES_SQL, sorted(person_ids))
    return {r["person_id"]: r["name"] for r in rows}


async def readable_application(platform: Platform, principal: Any, application_id: UUID) -> dict[str, Any]:
    """The application's row if the principal may read it, as the API's `visible_application`
    decides (another enterprise's application: 404, the same as a missing one)."""
    access = await access_of(platform, principal)
    async with scoped_connection(platform.read_pool, access.scope) as conn:
        row = await queries.funding_application(conn, str(application_id))
    if row is None or not access.may_read(row):
        raise ApplicationNotFound(application_id)
    return row
