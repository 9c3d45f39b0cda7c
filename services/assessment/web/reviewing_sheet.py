"""/relectures/{assessment}/{request}: the review's summary (progress by theme and sub-theme);
/relectures/{assessment}/{request}/{sub_theme}: the sub-theme's indicators as the team answered them
(the assessment's level in words, each participant's answer, practice notes, the indicator's help),
this review's comments and proposals in place, and per indicator a form to comment and, optionally,
to propose another level with a reason.

One form per indicator, one command (`comment_review`, the API's), sent as the reviewer. Comments
commute (the application saves them without an expected version): a colleague of the team answering
or deciding meanwhile never makes the reviewer's comment stale."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, RequestInPath
from services.assessment.api.schemas import SUB_THEME_PATTERN
from services.assessment.domain.errors import Forbidden
from services.assessment.web.answering_view import STAGES
from services.assessment.web.reviewing_view import SOURCES, ReviewView, review_view
from shared.errors import DomainError
from shared.platform import Platform
from shared.web.auth import signed_in_as
from shared.web.forms import GENERAL, form_fields, page_command, refusal, see_other
from shared.web.notices import flash, take_notice

SubThemeInPath = Annotated[str, PathParameter(pattern=SUB_THEME_PATTERN, description="a sub-theme's code, e.g. 2.1")]
SIGNED_IN = signed_in_as()  # who may read is the review's own rule (404 for anyone else): see reviewing_view
MAX_COMMENT = 4000
LEVELS = ("1", "2", "3", "4")
PRACTICES = {"in_place": "en place", "planned": "prévue"}
KINDS = {"third_party": "relecture par un tiers", "peer": "relecture par un pair"}


def field_id(prefix: str, code: str) -> str:
    return f"{prefix}-{code.replace('.', '-')}"


def common_context(view: ReviewView) -> dict[str, Any]:
    return {"view": view, "stages": STAGES, "kinds": KINDS, "field_id": field_id}


@get("/{assessment_id:uuid}/{request_id:str}", guards=[SIGNED_IN])
async def review(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    request_id: RequestInPath,
    platform: NamedDependency[Platform],
) -> Template:
    view = await review_view(request, platform, assessment_id, request_id)
    return Template(
        template_name="assessment/reviewing/review.html",
        context={
            **common_context(view),
            "title": f"Relecture — {view.member_name}",
            "notice": await take_notice(request),
            "progress": view.progress(),
            "proposals": view.proposals(),
        },
    )


def _sub_theme_page(
    request: Request[Any, Any, Any],
    view: ReviewView,
    code: str,
    *,
    notice: str = "",
    status: int = 200,
    errors: dict[str, str] | None = None,
    given: dict[str, str] | None = None,
) -> Template:
    found = view.sub_theme(code)
    if found is None:
        raise NotFoundException(f"aucun sous-thème {code} dans la version {view.referential.version} du référentiel")
    index, title, codes = found
    every = view.sub_themes()
    return Template(
        template_name="assessment/reviewing/sub_theme.html",
        status_code=status,
        context={
            **common_context(view),
            "title": f"Relecture — {code} {title}",
            "notice": notice,
            "code": code,
            "sub_theme_title": title,
            "indicators": view.texts(codes),
            "practices": PRACTICES,
            "sources": SOURCES,
            "errors": errors or {},
            "given": given or {},
            "previous": every[index - 1][0] if index > 0 else None,
            "next": every[index + 1][0] if index + 1 < len(every) else None,
        },
    )


@get("/{assessment_id:uuid}/{request_id:str}/{code:str}", guards=[SIGNED_IN])
async def sub_theme(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    request_id: RequestInPath,
    code: SubThemeInPath,
    platform: NamedDependency[Platform],
) -> Template:
    view = await review_view(request, platform, assessment_id, request_id)
    return _sub_theme_page(request, view, code, notice=await take_notice(request))


def _read(fields: dict[str, str], indicator: str) -> tuple[dict[str, str], dict[str, str]]:
    """What the form says for one indicator, and what is wrong with it (checked before sending)."""
    comment_id, level_id, reason_id = (field_id(p, indicator) for p in ("commentaire", "niveau", "raison"))
    given = {
        comment_id: fields.get(comment_id, ""),
        level_id: fields.get(level_id, ""),
        reason_id: fields.get(reason_id, ""),
    }
    errors = {}
    if not given[comment_id]:
        errors[comment_id] = f"Indicateur {indicator} : écrivez votre commentaire."
    elif len(given[comment_id]) > MAX_COMMENT:
        errors[comment_id] = f"Indicateur {indicator} : le commentaire a au plus {MAX_COMMENT} caractères."
    if given[level_id] and given[level_id] not in LEVELS:
        errors[level_id] = f"Indicateur {indicator} : choisissez un des quatre niveaux, ou aucune proposition."
    if given[level_id] and not given[reason_id]:
        errors[reason_id] = f"Indicateur {indicator} : dites pourquoi vous proposez le niveau {given[level_id]}."
    elif len(given[reason_id]) > MAX_COMMENT:
        errors[reason_id] = f"Indicateur {indicator} : la raison a au plus {MAX_COMMENT} caractères."
    return given, errors


def _refusal(error: DomainError, indicator: str) -> dict[str, str]:
    """The application's refusal beside the indicator's field it names (else in the summary)."""
    fields = {"comment": "commentaire", "proposed_level": "niveau", "reason": "raison", "indicator": "commentaire"}
    found = refusal(error, {api: field_id(form, indicator) for api, form in fields.items()})
    return {key: message if key == GENERAL else f"Indicateur {indicator} : {message}" for key, message in found.items()}


@post("/{assessment_id:uuid}/{request_id:str}/{code:str}", guards=[SIGNED_IN], status_code=303)
async def comment(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    request_id: RequestInPath,
    code: SubThemeInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await review_view(request, platform, assessment_id, request_id)
    found = view.sub_theme(code)
    if found is None:
        raise NotFoundException(f"aucun sous-thème {code} dans la version {view.referential.version} du référentiel")
    if not view.named:
        raise Forbidden("seul le relecteur à qui la relecture est demandée peut la commenter")
    fields = await form_fields(request)
    indicator = fields.get("indicateur", "")
    if indicator not in found[2]:
        return _sub_theme_page(
            request, view, code, status=400, errors={GENERAL: "Le formulaire ne dit pas quel indicateur il commente."}
        )
    given, errors = _read(fields, indicator)
    if errors:
        return _sub_theme_page(request, view, code, status=400, errors=errors, given=given)
    level = given[field_id("niveau", indicator)]
    try:
        await page_command(
            request,
            platform,
            "assessment",
            "comment_review",
            lambda app: app.comment_review(
                assessment_id,
                request_id,
                by=request.user,
                indicator=indicator,
                comment=given[field_id("commentaire", indicator)],
                proposed_level=int(level) if level else None,
                reason=given[field_id("raison", indicator)] or None,
            ),
        )
    except DomainError as error:
        fresh = await review_view(request, platform, assessment_id, request_id)
        return _sub_theme_page(
            request, fresh, code, status=error.status_code, errors=_refusal(error, indicator), given=given
        )
    await flash(
        request,
        f"Votre proposition du niveau {level} sur l'indicateur {indicator} est enregistrée."
        if level
        else f"Votre commentaire sur l'indicateur {indicator} est enregistré.",
    )
    return see_other(f"{view.address}/{code}#{field_id('indicateur', indicator)}")
