"""/cap/{id}/desaccords: the indicators where participants' answers differ, every answer side by side
with its author's name and comment, and the team's settlement (the API's `settle`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, IndicatorInPath
from services.assessment.web.answering_forms import (
    INCOMPLETE,
    STALE,
    TEAM,
    command,
    done,
    form_of,
    notice_of,
    page,
    text,
    version_of,
)
from services.assessment.web.answering_sheet import LEVELS, MAX_COMMENT, PRACTICES, field_id
from services.assessment.web.answering_view import CapView, cap_view, up_to_date
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, refusal


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
        practices=PRACTICES,
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
    practice, improve = text(form, "pratique") or "in_place", text(form, "ameliorer") == "oui"
    level_field, reason_field = field_id("niveau", indicator), field_id("raison", indicator)
    practice_field, improve_field = field_id("pratique", indicator), field_id("ameliorer", indicator)
    values = {level_field: raw, reason_field: reason, practice_field: practice, improve_field: "oui" if improve else ""}
    expected = version_of(form)
    errors = {}
    if expected is None:
        errors[GENERAL] = INCOMPLETE
    if raw not in LEVELS:
        errors[level_field] = f"Indicateur {indicator} : choisissez le niveau retenu par l'équipe."
    if practice not in PRACTICES:
        errors[practice_field] = f"Indicateur {indicator} : dites si la pratique est en place ou prévue."
    if len(reason) > MAX_COMMENT:
        errors[reason_field] = f"Indicateur {indicator} : la raison a au plus {MAX_COMMENT} caractères."
    if errors:
        return _page(request, view, status=400, errors=errors, values=values)
    try:
        await command(
            request,
            platform,
            "settle_answer",
            lambda app: app.settle(
                assessment_id,
                by=request.user,
                indicator=indicator,
                level=int(raw),
                practice=practice,
                improve=improve,
                comment=reason,
                expected_version=expected,
            ),
        )
    except VersionMismatch as stale:
        # What was chosen is kept: after reading the fresh page, one click settles again.
        fresh = await up_to_date(request, platform, assessment_id)
        return _page(request, fresh, status=stale.status_code, errors={GENERAL: STALE}, values=values)
    except DomainError as error:
        fields = {"level": level_field, "comment": reason_field, "practice": practice_field}
        errors = refusal(error, fields)
        return _page(request, view, status=error.status_code, errors=errors, values=values)
    return done(f"/cap/{assessment_id}/desaccords", "arbitre")
