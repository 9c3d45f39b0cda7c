"""An assessment as an auditor reads it: its timeline (every event: when, who, in which role, what),
the assessment as it was at any moment (stage, answers by theme, positioning, plan), the diff
between two moments and against the member's previous campaign. Every page is computed from the
assessment's events by the same functions as the API's replay, and every view is recorded as an
audit read when a grant is what allows it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from services.assessment import queries
from services.assessment.api.common import AssessmentInPath, cap, replayed, visible_summary
from services.assessment.documents.positioning_chart import chart, decimal_fr, rows_of
from services.assessment.domain.answers import effective_answers
from services.assessment.domain.diff import AssessmentDiff, diff
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.domain.plan import plan_of
from services.assessment.domain.positioning import positioning_of
from services.assessment.domain.referential import Referential
from services.assessment.domain.replay import HistoryEntry, Moment, history
from services.assessment.domain.sheet import Sheet
from services.assessment.web.audit_common import (
    AUDITORS,
    CHANGE_WORDS,
    EVENT_WORDS,
    ROLE_WORDS,
    Events,
    PageInputError,
    events_of,
    member_names,
    page_moment,
    people_names,
    recording,
    sheet_at,
    side_moment,
)
from services.assessment.web.results_common import ACTION_STATES, PRIORITIES, STATUSES
from shared.platform import Platform
from shared.tenancy import scoped_connection

TIMELINE_PAGE = 100  # events per page of the timeline (an assessment has hundreds: one per answer)
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Entry:
    event: HistoryEntry
    who: str
    role: str
    what: str
    detail: str


def _detail(entry: HistoryEntry) -> str:
    d = entry.details
    match entry.event:
        case "Answered":
            return f"indicateur {d.get('indicator')} : niveau {d.get('level')}" + (
                ", à améliorer" if d.get("improve") else ""
            )
        case "AnswerSettled":
            return f"indicateur {d.get('indicator')} : niveau {d.get('level')}"
        case "RevisitMarked":
            return f"indicateur {d.get('indicator')}"
        case "ReviewCommented":
            level = d.get("proposed_level")
            return f"indicateur {d.get('indicator')}" + (f", niveau {level} proposé" if level is not None else "")
        case "ActionAdopted" | "ActionScheduled" | "ActionCompleted" | "ActionDropped":
            return f"indicateur {d.get('indicator')}"
        case "Started":
            return f"référentiel {d.get('referential_version')}"
        case _:
            return ""


def _page_number(text: str | None) -> int:
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


async def _heading(platform: Platform, events: Events) -> dict[str, Any]:
    names = await member_names(platform, {events.tenant_id})
    return {
        "assessment_id": str(events.assessment_id),
        "member": names.get(events.tenant_id, events.tenant_id),
        "last": events.last,
        "started_on": events.items[0].started_on,
    }


@get("/cap/{assessment_id:uuid}", guards=[AUDITORS])
async def timeline_page(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    platform: NamedDependency[Platform],
    page: FromQuery[str | None] = None,
) -> Template:
    events = await events_of(request, platform, assessment_id)
    recorded = recording(request, platform, events, "history")
    entries = history(events.items)
    number = _page_number(page)
    last_page = max(math.ceil(len(entries) / TIMELINE_PAGE), 1)
    number = min(number, last_page)
    shown = entries[(number - 1) * TIMELINE_PAGE : number * TIMELINE_PAGE]
    names = await people_names(platform, {e.actor_id for e in shown})
    base = f"/audit/cap/{assessment_id}"
    heading = await _heading(platform, events)
    await recorded
    return Template(
        template_name="assessment/audit/timeline.html",
        context={
            "title": "Chronologie de l'évaluation",
            **heading,
            "entries": [
                Entry(
                    event=e,
                    who=names.get(e.actor_id, e.actor_id or "—"),
                    role=ROLE_WORDS.get(e.actor_role, e.actor_role or "—"),
                    what=EVENT_WORDS.get(e.event, e.event),
                    detail=_detail(e),
                )
                for e in shown
            ],
            "number": number,
            "last_page": last_page,
            "previous": f"{base}?page={number - 1}" if number > 1 else None,
            "next": f"{base}?page={number + 1}" if number < last_page else None,
        },
    )


@dataclass(frozen=True)
class AnswerRow:
    code: str
    question: str
    level: int | None
    objective: int
    improve: bool


@dataclass(frozen=True)
class ThemeAnswers:
    code: str
    title: str
    rows: list[AnswerRow]


def _answers_by_theme(sheet: Sheet, referential: Referential) -> list[ThemeAnswers]:
    effective = effective_answers(sheet)
    found = []
    for theme in referential.themes:
        rows = []
        for _, _, codes in theme.sub_themes:
            for code in codes:
                indicator = referential.indicators[code]
                answer = effective.get(code)
                rows.append(
                    AnswerRow(
                        code=code,
                        question=indicator.question["fr"],
                        level=answer.level if answer else None,
                        objective=indicator.objective_level,
                        improve=bool(answer and answer.improve),
                    )
                )
        found.append(ThemeAnswers(theme.code, theme.title["fr"], rows))
    return found


@get("/cap/{assessment_id:uuid}/etat", guards=[AUDITORS])
async def state_page(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    platform: NamedDependency[Platform],
    version: FromQuery[str | None] = None,
    date: FromQuery[str | None] = None,
    heure: FromQuery[str | None] = None,
) -> Template:
    events = await events_of(request, platform, assessment_id)
    asked = {"version": (version or "").strip(), "date": (date or "").strip(), "heure": (heure or "").strip()}
    context: dict[str, Any] = {"title": "L'évaluation à un moment donné", **await _heading(platform, events)}
    try:
        moment = page_moment(events, asked["version"], asked["date"], asked["heure"])
        sheet = sheet_at(events, moment, "version" if asked["version"] else "date")
    except PageInputError as error:
        return Template(
            template_name="assessment/audit/state.html",
            context={**context, "asked": asked, "errors": {error.field: error.message}, "sheet": None},
            status_code=400,
        )
    recorded = recording(request, platform, events, "assessment")
    referential = await _referential(platform, sheet)
    positioning = positioning_of(sheet, referential)
    positions = list(positioning.all())
    themes = rows_of([p for p in positions if p.kind == "theme"], [])
    plan = plan_of(sheet, referential)
    n = sheet.version
    base = f"/audit/cap/{assessment_id}"
    await recorded
    return Template(
        template_name="assessment/audit/state.html",
        context={
            **context,
            "asked": asked if not asked["version"] else {**asked, "version": str(n)},
            "errors": {},
            "sheet": sheet,
            "status": STATUSES.get(sheet.status, sheet.status),
            "at": events.at(n),
            "answers": _answers_by_theme(sheet, referential),
            "overall": next((p for p in positions if p.kind == "overall"), None),
            "themes": themes,
            "radar": chart(chart_id="radar-etat", title="Positionnement par thème", rows=themes, region=None),
            "actions": plan.actions,
            "priorities": PRIORITIES,
            "states": ACTION_STATES,
            "figure": decimal_fr,
            "previous": f"{base}/etat?version={n - 1}" if n > 1 else None,
            "next": f"{base}/etat?version={n + 1}" if n < events.last else None,
            "diff_previous": f"{base}/ecarts?de={n - 1}&a={n}" if n > 1 else None,
        },
    )


async def _referential(platform: Platform, sheet: Sheet) -> Referential:
    """The sheet's referential version (the write side's, cached once in use; loaded off the loop)."""
    return await to_thread.run_sync(cap(platform).referential, sheet.referential_version)


def _diff_context(changes: AssessmentDiff) -> dict[str, Any]:
    return {
        "changes": changes,
        "change_words": CHANGE_WORDS,
        "statuses": STATUSES,
        "states": ACTION_STATES,
        "figure": decimal_fr,
    }


@get("/cap/{assessment_id:uuid}/ecarts", guards=[AUDITORS])
async def diff_page(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    platform: NamedDependency[Platform],
    de: FromQuery[str | None] = None,
    a: FromQuery[str | None] = None,
) -> Template:
    events = await events_of(request, platform, assessment_id)
    asked = {"de": (de or "").strip() or str(max(events.last - 1, 1)), "a": (a or "").strip() or str(events.last)}
    context: dict[str, Any] = {"title": "Écarts entre deux moments", **await _heading(platform, events)}
    try:
        before = sheet_at(events, side_moment(events, asked["de"], "de"), "de")
        after = sheet_at(events, side_moment(events, asked["a"], "a"), "a")
    except PageInputError as error:
        return Template(
            template_name="assessment/audit/diff.html",
            context={**context, "asked": asked, "errors": {error.field: error.message}, "changes": None},
            status_code=400,
        )
    recorded = recording(request, platform, events, "diff")
    changes = diff(before, await _referential(platform, before), after, await _referential(platform, after))
    await recorded
    return Template(
        template_name="assessment/audit/diff.html",
        context={**context, "asked": asked, "errors": {}, **_diff_context(changes)},
    )


@get("/cap/{assessment_id:uuid}/campagne-precedente", guards=[AUDITORS])
async def previous_campaign_page(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    events = await events_of(request, platform, assessment_id)
    current = await visible_summary(platform, events.who, assessment_id)
    recorded = recording(request, platform, events, "diff_previous")
    async with scoped_connection(platform.read_pool, events.who.scope) as conn:
        previous = await queries.previous_of(conn, current)
    changes = None
    previous_visible = previous is not None
    if previous is not None:
        try:
            before, before_ref = await replayed(platform, events.who, UUID(previous), Moment())
        except AssessmentNotFound:
            # A grant naming this one assessment does not open the member's others.
            previous_visible = False
        else:
            after = events.sheet(Moment())
            changes = diff(before, before_ref, after, await _referential(platform, after))
    heading = await _heading(platform, events)
    await recorded
    return Template(
        template_name="assessment/audit/previous.html",
        context={
            "title": "Comparaison avec la campagne précédente",
            **heading,
            "previous_id": previous if previous_visible else None,
            **(_diff_context(changes) if changes is not None else {"changes": None}),
        },
    )
