"""/registre/regions: the regions on a date (active ones, and those retired by then with what retired
them); /registre/regions/fusion: a region merger (the API's `POST /api/membership/regions/mergers`)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from services.membership.web.register_common import (
    RACE,
    STAFF_PAGE,
    AnyRequest,
    FormInvalid,
    Values,
    french_refusal,
    parse_day,
    regions_on,
)
from shared.as_of import today_in_paris
from shared.errors import DomainError
from shared.eventstore import IntegrityError
from shared.platform import Platform
from shared.web.forms import GENERAL, form_lists, page_command, see_other
from shared.web.notices import flash, take_notice

REGION_CODE = re.compile(r"^[A-Z]{2,8}$")
ENDED_WORDS = {"merger": "fusion", "rename": "changement de nom", "split": "scission"}


@get("/registre/regions", guards=[STAFF_PAGE])
async def regions_page(
    request: AnyRequest, platform: NamedDependency[Platform], date: FromQuery[str | None] = None
) -> Template:
    day = parse_day((date or "").strip()) if date else None
    error = {"date": "La date doit être une date réelle, par exemple 01/03/2026."} if date and day is None else {}
    on = day or today_in_paris()
    regions = await regions_on(platform, on)
    return Template(
        template_name="membership/register/regions.html",
        context={
            "title": "Les régions",
            "on": on,
            "date_text": (date or "")[:40] if error else on.isoformat(),
            "active": [r for r in regions if r.status == "active"],
            "retired": [r for r in regions if r.status == "retired"],
            "ended_words": ENDED_WORDS,
            "errors": error,
            "notice": await take_notice(request),
        },
        status_code=400 if error else 200,
    )


async def _merger_page(
    platform: Platform, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    regions = await regions_on(platform)
    return Template(
        template_name="membership/register/merger.html",
        context={
            "title": "Fusionner des régions",
            "values": values or {"date_effet": today_in_paris().isoformat(), "regions": []},
            "errors": errors or {},
            "regions": [(r.code, f"{r.name} ({r.code})") for r in regions if r.status == "active"],
        },
        status_code=status,
    )


@get("/registre/regions/fusion", guards=[STAFF_PAGE])
async def merger_form(platform: NamedDependency[Platform]) -> Template:
    return await _merger_page(platform)


@post("/registre/regions/fusion", guards=[STAFF_PAGE], status_code=303)
async def merge_regions(request: AnyRequest, platform: NamedDependency[Platform]) -> Response[Any]:
    values = Values(await form_lists(request))
    shown = {**values.shown(), "regions": values.all("regions")}
    merged = tuple(values.all("regions"))
    if len(merged) < 2:
        values.errors["regions"] = "Choisissez au moins deux régions à fusionner."
    code = values.required("code", "Indiquez le code de la nouvelle région, par exemple HDF.")
    if code and not REGION_CODE.fullmatch(code):
        values.errors["code"] = "Le code de la nouvelle région s'écrit de 2 à 8 lettres majuscules, par exemple HDF."
    name = values.required("nom", "Indiquez le nom de la nouvelle région.")
    day = values.day("date_effet", "la date d'effet de la fusion")
    try:
        values.check()
        await page_command(
            request,
            platform,
            "membership",
            "merge_regions",
            lambda app: app.merge_regions(merged=merged, new_code=code, new_name=name, effective_on=day),
        )
    except FormInvalid as invalid:
        return await _merger_page(platform, shown, invalid.errors, 400)
    except IntegrityError:
        return await _merger_page(platform, shown, {GENERAL: RACE}, 409)
    except DomainError as error:
        return await _merger_page(platform, shown, french_refusal(error), error.status_code)
    await flash(request, f"La fusion est enregistrée : {', '.join(merged)} forment {name} ({code}).")
    return see_other(f"/registre/regions?date={day.isoformat()}")
