"""/cap/{id}/sous-themes/{code}: one sub-theme's indicators, answered in one's own name.

One form saves the whole sub-theme: every field is checked before anything is sent, then each
indicator whose answer changed is one `answer` command (as the API's, one per indicator). A refusal
by the assessment (not invited, sub-theme not assigned, already submitted) comes at the first one,
so nothing is written then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath
from services.assessment.api.schemas import SUB_THEME_PATTERN
from services.assessment.application import AssessmentApplication
from services.assessment.domain.sheet import Answer
from services.assessment.web.answering_forms import TEAM, command, done, form_of, notice_of, page, refusal, text
from services.assessment.web.answering_view import CapView, cap_view
from shared.auth import Principal
from shared.errors import DomainError
from shared.eventstore import CommandResult
from shared.platform import Platform

SubThemeInPath = Annotated[str, PathParameter(pattern=SUB_THEME_PATTERN, description="a sub-theme's code, e.g. 2.1")]
MAX_COMMENT = 4000
LEVELS = ("1", "2", "3", "4")


@dataclass(frozen=True)
class Given:
    """What the form says for one indicator (`level` None: left unanswered)."""

    code: str
    level: int | None
    comment: str
    revisit: bool


def field_id(prefix: str, code: str) -> str:
    return f"{prefix}-{code.replace('.', '-')}"


def _sub_theme(view: CapView, code: str) -> tuple[int, tuple[str, ...]]:
    for index, (found, _, codes) in enumerate(view.sub_themes()):
        if found == code:
            return index, codes
    raise NotFoundException(f"aucun sous-thème {code} dans la version {view.referential.version} du référentiel")


def _mine(view: CapView, codes: tuple[str, ...]) -> dict[str, Answer]:
    subject = view.principal.subject
    return {c: view.sheet.answers[c][subject] for c in codes if subject in view.sheet.answers.get(c, {})}


def _page(
    request: Request[Any, Any, Any],
    view: CapView,
    code: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    given: dict[str, Given] | None = None,
) -> Template:
    index, codes = _sub_theme(view, code)
    every = view.sub_themes()
    mine = _mine(view, codes)
    shown = given or {c: Given(c, a.level, a.comment, a.revisit) for c, a in mine.items()}
    me = view.sheet.participants.get(view.principal.subject)
    assigned = me is not None and (not me.sub_themes or code in me.sub_themes)
    return page(
        "sheet.html",
        status,
        title=f"{code} {view.sub_theme_title(code)}",
        notice=notice_of(request),
        view=view,
        code=code,
        indicators=view.texts(codes),
        given=shown,
        others={c: [a for p, a in view.sheet.answers.get(c, {}).items() if p != view.principal.subject] for c in codes},
        errors=errors or {},
        field_id=field_id,
        previous=every[index - 1][0] if index > 0 else None,
        next=every[index + 1][0] if index + 1 < len(every) else None,
        invited=me is not None,
        assigned=assigned,
    )


@get("/{assessment_id:uuid}/sous-themes/{code:str}", guards=[TEAM])
async def sub_theme(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    code: SubThemeInPath,
    platform: NamedDependency[Platform],
) -> Template:
    return _page(request, await cap_view(request, platform, assessment_id), code)


def _read(form: FormMultiDict, codes: tuple[str, ...]) -> tuple[dict[str, Given], dict[str, str]]:
    given: dict[str, Given] = {}
    errors: dict[str, str] = {}
    for code in codes:
        raw = text(form, field_id("niveau", code))
        comment = text(form, field_id("commentaire", code))
        level = int(raw) if raw in LEVELS else None
        if raw and level is None:
            errors[field_id("niveau", code)] = f"Indicateur {code} : choisissez un des quatre niveaux."
        if len(comment) > MAX_COMMENT:
            errors[field_id("commentaire", code)] = (
                f"Indicateur {code} : le commentaire a au plus {MAX_COMMENT} caractères."
            )
        revisit = text(form, field_id("revoir", code)) == "oui"
        if level is None and (comment or revisit) and field_id("niveau", code) not in errors:
            errors[field_id("niveau", code)] = f"Indicateur {code} : choisissez un niveau pour enregistrer la réponse."
        given[code] = Given(code, level, comment, revisit)
    return given, errors


def _answer(
    assessment_id: AssessmentInPath, by: Principal, given: Given, before: Answer | None
) -> Callable[[AssessmentApplication], CommandResult]:
    """The API's `answer` command, in one's own name; what the form does not show is kept."""
    assert given.level is not None
    level = given.level

    def send(app: AssessmentApplication) -> CommandResult:
        return app.answer(
            assessment_id,
            by=by,
            indicator=given.code,
            participant_id=None,
            level=level,
            comment=given.comment,
            practice=before.practice if before else "in_place",
            improve=before.improve if before else False,
            revisit=given.revisit,
        )

    return send


@post("/{assessment_id:uuid}/sous-themes/{code:str}", guards=[TEAM], status_code=303)
async def save(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    code: SubThemeInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    index, codes = _sub_theme(view, code)
    form = await form_of(request)
    given, errors = _read(form, codes)
    if errors:
        return _page(request, view, code, status=400, errors=errors, given=given)
    mine = _mine(view, codes)
    changed = [
        g
        for g in given.values()
        if g.level is not None
        and (
            g.code not in mine
            or (mine[g.code].level, mine[g.code].comment, mine[g.code].revisit) != (g.level, g.comment, g.revisit)
        )
    ]
    try:
        for g in changed:
            await command(request, platform, "answer", _answer(assessment_id, request.user, g, mine.get(g.code)))
    except DomainError as error:
        fresh = await cap_view(request, platform, assessment_id)
        return _page(request, fresh, code, status=error.status_code, errors=refusal(error), given=given)
    every = view.sub_themes()
    target = code
    if text(form, "suite") == "suivant" and index + 1 < len(every):
        target = every[index + 1][0]
    return done(f"/cap/{assessment_id}/sous-themes/{target}", "enregistre" if changed else "rien")
