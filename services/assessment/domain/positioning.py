"""The positioning: where an assessment stands against the federation's objectives, per theme and
sub-theme. A pure function of the sheet and the referential, like the plan.

For each group of answered indicators, weighted by the indicators' weights:
- `score`: the mean answered level (1 to 4);
- `objective`: the mean objective level of the same indicators;
- `gap`: the mean shortfall below the objective (an indicator above its objective does not make up
  for another one below it);
- `attainment`: how much of the objective is reached, in percent (levels above it count as reached).
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from services.assessment.domain.answers import EffectiveAnswer, effective_answers
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet


class Position(msgspec.Struct, frozen=True, kw_only=True):
    code: Annotated[str, Meta(description="`all`, a theme code (2) or a sub-theme code (2.1)")]
    kind: Annotated[str, Meta(description="`overall`, `theme` or `sub_theme`")]
    title: Annotated[str, Meta(description="Its title")]
    score: Annotated[float | None, Meta(description="Weighted mean level answered (1 to 4)")]
    objective: Annotated[float | None, Meta(description="Weighted mean objective level")]
    gap: Annotated[float | None, Meta(description="Weighted mean shortfall below the objectives")]
    attainment: Annotated[float | None, Meta(description="Attainment of the objectives, in %")]
    answered: Annotated[int, Meta(description="Indicators with an answer")]
    indicators: Annotated[int, Meta(description="Indicators in all")]


class Positioning(msgspec.Struct, frozen=True, kw_only=True):
    assessment_id: str
    referential_version: str
    version: int
    overall: Position
    themes: tuple[Position, ...]
    sub_themes: tuple[Position, ...]

    def all(self) -> tuple[Position, ...]:
        return (self.overall, *self.themes, *self.sub_themes)


def _position(
    code: str, kind: str, title: str, codes: tuple[str, ...], levels: dict[str, int], referential: Referential
) -> Position:
    weight = level_sum = objective_sum = shortfall = reached = 0
    answered = 0
    for code_ in codes:
        level = levels.get(code_)
        if level is None:
            continue
        indicator = referential.indicators[code_]
        w, objective = indicator.weight, indicator.objective_level
        answered += 1
        weight += w
        level_sum += w * level
        objective_sum += w * objective
        shortfall += w * max(objective - level, 0)
        reached += w * min(level, objective)
    if not answered:
        return Position(
            code=code,
            kind=kind,
            title=title,
            score=None,
            objective=None,
            gap=None,
            attainment=None,
            answered=0,
            indicators=len(codes),
        )
    return Position(
        code=code,
        kind=kind,
        title=title,
        score=round(level_sum / weight, 2),
        objective=round(objective_sum / weight, 2),
        gap=round(shortfall / weight, 2),
        attainment=round(100 * reached / objective_sum, 1),
        answered=answered,
        indicators=len(codes),
    )


def positioning_of(
    sheet: Sheet, referential: Referential, answers: dict[str, EffectiveAnswer] | None = None
) -> Positioning:
    answers = effective_answers(sheet) if answers is None else answers
    levels = {code: answer.level for code, answer in answers.items() if code in referential.indicators}
    themes, sub_themes = [], []
    for theme in referential.themes:
        theme_codes: tuple[str, ...] = ()
        for sub_code, sub_title, codes in theme.sub_themes:
            sub_themes.append(_position(sub_code, "sub_theme", sub_title["fr"], codes, levels, referential))
            theme_codes += codes
        themes.append(_position(theme.code, "theme", theme.title["fr"], theme_codes, levels, referential))
    overall = _position("all", "overall", referential.title["fr"], tuple(referential.indicators), levels, referential)
    return Positioning(
        assessment_id=sheet.assessment_id,
        referential_version=sheet.referential_version,
        version=sheet.version,
        overall=overall,
        themes=tuple(themes),
        sub_themes=tuple(sub_themes),
    )
