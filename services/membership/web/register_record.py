"""/registre/{member_id}: a member's record as the API's GET shows it (live, or `?as_of=` a date),
with a link to every form that changes it; /registre/{member_id}/historique: every recorded change,
with the date it takes effect, the moment it was recorded and who recorded it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from services.membership import queries
from services.membership.read_models import HistoryEntry
from services.membership.web.home import ROLE_NAMES, certification_of, dues_rows
from services.membership.web.register_common import (
    FORM_WORDS,
    SCHEME_WORDS,
    SCOPE_WORDS,
    STAFF_PAGE,
    STATUS_WORDS,
    AnyRequest,
    member_or_404,
    parse_day,
    parse_moment,
    visible_member,
)
from shared.as_of import today_in_paris
from shared.auth import Role
from shared.platform import Platform
from shared.tenancy import read_scope, scoped_connection
from shared.web.filters import euros, french_date
from shared.web.notices import take_notice

EVENT_WORDS = {
    "Registered": "Adhésion enregistrée",
    "DetailsChanged": "Nom, contact ou ville changés",
    "FormsChanged": "Formes changées",
    "MovedToRegion": "Changement de région",
    "Certified": "Certification obtenue",
    "CertificationLost": "Certification perdue",
    "JoinedAccordGroupe": "Entrée dans l'Accord Groupe",
    "LeftAccordGroupe": "Sortie de l'Accord Groupe",
    "DuesCalled": "Cotisation appelée",
    "DuesPaid": "Cotisation payée",
    "Resigned": "Démission",
    "Excluded": "Exclusion",
    "Reinstated": "Réintégration",
}
DETAIL_WORDS = {
    "name": "Nom",
    "siret": "SIRET",
    "forms": "Formes",
    "region": "Région",
    "city": "Ville",
    "contact": "Contact",
    "reason": "Motif",
    "certification": "Certification",
    "year": "Année",
    "amount": "Montant",
}
ROLE_WORDS = {role.value: words for role, words in ROLE_NAMES.items()}
# The record's actions, in the order of the page: (address under the record, words, shown when).
ACTIONS = (
    ("coordonnees", "Changer le nom, le contact ou la ville", "any"),
    ("formes", "Changer les formes", "any"),
    ("region", "Changer de région", "any"),
    ("certification", "Enregistrer une certification", "active"),
    ("certification/perte", "Enregistrer la perte de la certification", "certified"),
    ("cotisations/appel", "Enregistrer l'appel de cotisation", "active"),
    ("cotisations/paiement", "Enregistrer un paiement de cotisation", "called"),
    ("accord-groupe", "Entrée ou sortie de l'Accord Groupe", "any"),
    ("demission", "Enregistrer la démission", "active"),
    ("exclusion", "Enregistrer l'exclusion", "active"),
    ("reintegration", "Réintégrer le membre", "left"),
)


def _actions(record: Any) -> list[tuple[str, str]]:
    active = record.status == "active"
    shown = {
        "any": True,
        "active": active,
        "left": not active,
        "certified": record.certification is not None,
        "called": bool(record.dues),
    }
    return [(f"/registre/{record.member_id}/{slug}", words) for slug, words, when in ACTIONS if shown[when]]


@get("/registre/{member_id:uuid}", guards=[STAFF_PAGE])
async def member_record(
    request: AnyRequest,
    member_id: FromPath[UUID],
    platform: NamedDependency[Platform],
    as_of: FromQuery[str | None] = None,
    known_at: FromQuery[str | None] = None,
) -> Template:
    """`as_of`: the record on that date; `known_at`: as the register knew it at that moment (Paris
    time), the API's two parameters."""
    today = await member_or_404(request, platform, member_id)  # 404 for a member no one may see
    errors: dict[str, str] = {}
    day: date | None = None
    moment: datetime | None = None
    if as_of:
        day = parse_day(as_of.strip())
        if day is None:
            errors["as_of"] = "La date doit être une date réelle, par exemple 01/03/2026."
    if known_at:
        moment = parse_moment(known_at.strip())
        if moment is None:
            errors["known_at"] = "Le moment doit être une date et une heure réelles, par exemple 01/03/2026 14:05."
    asked = day is not None or moment is not None
    record = await visible_member(request, platform, member_id, day, moment) if asked else today
    return Template(
        template_name="membership/register/record.html",
        context={
            "title": today.name,
            "member": record,
            "today_record": today,
            "as_of": day,
            "as_of_text": (as_of or "").strip()[:40] if "as_of" in errors else (day.isoformat() if day else ""),
            "known_at": moment,
            "known_at_text": (known_at or "").strip()[:40] if "known_at" in errors or moment else "",
            "errors": errors,
            "today": today_in_paris(),
            "forms_fr": [FORM_WORDS.get(f, f) for f in record.forms] if record else [],
            "status_words": STATUS_WORDS,
            "schemes": SCHEME_WORDS,
            "scopes": SCOPE_WORDS,
            "certification": certification_of(record),
            "dues": dues_rows(record.dues) if record else [],
            "tenures": _tenures(record.tenures) if record else [],
            "actions": [] if asked else _actions(today),
            "notice": await take_notice(request),
        },
        status_code=400 if errors else 200,
    )


