"""/cap/{id}/sous-themes/{code}: one sub-theme's indicators, answered in one's own name.

One form saves the whole sub-theme: every field is checked before anything is sent, then every
indicator whose answer changed goes in ONE command (`answer_indicators`, the single answer's rules
for each): all of them are saved or none (a refused indicator, a database lost mid-way).

Each indicator carries the version of one's own answer the page showed (`vu-…`): if that answer
changed meanwhile (another tab, another device), saving is refused (409) and the fresh answer is
shown, rather than silently overwritten. Colleagues' answers are independent: theirs never make
one's own form stale."""

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
from services.assessment.application.answers import AnswerChangedMeanwhile, IndicatorAnswer
from services.assessment.domain.sheet import Answer
from services.assessment.web.answering_forms import STALE, TEAM, command, done, form_of, notice_of, page, text
from services.assessment.web.answering_view import CapView, cap_view, up_to_date
from shared.auth import Principal
from shared.errors import DomainError
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.web.forms import GENERAL, refusal

SubThemeInPath = Annotated[str, PathParameter(pattern=SUB_THEME_PATTERN, description="a sub-theme's code, e.g. 2.1")]
MAX_COMMENT = 4000
LEVELS = ("1", "2", "3", "4")
PRACTICES = {"in_place": "en place", "planned": "prévue"}  # the API's values, in words
FIELDS = {"level": "niveau", "comment": "commentaire", "practice": "pratique"}  # the API's field → the form's


@dataclass(frozen=True)
class Given:
    """What the form says for one indicator (`level` None: left unanswered; `seen`: the version of
    one's own answer the page showed, 0 for none, None if the form did not say)."""

    code: str
    level: int | None
    comment: str
    revisit: bool
    practice: str = "in_place"
    improve: bool = False
    seen: int | None = None

    @staticmethod
    def of(code: str, answer: Answer) -> Given:
        a = answer
        return Given(code, a.level, a.comment, a.revisit, a.practice, a.improve, a.version)

    def same_as(self, answer: Answer) -> bool:
        mine = (answer.level, answer.comment, answer.revisit, answer.practice, answer.improve)
        return mine == (self.level, self.comment, self.revisit, self.practice, self.improve)


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
    shown = given or {c: Given.of(c, a) for c, a in mine.items()}
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
        seen={c: a.version for c, a in mine.items()},
        practices=PRACTICES,
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
        improve = text(form, field_id("ameliorer", code)) == "oui"
        practice = text(form, field_id("pratique", code)) or "in_place"
        if practice not in PRACTICES:
            errors[field_id("pratique", code)] = f"Indicateur {code} : dites si la pratique est en place ou prévue."
            practice = "in_place"
        noted = comment or revisit or improve or practice != "in_place"
        if level is None and noted and field_id("niveau", code) not in errors:
            errors[field_id("niveau", code)] = f"Indicateur {code} : choisissez un niveau pour enregistrer la réponse."
        raw_seen = text(form, field_id("vu", code))
        seen = int(raw_seen) if raw_seen.isdigit() and len(raw_seen) < 10 else None
        given[code] = Given(code, level, comment, revisit, practice, improve, seen)
    return given, errors


def _answers(
    assessment_id: AssessmentInPath, by: Principal, changed: list[Given]
) -> Callable[[AssessmentApplication], CommandResult]:
    """One command for the whole sub-theme, in one's own name."""
    answers = [
        IndicatorAnswer(g.code, g.level, g.comment, g.practice, g.improve, g.revisit, g.seen)
        for g in changed
        if g.level is not None
    ]

    def send(app: AssessmentApplication) -> CommandResult:
        return app.answer_indicators(assessment_id, by=by, answers=answers)

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
    changed = [g for g in given.values() if g.level is not None and (g.code not in mine or not g.same_as(mine[g.code]))]
    try:
        if changed:
            await command(request, platform, "answer_indicators", _answers(assessment_id, request.user, changed))
    except AnswerChangedMeanwhile as stale:
        return await _stale(request, platform, assessment_id, code, given, stale)
    except DomainError as error:
        fresh = await cap_view(request, platform, assessment_id)
        return _page(request, fresh, code, status=error.status_code, errors=_refusal(error), given=given)
    every = view.sub_themes()
    target = code
    if text(form, "suite") == "suivant" and index + 1 < len(every):
        target = every[index + 1][0]
    return done(f"/cap/{assessment_id}/sous-themes/{target}", "enregistre" if changed else "rien")


def _refusal(error: DomainError) -> dict[str, str]:
    """A refusal beside the field of the indicator it names (a bad comment, a level...)."""
    indicator = error.details.get("indicator")
    if not isinstance(indicator, str):
        return refusal(error)
    fields = {name: field_id(prefix, indicator) for name, prefix in FIELDS.items()}
    found = refusal(error, fields)
    return {key: message if key == GENERAL else f"Indicateur {indicator} : {message}" for key, message in found.items()}


async def _stale(
    request: Request[Any, Any, Any],
    platform: Platform,
    assessment_id: AssessmentInPath,
    code: str,
    given: dict[str, Given],
    stale: AnswerChangedMeanwhile,
) -> Template:
    """Nothing was saved: show one's answers as they are now where they changed meanwhile, and keep
    what was typed for the others (saving again then applies them)."""
    fresh = await up_to_date(request, platform, assessment_id)
    _, codes = _sub_theme(fresh, code)
    now_mine = _mine(fresh, codes)
    changed: list[str] = list(stale.details.get("indicators", []))
    shown = dict(given)
    errors = {GENERAL: STALE}
    for indicator in changed:
        if indicator in now_mine:
            shown[indicator] = Given.of(indicator, now_mine[indicator])
        else:
            shown.pop(indicator, None)
        errors[field_id("niveau", indicator)] = (
            f"Indicateur {indicator} : votre réponse a changé pendant que vous lisiez la page "
            "(dans un autre onglet ou sur un autre appareil) ; voici la réponse enregistrée."
        )
    return _page(request, fresh, code, status=stale.status_code, errors=errors, given=shown)
