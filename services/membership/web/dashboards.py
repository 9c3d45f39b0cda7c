"""The register's dashboards: the network's (national staff, as of a date) and a region's (its
delegates and trainers; national staff for any region).

    /reseau                 members per region with the activity report's map buckets, forms,
                            certifications, Accord Groupe (national staff)
    /region                 a delegate's or trainer's own region; national staff: the regions
    /region/{code}          one region (national staff; a regional role: its own region only)

Each page reads what the API's dashboards read, through the same queries, scopes and answer cache
(`REGISTER_ANSWERS`, keyed as the API keys them, so a page and the API share one computation per
position of the register). `as_of` (a date, default today in Paris) is chosen by a GET form; a date
that is not one is a 400 page naming the field. le Cap's tabs of the same dashboards are the
assessment service's pages (`services/assessment/web/dashboards.py`)."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from services.membership import queries
from services.membership.api.schemas import REGION_CODE_PATTERN
from services.membership.read_cache import REGISTER_ANSWERS
from services.membership.read_models import MemberPage, NetworkDashboard, Region, RegionDashboard
from services.membership.web import dashboards_figures as charts
from shared.as_of import as_of_date, today_in_paris
from shared.auth import Principal, Role
from shared.decoding import RequestRefused
from shared.platform import Platform
from shared.tenancy import ReadScope, read_scope, scoped_connection
from shared.web.auth import signed_in_as
from shared.web.navigation import dashboard_tabs

STAFF = signed_in_as(Role.NATIONAL_STAFF)
REGION_READERS = signed_in_as(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE, Role.TRAINER)
PAGE_SIZE = 50
MAX_PAGE = 10_000  # beyond, a page number is a typo or a probe (OFFSET would read and drop rows)
AS_OF = "as_of"
REGION_CODE = re.compile(REGION_CODE_PATTERN)


class AsOfRefused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message[:1].upper() + message[1:] + "."


def chosen_day(text: str | None) -> date:
    """The date the GET form chose (empty or absent: today in Paris), or `AsOfRefused`."""
    if not text or not text.strip():
        return today_in_paris()
    try:
        day = as_of_date(text.strip(), AS_OF)
    except RequestRefused as refused:
        raise AsOfRefused(str(refused.detail)) from None
    return day or today_in_paris()


def _principal(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    if not isinstance(user, Principal):  # the guard lets only signed-in people through
        raise NotFoundException()
    return user


def _refused(template: str, title: str, text: str | None, message: str, **context: Any) -> Template:
    """The page with its date chooser only, the message beside the field, and a 400."""
    return Template(
        template_name=template,
        context={
            "title": title,
            "as_of_value": text or "",
            "errors": {AS_OF: message},
            "dashboard": None,
            **context,
        },
        status_code=400,
    )


async def _regions(platform: Platform, on: date) -> list[Region]:
    """The regions then: reference data, read in network scope as the API's `/regions` reads it."""

    async def read() -> list[Region]:
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            return await queries.regions(conn, on)

    regions: list[Region] = await REGISTER_ANSWERS.answer(platform, ("regions",), on, None, read)
    return regions


async def _network(platform: Platform, on: date) -> NetworkDashboard | None:
    dashboard: NetworkDashboard | None = await REGISTER_ANSWERS.answer(
        platform,
        ("network dashboard",),
        on,
        None,
        lambda: queries.network_dashboard(platform.read_pool, on, None),
    )
    return dashboard


def _query(day: date, today: date, **others: str) -> str:
    """A link's query: the date when it is not today, then the others that are set."""
    query = {AS_OF: day.isoformat()} if day != today else {}
    query.update({k: v for k, v in others.items() if v})
    return "?" + urlencode(query) if query else ""


@get("/reseau", guards=[STAFF])
async def network_page(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform], as_of: FromQuery[str | None] = None
) -> Template:
    title = "Le réseau"
    try:
        day = chosen_day(as_of)
    except AsOfRefused as refused:
        return _refused(
            "membership/dashboards/reseau.html", title, as_of, refused.message, tabs=dashboard_tabs(network=True)
        )
    today = today_in_paris()
    dashboard, regions = await _network(platform, day), await _regions(platform, day)
    rows = charts.region_rows(dashboard.members_per_region, regions) if dashboard else []
    query = _query(day, today)
    return Template(
        template_name="membership/dashboards/reseau.html",
        context={
            "title": title,
            "as_of_value": day.isoformat(),
            "day": day,
            "today": today,
            "errors": {},
            "tabs": dashboard_tabs(network=True, query=query),
            "query": query,
            "dashboard": dashboard,
            "rows": rows,
            "buckets": charts.BUCKETS[1:],
            "regions_chart": charts.members_per_region_chart(rows),
            "buckets_chart": charts.buckets_chart(dashboard) if dashboard else None,
            **(_figures(dashboard) if dashboard else {}),
        },
    )


def _figures(dashboard: NetworkDashboard | RegionDashboard) -> dict[str, Any]:
    return {
        "forms_chart": charts.forms_chart(dashboard),
        "carried_forms_chart": charts.carried_forms_chart(dashboard),
        "certifications_chart": charts.certifications_chart(dashboard),
        "accord_groupe": charts.accord_groupe_gauge(dashboard),
        "statuses": charts.statuses(dashboard),
    }


