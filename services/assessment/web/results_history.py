"""My history: the member's assessments, latest first, each with its scores per theme and what
changed since the one before (an indicator whose definition changed between the two referential
versions is "non comparable", never diffed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.assessment import queries
from services.assessment.api.common import replayed
from services.assessment.documents.positioning_chart import decimal_fr
from services.assessment.domain.diff import AssessmentDiff, diff
from services.assessment.domain.positioning import Position
from services.assessment.domain.replay import Moment
from services.assessment.read_models import AssessmentSummary
from services.assessment.web.results_common import ACTION_STATES, STATUSES, TEAM_ROLES, access, principal_of
from services.assessment.web.results_history_diffs import DIFFS
from shared.platform import Platform
from shared.tenancy import scoped_connection
from shared.web.auth import signed_in_as

MOST = 50  # assessments shown: one a year is the rhythm of le Cap


@dataclass(frozen=True)
class Past:
    summary: AssessmentSummary
    themes: list[Position]
    overall: Position | None
    changes: AssessmentDiff | None  # against the one before; None for the first


@get("/historique", guards=[signed_in_as(*TEAM_ROLES)])
async def history_page(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Template:
    principal = principal_of(request)
    who = await access(request, platform)
    pasts: list[Past] = []
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        page = await queries.list_assessments(conn, who, tenant=principal.tenant, status=None, limit=MOST, offset=0)
        found: list[tuple[AssessmentSummary, list[Position], str | None]] = []
        for summary in page.items:
            positions = await queries.positions(conn, summary.assessment_id)
            found.append((summary, positions, await queries.previous_of(conn, summary)))
    versions = {s.assessment_id: s.version for s in page.items}
    for summary, positions, previous in found:
        changes = None
        if previous is not None:

            async def compute(previous: str = previous, current: str = summary.assessment_id) -> AssessmentDiff:
                before, before_ref = await replayed(platform, who, UUID(previous), Moment())
                after, after_ref = await replayed(platform, who, UUID(current), Moment())
                return diff(before, before_ref, after, after_ref)

            if previous in versions:
                key = (previous, versions[previous], summary.assessment_id, summary.version)
                changes = await DIFFS.get(key, compute)
            else:  # the previous one is beyond the page shown: its version is unknown here
                changes = await compute()
        pasts.append(
            Past(
                summary=summary,
                themes=[p for p in positions if p.kind == "theme"],
                overall=next((p for p in positions if p.kind == "overall"), None),
                changes=changes,
            )
        )
    return Template(
        template_name="assessment/results/history.html",
        context={
            "title": "Mon historique le Cap",
            "pasts": pasts,
            "statuses": STATUSES,
            "states": ACTION_STATES,
            "figure": decimal_fr,
        },
    )
