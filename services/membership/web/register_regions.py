"""/registre/regions: the regions on a date (active ones, and those retired by then with what retired
them); /registre/regions/fusion: a region merger (the API's `POST /api/membership/regions/mergers`)."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from services.membership import queries
from services.membership.read_models import MemberSummary
from services.membership.web.register_common import (
    RACE,
    STAFF_PAGE,
    AnyRequest,
    FormInvalid,
    Values,
    french_refusal,
    parse_day,
    region_options,
    regions_on,
)
from shared.as_of import today_in_paris
from shared.errors import DomainError
from shared.eventstore import IntegrityError
from shared.platform import Platform
from shared.tenancy import read_scope, scoped_connection
from shared.web.forms import GENERAL, form_lists, page_command, see_other
from shared.web.notices import flash, take_notice

# The API's fields → the form's, for the region forms (the members' forms use FORM_FIELDS).
MERGER_FIELDS = {"merged": "regions", "new_code": "code", "new_name": "nom", "effective_on": "date_effet"}
RENAME_FIELDS = {"code": "region", "new_code": "code", "new_name": "nom", "effective_on": "date_effet"}
SPLIT_FIELDS = {"code": "region", "successors": "code_1", "assignments": "membres", "effective_on": "date_effet"}
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
        return await _merger_page(platform, shown, french_refusal(error, MERGER_FIELDS), error.status_code)
    await flash(request, f"La fusion est enregistrée : {', '.join(merged)} forment {name} ({code}).")
    return see_other(f"/registre/regions?date={day.isoformat()}")


# --- a region renamed (its code kept or a new one) -------------------------------------------------


async def _rename_page(
    platform: Platform, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    regions = await regions_on(platform)
    return Template(
        template_name="membership/register/rename.html",
        context={
            "title": "Renommer une région",
            "values": values or {"date_effet": today_in_paris().isoformat()},
            "errors": errors or {},
            "regions": region_options(regions),
        },
        status_code=status,
    )


@get("/registre/regions/renommage", guards=[STAFF_PAGE])
async def rename_form(platform: NamedDependency[Platform]) -> Template:
    return await _rename_page(platform)


@post("/registre/regions/renommage", guards=[STAFF_PAGE], status_code=303)
async def rename_region(request: AnyRequest, platform: NamedDependency[Platform]) -> Response[Any]:
    """The API's `POST /api/membership/regions/renames`: the same use case, the code kept when no new one."""
    values = Values(await form_lists(request))
    shown = values.shown()
    code = values.required("region", "Choisissez la région renommée.")
    new_code = values.text("code") or code
    if values.text("code") and not REGION_CODE.fullmatch(new_code):
        values.errors["code"] = "Le nouveau code s'écrit de 2 à 8 lettres majuscules, par exemple HDF."
    name = values.required("nom", "Indiquez le nouveau nom de la région.")
    day = values.day("date_effet", "la date d'effet du changement de nom")
    try:
        values.check()
        await page_command(
            request,
            platform,
            "membership",
            "rename_region",
            lambda app: app.rename_region(code=code, new_code=new_code, new_name=name, effective_on=day),
        )
    except FormInvalid as invalid:
        return await _rename_page(platform, shown, invalid.errors, 400)
    except IntegrityError:
        return await _rename_page(platform, shown, {GENERAL: RACE}, 409)
    except DomainError as error:
        return await _rename_page(platform, shown, french_refusal(error, RENAME_FIELDS), error.status_code)
    await flash(request, f"Le changement de nom est enregistré : {code} devient {name} ({new_code}).")
    return see_other(f"/registre/regions?date={day.isoformat()}")


# --- a region split, each of its members assigned to one of the new regions ------------------------

SUCCESSOR_ROWS = 4  # new regions offered by the form (two at least are filled)


