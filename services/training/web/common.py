"""What the fund's pages share (national staff's, the instruction's, the applicants', the reviewers'):
the guards, the call's row or the 404 page, a form's text read as the API's body (amounts and rates
written the French way, dates as dates) and the API's validation message said beside the form's
field, paging, and the French words for the codes the read models hold."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

import msgspec
from litestar import Request
from litestar.response import Template

from services.training import queries
from services.training.api.common import training
from services.training.application import TrainingApplication
from shared.auth import Role
from shared.decoding import _split, field_of, french_message
from shared.errors import DomainError, NotFound
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import signed_in_as
from shared.web.forms import GENERAL, sentence

AnyRequest = Request[Any, Any, Any]
T = TypeVar("T")

STAFF = signed_in_as(Role.NATIONAL_STAFF)
VERSION = "version"  # the hidden field: the call's (or application's) version the page was read at
MAX_PAGE = 10_000  # beyond this a page number is a typo or a probe (OFFSET would read and drop rows)

CALL_STATUS = {
    "open": "ouvert",
    "closed": "clos",
    "results_published": "résultats publiés",
    "cancelled": "annulé",
}
APPLICATION_STATUS = {
    "draft": "brouillon",
    "submitted": "déposée",
    "withdrawn": "retirée",
    "decided": "décision à relire",
    "sent_back": "décision renvoyée",
    "awarded": "retenue",
    "rejected": "refusée",
    "settled": "soldée",
}
ELIGIBILITY = {"pending": "à vérifier", "eligible": "éligible", "ineligible": "inéligible"}
DECISION = {"award": "attribution", "reject": "refus"}
LEDGER_KIND = {
    "initial": "enveloppe initiale",
    "top_up": "abondement",
    "committed": "engagement",
    "released": "engagement libéré",
    "settled": "solde versé",
}


def page(name: str, status: int = 200, **context: Any) -> Template:
    return Template(template_name=f"training/{name}", context=context, status_code=status)


def app_of(platform: Platform) -> TrainingApplication:
    return training(platform)


async def call_or_404(platform: Platform, call_id: UUID) -> dict[str, Any]:
    """The call's read-model row (calls are public to every signed-in user: network scope, as the
    API reads them), or the 404 page."""
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        row = await queries.call_summary(conn, str(call_id))
    if row is None:
        raise NotFound(f"aucun appel à projets {call_id}")
    return row


# --- a form's text, the way the API reads a body ---------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def money_text(value: str) -> str:
    """« 250 000,50 € » → "250000.50" (the API's money pattern then judges it)."""
    return _SPACES.sub("", value).removesuffix("€").replace(",", ".")


def rate_text(value: str) -> str:
    """« 0,5 » → "0.5"; « 50 % » → "0.50" (a share of 1, as the API writes rates)."""
    text = _SPACES.sub("", value).replace(",", ".")
    if text.endswith("%"):
        number = text.removesuffix("%")
        try:
            share = float(number) / 100
        except ValueError:
            return text
        if share >= 1:
            return "1"
        whole, decimals = f"{share:.4f}".split(".")
        return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"
    return text


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class FormRefused(Exception):
    """A form the API's body type refuses: the messages beside the fields (form names)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def as_body(body: Mapping[str, Any], body_type: type[T], fields: Mapping[str, tuple[str, str]]) -> T:
    """The form's values as the API's request Struct, judged by the same constraints (lax on types:
    a form sends text). `fields` maps the API's field (`criteria.max_per_trainee`) to the form's
    field and its words on screen; a refusal is raised as FormRefused, beside its field."""
    try:
        return msgspec.convert(dict(body), body_type, strict=False)
    except msgspec.ValidationError as error:
        message, path = _split(str(error))
        api_field = field_of(message, path)
        form_field, words = fields.get(api_field, (GENERAL, api_field))
        text = french_message(message, path).replace(f"« {api_field} »", f"« {words} »")
        raise FormRefused({form_field: sentence(text)}) from None


def refusal_of(error: DomainError, fields: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """A domain refusal beside the form's field it names (its message starts with the API's name
    of the field: beside the field it goes without saying)."""
    named = str(error.details.get("field") or "")
    form_field, _ = fields.get(named, (GENERAL, named))
    message = error.message
    if named:
        message = message.removeprefix(f"{named} : ").removeprefix(f"le champ « {named} » : ")
    return {form_field: sentence(message)}


def version_of(fields: Mapping[str, str]) -> int | None:
    raw = fields.get(VERSION, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- paging -----------------------------------------------------------------------------------------


def page_number(text: str | None) -> int:
    """The page asked for (1 when the value is not a page number)."""
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def last_page(total: int, size: int) -> int:
    return max(math.ceil(total / size), 1)


def page_url(path: str, filters: Mapping[str, str], number: int) -> str:
    """`path` at page `number` with the same filters (the first page without `page=`)."""
    query = {name: value for name, value in filters.items() if value}
    if number > 1:
        query["page"] = str(number)
    return path + ("?" + urlencode(query) if query else "")
