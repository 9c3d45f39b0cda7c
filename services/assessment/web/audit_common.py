"""What the audit pages share: who may open them, an assessment's events loaded once per page (as
the API's replay loads them, with the same access check), the moment a page asks for, the words for
events and roles, and the record of every read an auditor makes under a grant."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Request

from services.assessment.access import Access
from services.assessment.api.common import cap
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.domain.replay import Moment, NotYetStarted, sheet_as_of
from services.assessment.domain.sheet import Sheet
from services.assessment.web.results_common import access, audited
from shared.as_of import PARIS
from shared.auth import Role
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import signed_in_as

AUDITORS = signed_in_as(Role.AUDITOR, Role.NATIONAL_STAFF)
STAFF = signed_in_as(Role.NATIONAL_STAFF)

ROLE_WORDS = {
    "member_admin": "administrateur·rice de l'adhérent",
    "member_contributor": "contributeur·rice de l'adhérent",
    "peer_reviewer": "relecteur·rice pair",
    "regional_delegate": "délégué·e régional·e",
    "trainer": "formateur·rice",
    "auditor": "auditeur·rice",
    "fund_reviewer": "évaluateur·rice du fonds",
    "national_staff": "équipe nationale",
    "system": "plateforme",
}

EVENT_WORDS = {
    "Started": "Évaluation commencée",
    "ParticipantInvited": "Participant·e invité·e",
    "SubThemesAssigned": "Sous-thèmes attribués",
    "Answered": "Réponse donnée",
    "RevisitMarked": "Réponse marquée « à revoir »",
    "AnswerSettled": "Réponse arbitrée par l'équipe",
    "Submitted": "Autoévaluation soumise",
    "ReviewRequested": "Relecture demandée",
    "ReviewCommented": "Commentaire de relecture",
    "ReviewCompleted": "Relecture terminée",
    "ProposalAccepted": "Proposition du relecteur acceptée",
    "ProposalRejected": "Proposition du relecteur refusée",
    "Validated": "Évaluation validée",
    "Superseded": "Remplacée par une nouvelle évaluation",
    "ActionAdopted": "Action du plan adoptée",
    "ActionScheduled": "Action du plan planifiée",
    "ActionCompleted": "Action du plan réalisée",
    "ActionDropped": "Action du plan abandonnée",
}

CHANGE_WORDS = {
    "changed": "réponse modifiée",
    "answered": "réponse donnée",
    "unanswered": "réponse retirée",
    "not_comparable": "non comparable (définition changée)",
    "added_to_referential": "nouvel indicateur",
    "removed_from_referential": "indicateur retiré du référentiel",
    "added": "action ajoutée",
    "removed": "action retirée",
    "done": "action réalisée",
    "status_changed": "état changé",
}

# ASCII digits only: `\d` alone also takes other scripts' digits, which no date or version is written in.
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_TIME = re.compile(r"^\d{2}:\d{2}$", re.ASCII)
_VERSION = re.compile(r"^\d{1,9}$", re.ASCII)


class PageInputError(Exception):
    """A query parameter the page cannot use: shown beside its field, with a 400."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Events:
    """An assessment's events, as the caller may see them (else AssessmentNotFound: the 404 page)."""

    who: Access
    assessment_id: UUID
    tenant_id: str
    items: list[Any]

    @property
    def last(self) -> int:
        return len(self.items)

    def sheet(self, moment: Moment) -> Sheet:
        """The assessment as of `moment`, folded by the live read model's own function."""
        return sheet_as_of(self.items, moment)

    def at(self, version: int) -> datetime:
        """When the event of `version` happened."""
        return self.items[version - 1].at


async def events_of(request: Request[Any, Any, Any], platform: Platform, assessment_id: UUID) -> Events:
    """The assessment's events if the signed-in person may read it (the API's `replay` check)."""
    who = await access(request, platform)
    if not (who.network or who.tenants or who.assessments):
        raise AssessmentNotFound(assessment_id)  # no grant at all: nothing to load
    items = await to_thread.run_sync(cap(platform).assessment_events, assessment_id)
    tenant_id = items[0].tenant_id
    if not who.sees_assessment(str(assessment_id), tenant_id):
        raise AssessmentNotFound(assessment_id)
    return Events(who, assessment_id, tenant_id, items)


