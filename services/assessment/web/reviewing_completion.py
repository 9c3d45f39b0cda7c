"""/relectures/{assessment}/{request}/terminer: completing the review, after a page that lists what it
leaves the team (the proposals made, the comments), as GOV.UK's "check your answers" does.

The confirmation carries the assessment's version it showed: if anything changed meanwhile (a
comment sent from another tab, a decision of the team), completing is refused (409) and the page
comes back with what the review holds now, rather than completing a review the reviewer did not see.
Once completed, the review's forms are read-only and the member's team sees the proposals on its own
review page (`/cap/{id}/relecture`), to accept or reject each."""

from __future__ import annotations

from typing import Any

import anyio
from anyio import to_thread
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, RequestInPath, cap
from services.assessment.domain.errors import Forbidden
from services.assessment.web.reviewing_sheet import SIGNED_IN, common_context
from services.assessment.web.reviewing_view import ReviewView, review_view
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, form_fields, page_command, refusal, see_other
from shared.web.notices import flash

MAX_SUMMARY = 4000
SUMMARY = "synthese"
STALE = (
    "L'évaluation a changé pendant que vous relisiez cette page (un commentaire envoyé d'un autre onglet, "
    "une décision de l'équipe) : voici ce que la relecture contient maintenant. Confirmez de nouveau."
)
INCOMPLETE = "Le formulaire ne dit pas de quelle version de l'évaluation il part : rechargez la page."
CATCH_UP_SECONDS = 5.0


def _page(view: ReviewView, *, status: int = 200, errors: dict[str, str] | None = None, summary: str = "") -> Template:
    return Template(
        template_name="assessment/reviewing/complete.html",
        status_code=status,
        context={
            **common_context(view),
            "title": f"Terminer la relecture — {view.member_name}",
            "proposals": view.proposals(),
            "commented": view.commented(),
            "errors": errors or {},
            "summary": summary,
        },
    )


@get("/{assessment_id:uuid}/{request_id:str}/terminer", guards=[SIGNED_IN])
async def confirmation(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    request_id: RequestInPath,
    platform: NamedDependency[Platform],
) -> Template:
    return _page(await review_view(request, platform, assessment_id, request_id))


async def _up_to_date(
    request: Request[Any, Any, Any], platform: Platform, assessment_id: AssessmentInPath, request_id: str
) -> ReviewView:
    """The view once the read models show the assessment's latest version (so that confirming again is
    checked against it); bounded: a read model that lags longer gives the freshest view it has."""
    latest = await to_thread.run_sync(lambda: cap(platform).assessment(assessment_id).version)
    view = await review_view(request, platform, assessment_id, request_id)
    with anyio.move_on_after(CATCH_UP_SECONDS):
        while view.sheet.version < latest:
            await anyio.sleep(0.05)
            view = await review_view(request, platform, assessment_id, request_id)
    return view


@post("/{assessment_id:uuid}/{request_id:str}/terminer", guards=[SIGNED_IN], status_code=303)
async def complete(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    request_id: RequestInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await review_view(request, platform, assessment_id, request_id)
    if not view.named:
        raise Forbidden("seul le relecteur à qui la relecture est demandée peut la terminer")
    fields = await form_fields(request)
    summary = fields.get(SUMMARY, "")
    raw_version = fields.get("version", "")
    expected = int(raw_version) if raw_version.isdigit() and len(raw_version) < 10 else None
    errors = {}
    if expected is None:
        errors[GENERAL] = INCOMPLETE
    if len(summary) > MAX_SUMMARY:
        errors[SUMMARY] = f"La synthèse a au plus {MAX_SUMMARY} caractères."
    if errors:
        return _page(view, status=400, errors=errors, summary=summary)
    try:
        await page_command(
            request,
            platform,
            "assessment",
            "complete_review",
            lambda app: app.complete_review(
                assessment_id, request_id, by=request.user, summary=summary, expected_version=expected
            ),
        )
    except VersionMismatch as stale:
        fresh = await _up_to_date(request, platform, assessment_id, request_id)
        return _page(fresh, status=stale.status_code, errors={GENERAL: STALE}, summary=summary)
    except DomainError as error:
        fresh = await review_view(request, platform, assessment_id, request_id)
        return _page(fresh, status=error.status_code, errors=refusal(error, {"summary": SUMMARY}), summary=summary)
    await flash(
        request, "La relecture est terminée : l'équipe de l'adhérent voit vos propositions et décide de chacune."
    )
    return see_other(view.address)
