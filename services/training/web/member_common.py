"""What the member's and the fund reviewer's pages of the fund share: the guards, the application
as its reader may see it (the API's own helpers: 404 for anyone it does not involve), the content
form (partners, trainings per partner) read into the API's `ContentRequest`, and a refusal's field
named in the form's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

import msgspec
import structlog
from litestar import Request
from litestar.response import Template

from services.training.api.funding_applications import visible_application
from services.training.application import ContentRequest, TrainingApplication
from services.training.domain.values import Training
from services.training.read_models import ApplicationRecord
from services.training.redaction import application_record
from shared.auth import Role
from shared.errors import DomainError
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import signed_in_as
from shared.web.forms import GENERAL, page_command, refusal, sentence

log = structlog.get_logger(__name__)

MEMBERS = signed_in_as(Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
REVIEWERS = signed_in_as(Role.FUND_REVIEWER)

VERSION = "version"
STALE = "Quelqu'un a modifié cette candidature pendant que vous la lisiez : voici la version à jour."
NO_VERSION = "Le formulaire ne dit pas de quelle version de la candidature il part : rechargez la page."
MIN_TRAINING_ROWS = 4
MIN_PARTNER_ROWS = 2
MAX_COUNT = 100_000
MAX_SEARCH = 80
SEARCH_RESULTS = 20
# The API's lengths (`shared.values.Text`, `api.schemas.OptionalText`, `Reason`): the domain checks
# characters, not lengths, so the page keeps to what the API accepts.
LINE_MAX, SUMMARY_MAX, REASON_MAX = 300, 4000, 2000
MONEY = re.compile(r"^[0-9]{1,12}([.,][0-9]{1,2})?$")

STATUS_WORDS = {
    "draft": "brouillon",
    "submitted": "déposée",
    "withdrawn": "retirée",
    "decided": "décision prise",
    "sent_back": "décision renvoyée",
    "under_review": "en cours d'instruction",
    "awarded": "aide accordée",
    "rejected": "non retenue",
    "settled": "soldée",
}
ELIGIBILITY_WORDS = {"pending": "en attente", "eligible": "éligible", "ineligible": "non éligible"}


def training_app(platform: Platform) -> TrainingApplication:
    application = platform.application("training")
    if not isinstance(application, TrainingApplication):
        raise TypeError(f"the platform's training application is a {type(application).__name__}")
    return application


def page(name: str, status: int = 200, **context: Any) -> Template:
    return Template(template_name=f"training/{name}", context=context, status_code=status)


async def record_of(request: Request[Any, Any, Any], platform: Platform, application_id: UUID) -> ApplicationRecord:
    """The application as the signed-in person may see it (the API's redaction), or 404."""
    row, access = await visible_application(platform, request, application_id, None)
    # The redaction keeps the read model's JSON parts as they are stored: typed here, once.
    return msgspec.convert(msgspec.to_builtins(application_record(row, access)), ApplicationRecord, strict=False)


async def call_of(platform: Platform, call_id: str) -> dict[str, Any] | None:
    from services.training import queries

    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        return await queries.call(conn, call_id)


async def fund_command(
    request: Request[Any, Any, Any], platform: Platform, name: str, send: Callable[[Any], CommandResult]
) -> CommandResult:
    """One command of the training application as the signed-in person, then waited for in the
    training log's read models (`shared.web.forms.page_command`)."""
    return await page_command(request, platform, "training", name, send)


def version_of(fields: dict[str, str]) -> int | None:
    raw = fields.get(VERSION, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- the register copy: partners are chosen among active members ------------------------------------

_SEARCH = (
    "SELECT member_id, name, region FROM training.enterprises WHERE status = 'active' AND member_id <> $2 "
    "AND name ILIKE $1 ESCAPE '\\' ORDER BY name, member_id LIMIT " + str(SEARCH_RESULTS)
)


async def active_enterprises(platform: Platform, search: str, lead_id: str) -> list[dict[str, Any]]:
    """Active members whose name contains `search` (the lead excluded). Read in network scope on
    purpose: a partner is any member of the network, and only its public name and region are read
    (what the application itself shows of its partners)."""
    words = search.strip()[:MAX_SEARCH]
    if not words:
        return []
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        rows = await conn.fetch(_SEARCH, pattern, lead_id)
    return [dict(r) for r in rows]


# --- the content form ------------------------------------------------------------------------------


@dataclass
class TrainingRow:
    title: str = ""
    priority: str = ""  # the priority training chosen from the call's list ("" for none)
    enterprise_id: str = ""
    trainees: str = ""
    hours: str = ""
    cost: str = ""
    pathway: bool = True

    @property
    def empty(self) -> bool:
        return not (self.title or self.priority or self.trainees or self.hours or self.cost)


@dataclass
class ContentForm:
    """What the form shows (and, after a refusal, what was typed)."""

    title: str = ""
    summary: str = ""
    requested: str = ""
    partners: list[str] = field(default_factory=list)
    trainings: list[TrainingRow] = field(default_factory=list)
    reason: str = ""

    @staticmethod
    def of(record: ApplicationRecord) -> ContentForm:
        content = record.content
        return ContentForm(
            title=content.title,
            summary=content.summary,
            requested=money_text(content.requested),
            partners=[p.member_id for p in content.partners],
            trainings=[
                TrainingRow(
                    title="" if t.priority else t.title,
                    priority=t.title if t.priority else "",
                    enterprise_id=t.enterprise_id,
                    trainees=str(t.trainees),
                    hours=str(t.hours),
                    cost=money_text(t.cost),
                    pathway=t.integration_pathway,
                )
                for t in content.trainings
            ],
        )

    @staticmethod
    def posted(fields: dict[str, str], lists: dict[str, list[str]]) -> ContentForm:
        partners = [fields.get(f"partenaire-{n}", "") for n in range(1, 1 + _rows(fields, "partenaire-"))]
        trainings = [
            TrainingRow(
                title=fields.get(f"formation-{n}-intitule", ""),
                priority=fields.get(f"formation-{n}-prioritaire", ""),
                enterprise_id=fields.get(f"formation-{n}-entreprise", ""),
                trainees=fields.get(f"formation-{n}-stagiaires", ""),
                hours=fields.get(f"formation-{n}-heures", ""),
                cost=fields.get(f"formation-{n}-cout", ""),
                pathway=bool(lists.get(f"formation-{n}-parcours")),
            )
            for n in range(1, 1 + _rows(fields, "formation-"))
        ]
        return ContentForm(
            title=fields.get("titre", ""),
            summary=fields.get("resume", ""),
            requested=fields.get("montant", ""),
            partners=[p for p in partners if p],
            trainings=trainings,
            reason=fields.get("raison", ""),
        )

    def training_rows(self) -> list[TrainingRow]:
        """The rows shown: the trainings, then empty rows to add more (no JavaScript needed)."""
        rows = list(self.trainings)
        while len(rows) < max(MIN_TRAINING_ROWS, len(self.trainings) + 2):
            rows.append(TrainingRow())
        return rows

    def partner_rows(self) -> list[str]:
        rows = list(self.partners)
        while len(rows) < max(MIN_PARTNER_ROWS, len(self.partners) + 1):
            rows.append("")
        return rows


def _rows(fields: dict[str, str], prefix: str) -> int:
    numbers = [int(m.group(1)) for k in fields if (m := re.match(rf"^{prefix}(\d{{1,3}})\b", k))]
    return min(max(numbers, default=0), 100)


@dataclass(frozen=True)
class ReadContent:
    """The form read into the API's request, the row number of each training sent, or the errors."""

    request: ContentRequest | None
    rows: tuple[int, ...]  # trainings[i] is the form's row rows[i]
    errors: dict[str, str]


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"


def parse_money(text: str) -> Decimal | None:
    cleaned = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "").replace("€", "")
    if not MONEY.match(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern already rules it out
        return None


def parse_count(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_COUNT else None


def read_content(form: ContentForm, priority_trainings: list[str], *, requested_required: bool) -> ReadContent:
    """Every field checked before anything is sent: a typing mistake names its field (400)."""
    errors: dict[str, str] = {}
    if len(form.title) > LINE_MAX:
        errors["titre"] = f"Le titre tient en {LINE_MAX} caractères au plus."
    if len(form.summary) > SUMMARY_MAX:
        errors["resume"] = f"Le résumé tient en {SUMMARY_MAX} caractères au plus."
    requested = parse_money(form.requested) if form.requested else Decimal(0)
    if requested is None:
        errors["montant"] = "Indiquez le cofinancement demandé en euros, par exemple 3000 ou 3000,50."
    elif requested_required and requested <= 0:
        errors["montant"] = "Indiquez le cofinancement demandé (plus de 0 €)."
    trainings: list[Training] = []
    rows: list[int] = []
    for n, row in enumerate(form.trainings, start=1):
        if row.empty:
            continue
        prefix = f"formation-{n}"
        title = row.title
        if len(title) > LINE_MAX:
            errors[f"{prefix}-intitule"] = f"Formation {n} : l'intitulé tient en {LINE_MAX} caractères au plus."
        if row.priority:
            if row.priority not in priority_trainings:
                errors[f"{prefix}-prioritaire"] = f"Formation {n} : choisissez une formation prioritaire de la liste."
            elif title and title != row.priority:
                errors[f"{prefix}-intitule"] = (
                    f"Formation {n} : laissez l'intitulé vide pour une formation prioritaire (elle garde son nom)."
                )
            title = row.priority
        trainees, hours, cost = parse_count(row.trainees), parse_count(row.hours), parse_money(row.cost)
        if trainees is None:
            errors[f"{prefix}-stagiaires"] = f"Formation {n} : indiquez le nombre de stagiaires (1 à 100 000)."
        if hours is None:
            errors[f"{prefix}-heures"] = f"Formation {n} : indiquez la durée en heures (1 à 100 000)."
        if cost is None:
            errors[f"{prefix}-cout"] = f"Formation {n} : indiquez le coût en euros, par exemple 8000 ou 8000,50."
        if (
            trainees is None
            or hours is None
            or cost is None
            or f"{prefix}-prioritaire" in errors
            or len(title) > LINE_MAX
        ):
            continue
        trainings.append(
            Training(
                title=title,
                priority=bool(row.priority),
                hours=hours,
                trainees=trainees,
                cost=cost,
                enterprise_id=row.enterprise_id,
                integration_pathway=row.pathway,
            )
        )
        rows.append(n)
    if errors or requested is None:
        return ReadContent(None, tuple(rows), errors)
    request = ContentRequest(
        title=form.title,
        summary=form.summary,
        partner_ids=tuple(form.partners),
        trainings=tuple(trainings),
        requested=requested,
    )
    return ReadContent(request, tuple(rows), {})


def general_refusal(error: DomainError) -> dict[str, str]:
    """A refusal shown for the whole form (a page whose fields are elsewhere): its field's name,
    which starts the API's message, left out."""
    named = error.details.get("field")
    message = error.message.removeprefix(f"{named} : ") if named else error.message
    return {GENERAL: sentence(message)}


def content_refusal(error: DomainError, rows: tuple[int, ...]) -> dict[str, str]:
    """A refusal beside the form's field (the API's `trainings[i].cost` is the form's row rows[i])."""
    fields = {
        "title": "titre",
        "summary": "resume",
        "requested": "montant",
        "partners": "partenaire-1",
        "reason": "raison",
        "trainings": "formation-1-intitule",
    }
    for i, n in enumerate(rows):
        where = f"trainings[{i}]"
        fields.update(
            {
                where: f"formation-{n}-stagiaires",
                f"{where}.title": f"formation-{n}-intitule",
                f"{where}.priority": f"formation-{n}-prioritaire",
                f"{where}.enterprise_id": f"formation-{n}-entreprise",
                f"{where}.cost": f"formation-{n}-cout",
            }
        )
    errors = refusal(error, fields)
    if GENERAL in errors and error.details.get("field") == "on":
        message = errors[GENERAL].removeprefix("On : ")
        errors[GENERAL] = message[:1].upper() + message[1:]
    return errors
