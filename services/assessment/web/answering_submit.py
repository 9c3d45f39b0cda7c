"""/cap/{id}/soumission: check what is missing, divergent or flagged "à revoir", then submit (the
member's admin; the assessment refuses in French what does not fit, shown on the page)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath
from services.assessment.web.answering_forms import (
    ADMIN,
    INCOMPLETE,
    STALE,
    TEAM,
    command,
    done,
    form_of,
    notice_of,
    page,
    version_of,
)
from services.assessment.web.answering_view import CapView, cap_view, up_to_date
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, refusal


def _page(
    request: Request[Any, Any, Any], view: CapView, *, status: int = 200, errors: dict[str, str] | None = None
) -> Template:
    missing = view.missing()
    return page(
        "submit.html",
        status,
        title="Vérifier et soumettre",
        notice=notice_of(request),
        view=view,
        missing=missing,
        missing_by_sub_theme=_by_sub_theme(view, missing),
        divergent=view.divergent(),
        to_revisit=view.to_revisit(),
        errors=errors or {},
    )


def _by_sub_theme(view: CapView, codes: list[str]) -> list[tuple[str, str, list[str]]]:
    wanted = set(codes)
    return [
        (code, title, [c for c in indicators if c in wanted])
        for code, title, indicators in view.sub_themes()
        if wanted.intersection(indicators)
    ]


@get("/{assessment_id:uuid}/soumission", guards=[TEAM])
async def check(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    return _page(request, await cap_view(request, platform, assessment_id))


@post("/{assessment_id:uuid}/soumission", guards=[ADMIN], status_code=303)
async def submit(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    expected = version_of(await form_of(request))
    if expected is None:
        return _page(request, view, status=400, errors={GENERAL: INCOMPLETE})
    try:
        await command(
            request,
            platform,
            "submit_assessment",
            lambda app: app.submit(assessment_id, by=request.user, expected_version=expected),
        )
    except VersionMismatch as stale:
        fresh = await up_to_date(request, platform, assessment_id)
        return _page(request, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        return _page(request, view, status=error.status_code, errors=refusal(error))
    return done(f"/cap/{assessment_id}", "soumise")
