"""/cap/{id}: where the assessment stands and what can be done now."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.assessment.api.common import AssessmentInPath
from services.assessment.web.answering_forms import TEAM, notice_of, page
from services.assessment.web.answering_people import region_reviewers
from services.assessment.web.answering_view import KINDS, REVIEWER_ROLES, STAGES, cap_view
from shared.platform import Platform
from shared.web.filters import french_date


@get("/{assessment_id:uuid}", guards=[TEAM])
async def summary(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    view = await cap_view(request, platform, assessment_id)
    me = view.sheet.participants.get(view.principal.subject)
    mine = [code for code, _, _ in view.sub_themes() if me is not None and (not me.sub_themes or code in me.sub_themes)]
    # The third parties asked are named as the review page names them (the region's directory).
    asked = any(r.kind != "peer" for r in view.sheet.reviews.values())
    reviewer_names = {p.person_id: p.name for p in await region_reviewers(platform, view.sheet.region)} if asked else {}
    return page(
        "summary.html",
        title=f"Auto-évaluation commencée le {french_date(view.summary.started_on)}",
        notice=notice_of(request),
        view=view,
        stages=STAGES,
        kinds=KINDS,
        reviewer_roles=REVIEWER_ROLES,
        reviewer_names=reviewer_names,
        me=me,
        mine=mine,
    )