@get("/region", guards=[REGION_READERS])
async def my_region_page(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    as_of: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    """A regional role's own region; national staff: the list of the regions."""
    principal = _principal(request)
    if principal.has(Role.NATIONAL_STAFF):
        return await _regions_list(platform, as_of)
    if not principal.region:
        raise NotFoundException()
    return await _region_page(request, platform, principal, principal.region, as_of, page, own=True)


@get("/region/{code:str}", guards=[REGION_READERS])
async def region_page(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    code: FromPath[str],
    as_of: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> Template:
    principal = _principal(request)
    if not (2 <= len(code) <= 8 and REGION_CODE.fullmatch(code)):
        raise NotFoundException()
    if not principal.has(Role.NATIONAL_STAFF):
        if code != principal.region:
            raise NotFoundException()  # another region does not exist for a regional role
        return await _region_page(request, platform, principal, code, as_of, page, own=True)
    return await _region_page(request, platform, principal, code, as_of, page, own=False)


async def _regions_list(platform: Platform, as_of: str | None) -> Template:
    title = "Les régions"
    template = "membership/dashboards/regions.html"
    try:
        day = chosen_day(as_of)
    except AsOfRefused as refused:
        return _refused(template, title, as_of, refused.message, rows=[])
    today = today_in_paris()
    dashboard, regions = await _network(platform, day), await _regions(platform, day)
    rows = charts.region_rows(dashboard.members_per_region, regions) if dashboard else []
    return Template(
        template_name=template,
        context={
            "title": title,
            "as_of_value": day.isoformat(),
            "day": day,
            "today": today,
            "errors": {},
            "dashboard": dashboard,
            "rows": sorted(rows, key=lambda r: _alphabetical(r.name)),
            "query": _query(day, today),
        },
    )


async def _region_page(
    request: Request[Any, Any, Any],
    platform: Platform,
    principal: Principal,
    code: str,
    as_of: str | None,
    page: str | None,
    *,
    own: bool,
) -> Template:
    template = "membership/dashboards/region.html"
    tabs_code = None if own else code
    try:
        day = chosen_day(as_of)
    except AsOfRefused as refused:
        return _refused(
            template, "La région", as_of, refused.message, tabs=dashboard_tabs(tabs_code), code=code, own=own
        )
    today = today_in_paris()
    scope = await read_scope(platform.write_pool, principal)
    dashboard: RegionDashboard | None = await REGISTER_ANSWERS.answer(
        platform,
        ("region dashboard", scope, code),
        day,
        None,
        lambda: queries.region_dashboard(platform.read_pool, scope, code, day, None),
    )
    if dashboard is None:
        raise NotFoundException()  # no such region then, or not the caller's: the same page
    number = _page_number(page)
    members = await _members(platform, scope, code, day, number)
    last = max(math.ceil(members.total / PAGE_SIZE), 1)
    query = _query(day, today)
    base = "/region" if own else f"/region/{code}"
    return Template(
        template_name=template,
        context={
            "title": f"Région {dashboard.name}",
            "as_of_value": day.isoformat(),
            "day": day,
            "today": today,
            "errors": {},
            "code": code,
            "own": own,
            "action": base,
            "tabs": dashboard_tabs(tabs_code, query=query),
            "dashboard": dashboard,
            "bucket": charts.BUCKET_WORDS.get(dashboard.map_bucket, dashboard.map_bucket),
            "members": members,
            "number": number,
            "last": last,
            "previous": base + _query(day, today, page=str(min(number - 1, last))) if number > 1 else None,
            "next": base + _query(day, today, page=str(number + 1)) if number < last else None,
            # The register's member pages are for national staff: a regional role reads names only.
            "links_to_register": principal.has(Role.NATIONAL_STAFF),
            "form_words": charts.FORM_WORDS,
            "scheme_words": charts.SCHEME_WORDS,
            "status_words": charts.STATUS_WORDS,
            **_figures(dashboard),
        },
    )


async def _members(platform: Platform, scope: ReadScope, code: str, day: date, number: int) -> MemberPage:
    """A page of the region's members, as `GET /api/membership/members?region=` reads it."""
    offset = (number - 1) * PAGE_SIZE

    async def read() -> MemberPage:
        async with scoped_connection(platform.read_pool, scope) as conn:
            return await queries.list_members(
                conn,
                on=day,
                known_at=None,
                region=code,
                form=None,
                status=None,
                certification=None,
                name=None,
                limit=PAGE_SIZE,
                offset=offset,
                scope=scope,
            )

    arguments = ("members", scope, code, None, None, None, None, PAGE_SIZE, offset)
    found: MemberPage = await REGISTER_ANSWERS.answer(platform, arguments, day, None, read)
    return found


def _alphabetical(name: str) -> str:
    """A name's place in a French list: Île-de-France among the I, not after Z."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def _page_number(text: str | None) -> int:
    """The page asked for (1 when the value is not a page number)."""
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


DASHBOARD_PAGES: list[Any] = [network_page, my_region_page, region_page]