async def record_read(request: Request[Any, Any, Any], platform: Platform, events: Events, resource: str) -> None:
    """An auditor's read under a grant is recorded (the API's `record_audit_read`); staff's is not."""
    await audited(request, platform, events.who, events.tenant_id, events.assessment_id, resource)


def recording(request: Request[Any, Any, Any], platform: Platform, events: Events, resource: str) -> asyncio.Task[None]:
    """The read's record, started now and awaited before the page answers: the write (a save in
    le Cap's event store, which serialises its writers) runs while the page is computed."""
    return asyncio.create_task(record_read(request, platform, events, resource))


def version_number(text: str, field: str, last: int) -> int:
    if not _VERSION.match(text):
        raise PageInputError(field, f"La version est un nombre entier, de 1 à {last}.")
    number = int(text)
    if not 1 <= number <= last:
        raise PageInputError(
            field, f"Cette évaluation a des versions de 1 à {last} : la version {number} n'existe pas."
        )
    return number


def day_of(text: str, field: str) -> date:
    if not _DAY.match(text):
        raise PageInputError(field, "La date s'écrit AAAA-MM-JJ, par exemple 2026-03-15.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageInputError(field, f"Le {text} n'est pas une date du calendrier.") from None


def page_moment(events: Events, version: str, day: str, hour: str) -> Moment:
    """The moment the état page asks for: a version, or a date (the end of that day in Paris), or a
    date and a time (what had been recorded by then, Paris time); nothing: the latest version."""
    if version and (day or hour):
        raise PageInputError("version", "Choisissez soit une version, soit une date : pas les deux.")
    if version:
        return Moment(version=version_number(version, "version", events.last))
    if hour and not day:
        raise PageInputError("date", "Indiquez la date de l'heure choisie.")
    if not day:
        return Moment(version=events.last)
    chosen = day_of(day, "date")
    if not hour:
        return Moment(as_of=chosen)
    if not _TIME.match(hour):
        raise PageInputError("heure", "L'heure s'écrit HH:MM, par exemple 14:30.")
    try:
        moment = time.fromisoformat(hour)
    except ValueError:
        raise PageInputError("heure", f"{hour} n'est pas une heure de la journée.") from None
    return Moment(known_at=datetime.combine(chosen, moment, tzinfo=PARIS))


def side_moment(events: Events, text: str, field: str) -> Moment:
    """One side of a diff: a version number or a date (AAAA-MM-JJ)."""
    if _VERSION.match(text):
        return Moment(version=version_number(text, field, events.last))
    if _DAY.match(text):
        return Moment(as_of=day_of(text, field))
    raise PageInputError(field, "Indiquez un numéro de version ou une date AAAA-MM-JJ.")


def sheet_at(events: Events, moment: Moment, field: str) -> Sheet:
    """The sheet as of `moment`; a date before the assessment began is the field's error."""
    try:
        return events.sheet(moment)
    except NotYetStarted:
        raise PageInputError(
            field, f"L'évaluation n'existait pas encore à ce moment : elle a commencé le {_paris(events.at(1))}."
        ) from None


def _paris(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local.hour} h {local.minute:02d}"


async def people_names(platform: Platform, ids: set[str]) -> dict[str, str]:
    """The directory's names of these people (those who acted on an assessment the caller may read;
    looked up across the network on purpose: a delegate who reviewed is not in the member's scope)."""
    if not ids:
        return {}
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = await conn.fetch(
            "SELECT person_id, name FROM people.directory WHERE person_id = ANY($1::text[])", sorted(ids)
        )
    return {r["person_id"]: r["name"] for r in rows}


async def member_names(platform: Platform, tenant_ids: set[str]) -> dict[str, str]:
    """The members' names as le Cap's member directory knows them."""
    if not tenant_ids:
        return {}
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = await conn.fetch(
            "SELECT member_id, name FROM assessment.member_directory WHERE member_id = ANY($1::text[])",
            sorted(tenant_ids),
        )
    return {r["member_id"]: r["name"] for r in rows}