async def _split_page(
    request: AnyRequest,
    platform: Platform,
    code: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    regions = await regions_on(platform)
    if code not in {r.code for r in regions if r.status == "active"}:
        code = ""
    members = await _members_of(request, platform, code) if code else []
    return Template(
        template_name="membership/register/split.html",
        context={
            "title": "Scinder une région",
            "code": code,
            "values": values or {"date_effet": today_in_paris().isoformat()},
            "errors": errors or {},
            "regions": region_options(regions),
            "members": members,
            "rows": range(1, SUCCESSOR_ROWS + 1),
        },
        status_code=status,
    )


async def _members_of(request: AnyRequest, platform: Platform, code: str) -> list[MemberSummary]:
    """Every member of the region today (each must be assigned), a page of the API's list at most."""
    scope = await read_scope(platform.write_pool, request.user)
    async with scoped_connection(platform.read_pool, scope) as conn:
        page = await queries.list_members(
            conn,
            on=today_in_paris(),
            known_at=None,
            region=code,
            form=None,
            status=None,
            certification=None,
            name=None,
            limit=MAX_SPLIT_MEMBERS,
            offset=0,
            scope=scope,
        )
    return page.items


MAX_SPLIT_MEMBERS = 500  # the API list's largest page; a larger region is split through the API


@get("/registre/regions/scission", guards=[STAFF_PAGE])
async def split_form(
    request: AnyRequest, platform: NamedDependency[Platform], region: FromQuery[str | None] = None
) -> Template:
    return await _split_page(request, platform, region or "")


@post("/registre/regions/scission", guards=[STAFF_PAGE], status_code=303)
async def split_region(request: AnyRequest, platform: NamedDependency[Platform]) -> Response[Any]:
    """The API's `POST /api/membership/regions/splits`: the new regions typed in rows, each member of
    the region assigned to one of them by its row's number."""
    values = Values(await form_lists(request))
    shown = values.shown()
    code = values.required("region", "Choisissez la région scindée.")
    successors: list[tuple[str, str]] = []
    for n in range(1, SUCCESSOR_ROWS + 1):
        new_code, new_name = values.text(f"code_{n}"), values.text(f"nom_{n}")
        if not new_code and not new_name:
            continue
        if not REGION_CODE.fullmatch(new_code):
            values.errors[f"code_{n}"] = f"Le code de la nouvelle région n°{n} s'écrit de 2 à 8 lettres majuscules."
        if not new_name:
            values.errors[f"nom_{n}"] = f"Indiquez le nom de la nouvelle région n°{n}."
        successors.append((new_code, new_name))
    if len(successors) < 2:
        values.errors.setdefault("code_1", "Indiquez au moins deux nouvelles régions.")
    assignments: dict[UUID, str] = {}
    for name, chosen in values.lists.items():
        if name.startswith("affectation_") and chosen and chosen[-1]:
            row = int(chosen[-1]) if chosen[-1].isascii() and chosen[-1].isdigit() else 0
            if not 1 <= row <= len(successors):
                values.errors[name] = "Choisissez une des nouvelles régions saisies."
                continue
            try:
                assignments[UUID(name.removeprefix("affectation_"))] = successors[row - 1][0]
            except ValueError:
                continue  # not a member id: nothing a person could have sent
    day = values.day("date_effet", "la date d'effet de la scission")
    try:
        values.check()
        await page_command(
            request,
            platform,
            "membership",
            "split_region",
            lambda app: app.split_region(
                code=code, successors=tuple(successors), assignments=assignments, effective_on=day
            ),
        )
    except FormInvalid as invalid:
        return await _split_page(request, platform, code, shown, invalid.errors, 400)
    except IntegrityError:
        return await _split_page(request, platform, code, shown, {GENERAL: RACE}, 409)
    except DomainError as error:
        errors = french_refusal(error, SPLIT_FIELDS)
        return await _split_page(request, platform, code, shown, errors, error.status_code)
    await flash(request, f"La scission est enregistrée : {code} devient {', '.join(c for c, _ in successors)}.")
    return see_other(f"/registre/regions?date={day.isoformat()}")
