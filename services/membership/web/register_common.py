"""What the register's pages share: the staff guard, the French words of the register's codes, the
posted values read as the API's request Structs would read them, a member read in the staff's scope
(404 otherwise), and a refusal's message beside its field with the field called by its French label."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.exceptions import NotFoundException

from services.membership import queries
from services.membership.api.dependencies import membership_application
from services.membership.domain.member import CertificationScope, Form, Scheme, Status
from services.membership.read_models import MemberRecord, Region
from shared.as_of import today_in_paris
from shared.auth import Role
from shared.errors import DomainError
from shared.platform import Platform
from shared.tenancy import ReadScope, read_scope, scoped_connection
from shared.web.auth import signed_in_as
from shared.web.filters import PARIS
from shared.web.forms import refusal, sentence

AnyRequest = Request[Any, Any, Any]
STAFF_PAGE = signed_in_as(Role.NATIONAL_STAFF)

FORM_WORDS = {
    Form.AI.value: "Association intermédiaire (AI)",
    Form.ACI.value: "Atelier et chantier d'insertion (ACI)",
    Form.ETTI.value: "Entreprise de travail temporaire d'insertion (ETTI)",
    Form.ETT_ESS.value: "Entreprise de travail temporaire de l'ESS (ETT-ESS)",
    Form.EI.value: "Entreprise d'insertion (EI)",
    Form.GES.value: "Groupe économique solidaire (GES)",
    Form.OSP.value: "Organisme de services à la personne (OSP)",
    Form.OTHER.value: "Autre forme",
}
STATUS_WORDS = {
    Status.ACTIVE.value: "adhérent",
    Status.RESIGNED.value: "démissionnaire",
    Status.EXCLUDED.value: "exclu",
}
SCHEME_WORDS = {Scheme.CEDRE.value: "CEDRE", Scheme.CEDRE_ISO_9001.value: "CEDRE et ISO 9001"}
SCOPE_WORDS = {CertificationScope.INDIVIDUAL.value: "individuelle", CertificationScope.COLLECTIVE.value: "collective"}

# The API's field (as a refusal names it) → the form's field, and the form's field → its label.
FORM_FIELDS = {
    "name": "nom",
    "siret": "siret",
    "forms": "formes",
    "region": "region",
    "after_split": "region",
    "joined_on": "date_effet",
    "effective_on": "date_effet",
    "city": "ville",
    "contact.name": "contact_nom",
    "contact.email": "contact_courriel",
    "contact.phone": "contact_telephone",
    "reason": "motif",
    "scheme": "certification",
    "scope": "portee",
    "obtained_on": "date_effet",
    "expires_on": "expire_le",
    "group_id": "groupe",
    "year": "annee",
    "amount": "montant",
    "merged": "regions",
    "new_code": "code",
    "new_name": "nom",
}
LABELS = {
    "nom": "Nom",
    "siret": "SIRET",
    "formes": "Formes",
    "forme_principale": "Forme principale",
    "region": "Région",
    "date_effet": "Date d'effet",
    "ville": "Ville",
    "contact_nom": "Nom du contact",
    "contact_courriel": "Courriel du contact",
    "contact_telephone": "Téléphone du contact",
    "motif": "Motif",
    "certification": "Certification",
    "portee": "Portée",
    "expire_le": "Date d'expiration",
    "groupe": "Identifiant du certificat collectif",
    "annee": "Année",
    "montant": "Montant",
    "regions": "Régions fusionnées",
    "code": "Code",
}
RACE = "Le registre a changé pendant l'enregistrement : rien n'a été enregistré. Vérifiez puis réessayez."
DATE_TEXT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class FormInvalid(Exception):
    """Values the page itself cannot read (a date that is no date…): 400, nothing sent."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class Values:
    """The posted form: each field's values (check boxes have several), read one way everywhere."""

    lists: dict[str, list[str]]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        found = self.lists.get(name) or [""]
        return found[-1].replace("\r\n", "\n").strip()

    def all(self, name: str) -> list[str]:
        return [v for v in self.lists.get(name, []) if v]

    def required(self, name: str, message: str) -> str:
        value = self.text(name)
        if not value:
            self.errors[name] = message
        return value

    def day(self, name: str, what: str) -> date:
        """A date typed in the form (`<input type="date">` sends 2026-03-01; 01/03/2026 is read too)."""
        text = self.text(name)
        if not text:
            self.errors[name] = f"Indiquez {what}."
            return date.min
        parsed = parse_day(text)
        if parsed is None:
            self.errors[name] = f"{sentence(what)[:-1]} doit être une date réelle, par exemple 01/03/2026."
            return date.min
        return parsed

    def year(self, name: str) -> int:
        text = self.text(name)
        if not text.isascii() or not text.isdigit() or len(text) != 4:
            self.errors[name] = "Indiquez l'année sur quatre chiffres, par exemple 2026."
            return 0
        return int(text)

    def amount(self, name: str) -> str:
        """Euros as the API's MoneyText reads them: « 1 200,50 » becomes "1200.50"."""
        text = re.sub(r"[\s\u00a0\u202f€]", "", self.text(name)).replace(",", ".")
        if not text:
            self.errors[name] = "Indiquez le montant en euros, par exemple 1200,50."
        return text

    def check(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)

    def shown(self) -> dict[str, Any]:
        """The values to show again in the form (a list for a field with several)."""
        return {k: (v if len(v) > 1 else (v[0] if v else "")) for k, v in self.lists.items()}


