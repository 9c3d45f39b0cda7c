"""/registre: the members, searched (name or SIRET), filtered (region, form, status), paginated; and
/registre/nouveau: registering a member (the API's `POST /api/membership/members`)."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from anyio import to_thread
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from services.membership import queries
from services.membership.domain.member import Form, Status
from services.membership.read_cache import REGISTER_ANSWERS
from services.membership.read_models import MemberPage, MemberSummary
from services.membership.web.register_actions import contact_of
from services.membership.web.register_common import (
    FORM_WORDS,
    RACE,
    SCHEME_WORDS,
    STAFF_PAGE,
    STATUS_WORDS,
    AnyRequest,
    FormInvalid,
    Values,
    application,
    form_options,
    forms_of,
    french_refusal,
    parse_day,
    regions_on,
    visible_member,
)
from shared.as_of import today_in_paris
from shared.errors import DomainError
from shared.eventstore import IntegrityError
from shared.platform import Platform
from shared.tenancy import read_scope, scoped_connection
from shared.web.forms import GENERAL, form_lists, page_command, see_other
from shared.web.notices import flash, take_notice

PAGE_SIZE = 50
MAX_PAGE = 20_000  # 1,000,000 members skipped at most: the API's bound on `offset`
SIRET_TEXT = re.compile(r"^[0-9 \u00a0\u202f]{14,20}$")


def _page_number(text: str | None) -> int:
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def _url(filters: dict[str, str], number: int) -> str:
    query = {k: v for k, v in filters.items() if v}
    if number > 1:
        query["page"] = str(number)
    return "/registre" + ("?" + urlencode(query) if query else "")


async def _search(
    request: AnyRequest, platform: Platform, filters: dict[str, str], number: int, on: date
) -> MemberPage:
    """The page of members, read as the API's list reads it; a SIRET typed in the search box finds
    its member through the register's SIRET index (the name search would not)."""
    scope = await read_scope(platform.write_pool, request.user)
    text = filters["q"]
    if text and SIRET_TEXT.fullmatch(text):
        return await _by_siret(request, platform, filters, on)
    offset = (number - 1) * PAGE_SIZE
    region, form, status, certification, name = (
        filters["region"] or None,
        filters["forme"] or None,
        filters["statut"] or None,
        filters["certification"] or None,
        text or None,
    )

    async def read() -> MemberPage:
        async with scoped_connection(platform.read_pool, scope) as conn:
            return await queries.list_members(
                conn,
                on=on,
                known_at=None,
                region=region,
                form=form,
                status=status,
                certification=certification,
                name=name,
                limit=PAGE_SIZE,
                offset=offset,
                scope=scope,
            )

    # The API's own answer cache, under the API's key: the same read gives the same answer until the
    # register changes, whether the page or the API asked first.
    arguments = ("members", scope, region, form, status, certification, name, PAGE_SIZE, offset)
    page: MemberPage = await REGISTER_ANSWERS.answer(platform, arguments, on, None, read)
    return page


async def _by_siret(request: AnyRequest, platform: Platform, filters: dict[str, str], on: date) -> MemberPage:
    """The one member holding the SIRET typed (if the filters keep it), as a page of one."""
    holder = await to_thread.run_sync(application(platform).member_with_siret, filters["q"])
    record = None if holder is None else await visible_member(request, platform, holder, on)
    kept = record is not None and (
        filters["region"] in ("", record.region)
        and filters["forme"] in ("", *record.forms)
        and filters["statut"] in ("", record.status)
        and filters["certification"] in ("", (record.certification or {}).get("scheme"))
    )
    if record is None or not kept:
        return MemberPage(items=[], total=0, limit=PAGE_SIZE, offset=0)
    summary = MemberSummary(
        member_id=record.member_id,
        name=record.name,
        siret=record.siret,
        forms=record.forms,
        region=record.region,
        city=record.city,
        status=record.status,
        certification_scheme=(record.certification or {}).get("scheme"),
        accord_groupe=record.accord_groupe_since is not None,
        version=record.version,
    )
    return MemberPage(items=[summary], total=1, limit=PAGE_SIZE, offset=0)


