"""The positioning page: radar charts of the themes and of the sub-themes against the objectives
(and the peers' averages where at least five members contribute), each followed by a table with
the same figures."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.assessment.api.common import AssessmentInPath
from services.assessment.documents.positioning_chart import chart, decimal_fr, rows_of
from services.assessment.results_reading import positioning_now
from services.assessment.web.results_common import STATUSES, access, audited
from shared.platform import Platform
from shared.web.auth import signed_in_as


@get("/{assessment_id:uuid}/positionnement", guards=[signed_in_as()])
async def positioning_page(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    who = await access(request, platform)
    summary, view = await positioning_now(platform, who, assessment_id)
    await audited(request, platform, who, summary.tenant_id, assessment_id, "positioning")
    themes = rows_of(view.themes, view.benchmarks)
    sub_themes = rows_of(view.sub_themes, view.benchmarks)
    return Template(
        template_name="assessment/results/positioning.html",
        context={
            "title": "Positionnement",
            "assessment_id": str(assessment_id),
            "summary": summary,
            "status": STATUSES.get(summary.status, summary.status),
            "view": view,
            "overall": rows_of([view.overall], view.benchmarks)[0],
            "themes": themes,
            "sub_themes": sub_themes,
            "theme_chart": chart(
                chart_id="radar-themes", title="Positionnement par thème", rows=themes, region=view.benchmark_region
            ),
            "sub_theme_chart": chart(
                chart_id="radar-sous-themes",
                title="Positionnement par sous-thème",
                rows=sub_themes,
                region=view.benchmark_region,
            ),
            "shows_region": any(r.region_average is not None for r in [*themes, *sub_themes]),
            "shows_network": any(r.network_average is not None for r in [*themes, *sub_themes]),
            "figure": decimal_fr,
        },
    )


def positioning_href(assessment_id: UUID | str) -> str:
    return f"/cap/{assessment_id}/positionnement"
