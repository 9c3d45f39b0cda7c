"""/cap/{id}/desaccords: the indicators where participants' answers differ, every answer side by side
with its author's name and comment, and the team's settlement (the API's `settle`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, IndicatorInPath
from services.assessment.web.answering_forms import TEAM, command, done, form_of, notice_of, page, refusal, text
from services.assessment.web.answering_sheet import LEVELS, MAX_COMMENT, field_id
from services.assessment.web.answering_view import CapView, cap_view
from shared.errors import DomainError
from shared.platform import Platform


def _page(
    request: Request[Any, Any, Any],
    view: CapView,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    divergent = view.divergent()
    codes = tuple(v.indicator for v in divergent) + tuple(v.indicator for v in view.settled_after_disagreement())
    return page(
        "disagreements.html",
        status,
        title="Désaccords à arbitrer",
        notice=notice_of(request),
        view=view,
        divergent=divergent,
        settled=view.settled_after_disagreement(),
        texts={t.code: t for t in view.texts(codes)},
        errors=errors or {},
        values=values or {},
        field_id=field_id,
    )


@get("/{assessment_id:uuid}/desaccords", guards=[TEAM])
async def disagreements(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    return _page(request, await cap_view(request, platform, assessment_id))


@post("/{assessment_id:uuid}/desaccords/{indicator:str}", guards=[TEAM], status_code=303)
async def settle(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    indicator: IndicatorInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    form = await form_of(request)
    raw, reason = text(form, "niveau"), text(form, "raison")
    level_field, reason_field = field_id("niveau", indicator), field_id("raison", indicator)
    values = {level_field: raw, reason_field: reason}
    errors = {}
    if raw not in LEVELS:
        errors[level_field] = f"Indicateur {indicator} : choisissez le niveau retenu par l'équipe."
    if len(reason) > MAX_COMMENT:
        errors[reason_field] = f"Indicateur {indicator} : la raison a au plus {MAX_COMMENT} caractères."
    if errors:
        return _page(request, view, status=400, errors=errors, values=values)
    try:
        await command(
            request,
            platform,
            "settle_answer",
            lambda app: app.settle(assessment_id, by=request.user, indicator=indicator, level=int(raw), comment=reason),
        )
    except DomainError as error:
        fields = {"level": level_field, "comment": reason_field}
        errors = refusal(error, fields)
        return _page(request, view, status=error.status_code, errors=errors, values=values)
    return done(f"/cap/{assessment_id}/desaccords", "arbitre")
