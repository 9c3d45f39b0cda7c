"""le Cap's part of the dashboards: /region/cap (progress, follow-up feed) and /reseau/cap (levels by
theme, services most needed).

    /reseau/cap             the network: assessments by stage, average level per theme, the federation
                            services the plans call on most, the most frequent actions (national staff)
    /region/cap             a delegate's or trainer's own region: the same, and the follow-up feed
                            (assessments stalled, plan actions overdue, reviews waiting)
    /region/cap/{code}      one region (national staff; a regional role: its own region only)

Each page reads what the API's dashboards read (`figures.dashboard`, `figures.follow_up`) through
the same access (`access_of`: a delegate's scope is the members now in their region). The tabs
carry the date chosen on the register's tab (`as_of`, checked the same way: a 400 beside the field);
le Cap's figures are the read models' present (the API's dashboards have no `as_of`), and a page
asked for another day says so rather than pass today's figures off as that day's."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from services.assessment import figures
from services.assessment.read_models import Dashboard, FollowUpFeed
from services.assessment.web import dashboards_figures as charts
from services.assessment.web.dashboards_regions import region_names
from services.assessment.web.results_common import access
from shared.as_of import as_of_date, end_of_day, today_in_paris
from shared.auth import Principal, Role
from shared.decoding import RequestRefused
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import signed_in_as
from shared.web.navigation import dashboard_tabs

STAFF = signed_in_as(Role.NATIONAL_STAFF)
REGION_READERS = signed_in_as(Role.NATIONAL_STAFF, Role.REGIONAL_DELEGATE, Role.TRAINER)
AS_OF = "as_of"
REGION_CODE = re.compile(r"[A-Z]{2,8}")  # the API's `RegionInPath`
STALLED_DAYS = 30  # the API's default: no answer for a month
ACTIONS_SHOWN = 100  # per list of the feed; the feed says how many more there are


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


def _query(day: date, today: date) -> str:
    return "?" + urlencode({AS_OF: day.isoformat()}) if day != today else ""


def _context(dashboard: Dashboard, day: date, today: date) -> dict[str, Any]:
    return {
        "as_of_value": day.isoformat(),
        "day": day,
        "today": today,
        "errors": {},
        "dashboard": dashboard,
        "stages_chart": charts.stages_chart(dashboard),
        "themes_chart": charts.themes_chart(dashboard),
        "services_chart": charts.services_chart(dashboard),
        "theme_label": charts.theme_label,
    }


def _refused(title: str, text: str | None, message: str, tabs: list[tuple[str, str]], **context: Any) -> Template:
    return Template(
        template_name="assessment/dashboards/cap.html",
        context={
            "title": title,
            "as_of_value": text or "",
            "errors": {AS_OF: message},
            "dashboard": None,
            "tabs": tabs,
            "feed": None,
            **context,
        },
        status_code=400,
    )


@get("/reseau/cap", guards=[STAFF])
async def network_cap_page(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform], as_of: FromQuery[str | None] = None
) -> Template:
    title = "Le réseau — le Cap"
    try:
        day = chosen_day(as_of)
    except AsOfRefused as refused:
        return _refused(title, as_of, refused.message, dashboard_tabs(network=True), heading="Le réseau", region=None)
    today = today_in_paris()
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        dashboard = await figures.dashboard(conn, None, until=_until(day, today))
    return Template(
        template_name="assessment/dashboards/cap.html",
        context={
            "title": title,
            "heading": "Le réseau",
            "region": None,
            "tabs": dashboard_tabs(network=True, query=_query(day, today)),
            "feed": None,
            **_context(dashboard, day, today),
        },
    )


@get("/region/cap", guards=[REGION_READERS])
async def my_region_cap_page(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform], as_of: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = _principal(request)
    if principal.has(Role.NATIONAL_STAFF):
        return Redirect("/region", status_code=303)  # national staff choose a region first
    if not principal.region:
        raise NotFoundException()
    return await _region_cap(request, platform, principal.region, as_of, own=True)


@get("/region/cap/{code:str}", guards=[REGION_READERS])
async def region_cap_page(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    code: FromPath[str],
    as_of: FromQuery[str | None] = None,
) -> Template:
    principal = _principal(request)
    if not REGION_CODE.fullmatch(code):
        raise NotFoundException()
    if not principal.has(Role.NATIONAL_STAFF) and principal.region != code:
        raise NotFoundException()  # another region does not exist for a regional role
    return await _region_cap(request, platform, code, as_of, own=not principal.has(Role.NATIONAL_STAFF))


async def _region_cap(
    request: Request[Any, Any, Any], platform: Platform, code: str, as_of: str | None, *, own: bool
) -> Template:
    tab_region = None if own else code
    heading = f"Région {code}"
    try:
        day = chosen_day(as_of)
    except AsOfRefused as refused:
        return _refused(
            f"{heading} — le Cap", as_of, refused.message, dashboard_tabs(tab_region), heading=heading, region=code
        )
    today = today_in_paris()
    who = await access(request, platform)
    names = await region_names(platform.write_pool, today)
    if names is not None and code not in names:
        raise NotFoundException()  # no such region in the register's list: the register's tab says the same
    heading = f"Région {names[code]}" if names else heading
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        dashboard = await figures.dashboard(conn, code, until=_until(day, today))
        feed = await figures.follow_up(conn, code, stalled_days=STALLED_DAYS, now=datetime.now(UTC))
    return Template(
        template_name="assessment/dashboards/cap.html",
        context={
            "title": f"{heading} — le Cap",
            "heading": heading,
            "region": code,
            "tabs": dashboard_tabs(tab_region, query=_query(day, today)),
            "feed": _shown(feed),
            "links_to_register": who.network,
            "shown": ACTIONS_SHOWN,
            **_context(dashboard, day, today),
        },
    )


def _until(day: date, today: date) -> datetime | None:
    """The moment the figures stand at: None (live) for today, else the end of the chosen day."""
    return None if day == today else end_of_day(day)


def _shown(feed: FollowUpFeed) -> dict[str, Any]:
    """The feed's lists, each cut to its first `ACTIONS_SHOWN` (the oldest first), with their sizes."""
    return {
        "stalled_days": feed.stalled_days,
        "stalled": feed.stalled[:ACTIONS_SHOWN],
        "stalled_total": len(feed.stalled),
        "overdue": feed.overdue_actions[:ACTIONS_SHOWN],
        "overdue_total": len(feed.overdue_actions),
        "waiting": feed.waiting_reviews[:ACTIONS_SHOWN],
        "waiting_total": len(feed.waiting_reviews),
    }


DASHBOARD_PAGES: list[Any] = [network_cap_page, my_region_cap_page, region_cap_page]