@get("/registre", guards=[STAFF_PAGE])
async def register_list(
    request: AnyRequest,
    platform: NamedDependency[Platform],
    q: FromQuery[str | None] = None,
    region: FromQuery[str | None] = None,
    forme: FromQuery[str | None] = None,
    statut: FromQuery[str | None] = None,
    certification: FromQuery[str | None] = None,
    au: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    # `au`: the register as it stood on that date (the API's `as_of`); a date that is no date is
    # said beside its field, and the list shows today's register.
    day = parse_day(au.strip()) if au else None
    errors = {"au": "La date doit être une date réelle, par exemple 01/03/2026."} if au and day is None else {}
    on = day or today_in_paris()
    regions = await regions_on(platform, on)
    codes = {r.code for r in regions}
    # A filter the register does not know is dropped (a stale bookmark), not an error page.
    filters = {
        "q": re.sub(r"[\x00-\x1f\x7f]", "", (q or "").strip())[:300],
        "region": region if region in codes else "",
        "forme": forme if forme in {f.value for f in Form} else "",
        "statut": statut if statut in {s.value for s in Status} else "",
        "certification": certification if certification in SCHEME_WORDS else "",
        "au": day.isoformat() if day else "",
    }
    number = _page_number(page)
    found = await _search(request, platform, filters, number, on)
    last = max(math.ceil(found.total / PAGE_SIZE), 1)
    return Template(
        template_name="membership/register/list.html",
        context={
            "title": "Registre des adhérents",
            "page": found,
            "number": number,
            "last": last,
            "previous": _url(filters, min(number - 1, last)) if number > 1 else None,
            "next": _url(filters, number + 1) if number < last else None,
            "filters": filters,
            "regions": [(r.code, f"{r.name} ({r.code})") for r in regions],
            "form_choices": form_options(),
            "form_words": FORM_WORDS,
            "statuses": list(STATUS_WORDS.items()),
            "status_words": STATUS_WORDS,
            "schemes": list(SCHEME_WORDS.items()),
            "as_of": day,
            "as_of_text": (au or "")[:40] if errors else filters["au"],
            "errors": errors,
            "notice": await take_notice(request),
        },
        status_code=400 if errors else 200,
    )


async def _registration_page(
    platform: Platform, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    regions = await regions_on(platform)
    return Template(
        template_name="membership/register/new.html",
        context={
            "title": "Enregistrer un adhérent",
            "values": values or {"date_effet": today_in_paris().isoformat()},
            "errors": errors or {},
            "regions": [(r.code, f"{r.name} ({r.code})") for r in regions if r.status == "active"],
            "form_choices": form_options(),
        },
        status_code=status,
    )


@get("/registre/nouveau", guards=[STAFF_PAGE])
async def registration_form(platform: NamedDependency[Platform]) -> Template:
    return await _registration_page(platform)


@post("/registre/nouveau", guards=[STAFF_PAGE], status_code=303)
async def register_member(request: AnyRequest, platform: NamedDependency[Platform]) -> Response[Any]:
    values = Values(await form_lists(request))
    shown = values.shown()
    try:
        name = values.required("nom", "Indiquez le nom de l'entreprise.")
        siret = values.required("siret", "Indiquez le SIRET (14 chiffres).")
        forms = forms_of(values)
        region = values.required("region", "Choisissez la région.")
        joined_on = values.day("date_effet", "la date d'adhésion")
        city = values.required("ville", "Indiquez la ville du siège.")
        contact = contact_of(values)
        values.check()
        result = await page_command(
            request,
            platform,
            "membership",
            "register_member",
            lambda app: app.register_member(
                name=name, siret=siret, forms=forms, region=region, joined_on=joined_on, contact=contact, city=city
            ),
        )
    except FormInvalid as invalid:
        return await _registration_page(platform, shown, invalid.errors, 400)
    except IntegrityError:
        return await _registration_page(platform, shown, {GENERAL: RACE}, 409)
    except DomainError as error:
        return await _registration_page(platform, shown, french_refusal(error), error.status_code)
    await flash(request, f"{name} est enregistré au registre.")
    return see_other(f"/registre/{UUID(result.id)}")