def _tenures(tenures: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Each period of membership as words: (from, to or None while it lasts)."""
    return [(_date(t.get("joined_on")), _date(t["left_on"]) if t.get("left_on") else None) for t in tenures]


def _value(key: str, value: Any) -> str:
    """A change's value in words."""
    if key == "forms" and isinstance(value, list):
        return ", ".join(str(FORM_WORDS.get(str(f), f)) for f in value)
    if key == "contact" and isinstance(value, dict):
        return " · ".join(str(value.get(k)) for k in ("name", "email", "phone") if value.get(k))
    if key == "certification" and isinstance(value, dict):
        text = (
            f"{SCHEME_WORDS.get(value.get('scheme', ''), value.get('scheme'))} "
            f"({SCOPE_WORDS.get(value.get('scope', ''), value.get('scope'))}), obtenue le "
            f"{_date(value.get('obtained_on'))}, valable jusqu'au {_date(value.get('expires_on'))}"
        )
        return text + (f", certificat {value['group_id']}" if value.get("group_id") else "")
    if key == "amount":
        try:
            return euros(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    if key.endswith("_on"):
        return _date(value)
    return str(value)


def _date(value: Any) -> str:
    try:
        return french_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _described(entry: HistoryEntry) -> list[tuple[str, str]]:
    """The change's values in a fixed order (the register's), in words."""
    details = entry.details
    return [
        (words, _value(key, details[key])) for key, words in DETAIL_WORDS.items() if details.get(key) not in (None, "")
    ]


async def _names(conn: asyncpg.Connection, actor_ids: set[str]) -> dict[str, str]:
    """The names the directory gives the people who recorded the changes, in one query (as le Cap's
    pages name people: the people service's read model); none when the directory is not there (a
    process of the membership service alone), and the history then shows the ids."""
    try:
        async with conn.transaction():  # a savepoint: a missing table leaves the history's read usable
            rows = await conn.fetch(
                "SELECT person_id, name FROM people.directory WHERE person_id = ANY($1::text[])", sorted(actor_ids)
            )
    except asyncpg.UndefinedTableError:
        return {}
    return {r["person_id"]: r["name"] for r in rows}


@get("/registre/{member_id:uuid}/historique", guards=[STAFF_PAGE])
async def member_history(
    request: AnyRequest, member_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Template:
    record = await member_or_404(request, platform, member_id)
    async with scoped_connection(platform.read_pool, await read_scope(platform.write_pool, request.user)) as conn:
        entries = await queries.member_history(conn, str(member_id))
        names = await _names(conn, {e.actor_id for e in entries}) if entries else {}
    if not entries:
        raise NotFoundException()
    return Template(
        template_name="membership/register/history.html",
        context={
            "title": f"Historique — {record.name}",
            "member": record,
            "entries": [
                {
                    "entry": e,
                    "what": EVENT_WORDS.get(e.event, e.event),
                    "details": _described(e),
                    "who": ROLE_WORDS.get(e.actor_role, e.actor_role),
                    "name": names.get(e.actor_id, ""),
                }
                for e in reversed(entries)
            ],
            "staff_role": Role.NATIONAL_STAFF.value,
        },
    )