def parse_moment(text: str) -> datetime | None:
    """A moment typed in a `<input type="datetime-local">` (2026-03-01T14:05), Paris time, in UTC."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", text):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=PARIS).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def parse_day(text: str) -> date | None:
    found = DATE_TEXT.match(text)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def french_refusal(error: DomainError, fields: dict[str, str] | None = None) -> dict[str, str]:
    """`shared.web.forms.refusal`, with the API's field names in the message (« contact.email »)
    replaced by the form's labels (« Courriel du contact »)."""
    found = refusal(error, fields or FORM_FIELDS)
    ((key, message),) = found.items()
    for api_field, form_field in (fields or FORM_FIELDS).items():
        label = LABELS.get(form_field)
        if label:
            message = message.replace(f"« {api_field} »", f"« {label} »")
    # The API's pointers are for programs: a person chooses from the form's own list.
    message = re.sub(r" \(voir [A-Z]+ /api/[^)]*\)", "", message)
    return {key: message}


def application(platform: Platform) -> Any:
    return membership_application(platform)


async def visible_member(
    request: AnyRequest, platform: Platform, member_id: UUID, on: date | None = None, known_at: datetime | None = None
) -> MemberRecord | None:
    """The member's record in force on `on` (today in Paris) as known at `known_at` (now), read in
    the signed-in person's scope."""
    scope = await read_scope(platform.write_pool, request.user)
    return await queries.member_record(platform.read_pool, scope, str(member_id), on or today_in_paris(), known_at)


async def member_or_404(request: AnyRequest, platform: Platform, member_id: UUID) -> MemberRecord:
    """The member's record today; for a member registered from a later date (not in force yet), its
    record on that date; 404 when the signed-in person may not see it (or there is none)."""
    record = await visible_member(request, platform, member_id)
    if record is None:
        joined_on = await _registered_from(request, platform, member_id)
        if joined_on is not None:
            record = await visible_member(request, platform, member_id, joined_on)
    if record is None:
        raise NotFoundException()
    return record


async def _registered_from(request: AnyRequest, platform: Platform, member_id: UUID) -> date | None:
    """The effective date of the member's first recorded change (its registration), read in scope."""
    async with scoped_connection(platform.read_pool, await read_scope(platform.write_pool, request.user)) as conn:
        entries = await queries.member_history(conn, str(member_id))
    return entries[0].effective_on if entries else None


async def regions_on(platform: Platform, on: date | None = None) -> list[Region]:
    """The regions on a date: reference data, read in network scope as the API does."""
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        return await queries.regions(conn, on or today_in_paris())


def region_options(regions: Sequence[Region]) -> list[tuple[str, str]]:
    return [(r.code, f"{r.name} ({r.code})") for r in regions if r.status == "active"]


def form_options() -> list[tuple[str, str]]:
    return list(FORM_WORDS.items())


def forms_of(values: Values) -> tuple[str, ...]:
    """The forms chosen: the main one first, then the others checked (each once)."""
    main = values.text("forme_principale")
    others = [f for f in values.all("formes") if f != main]
    chosen = ([main] if main else []) + others
    if not chosen:
        values.errors["forme_principale"] = "Choisissez la forme principale du membre."
    return tuple(chosen)
