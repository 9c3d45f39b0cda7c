"""What changed between two moments of one assessment, or between two successive assessments of
one member (last year's against this year's): answers, positioning, plan actions.

An indicator whose definition (question, levels, objective) differs between the two referential
versions is marked "not comparable" rather than diffed: a level 2 of one question says nothing
about a level 3 of another.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from services.assessment.domain.answers import effective_answers
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet
from services.assessment.plan import plan_of
from services.assessment.positioning import positioning_of


class Side(msgspec.Struct, frozen=True, kw_only=True):
    assessment_id: str
    version: int
    at: datetime | None
    referential_version: str
    status: str


class AnswerChange(msgspec.Struct, frozen=True, kw_only=True):
    indicator: str
    change: (
        str  # "changed", "answered", "unanswered", "not_comparable", "added_to_referential", "removed_from_referential"
    )
    before: int | None = None
    after: int | None = None
    improve_before: bool | None = None
    improve_after: bool | None = None


class PositionMove(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    kind: str
    title: str
    score_before: float | None
    score_after: float | None
    score_delta: float | None
    attainment_before: float | None
    attainment_after: float | None
    attainment_delta: float | None


class ActionChange(msgspec.Struct, frozen=True, kw_only=True):
    indicator: str
    change: str  # "added", "removed", "done", "status_changed"
    status_before: str | None
    status_after: str | None


class AssessmentDiff(msgspec.Struct, frozen=True, kw_only=True):
    before: Side
    after: Side
    answers: list[AnswerChange]
    positioning: list[PositionMove]
    actions: list[ActionChange]
    not_comparable: list[str]


def _side(sheet: Sheet) -> Side:
    return Side(
        assessment_id=sheet.assessment_id,
        version=sheet.version,
        at=sheet.last_at,
        referential_version=sheet.referential_version,
        status=sheet.status,
    )


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 2)


def diff(before: Sheet, before_ref: Referential, after: Sheet, after_ref: Referential) -> AssessmentDiff:
    old, new = effective_answers(before), effective_answers(after)
    answers: list[AnswerChange] = []
    not_comparable: list[str] = []
    codes = list(dict.fromkeys([*before_ref.indicators, *after_ref.indicators]))
    for code in codes:
        a, b = before_ref.indicators.get(code), after_ref.indicators.get(code)
        if a is None or b is None:
            answers.append(
                AnswerChange(indicator=code, change="added_to_referential" if a is None else "removed_from_referential")
            )
            continue
        if a.definition != b.definition:
            not_comparable.append(code)
            answers.append(AnswerChange(indicator=code, change="not_comparable"))
            continue
        x, y = old.get(code), new.get(code)
        if x is None and y is None:
            continue
        if x is None or y is None:
            answers.append(
                AnswerChange(
                    indicator=code,
                    change="answered" if x is None else "unanswered",
                    before=x.level if x else None,
                    after=y.level if y else None,
                    improve_before=x.improve if x else None,
                    improve_after=y.improve if y else None,
                )
            )
        elif (x.level, x.improve) != (y.level, y.improve):
            answers.append(
                AnswerChange(
                    indicator=code,
                    change="changed",
                    before=x.level,
                    after=y.level,
                    improve_before=x.improve,
                    improve_after=y.improve,
                )
            )
    p, q = positioning_of(before, before_ref), positioning_of(after, after_ref)
    old_positions = {x.code: x for x in p.all()}
    moves = []
    for position in q.all():
        was = old_positions.get(position.code)
        score_before, attainment_before = (was.score, was.attainment) if was else (None, None)
        if (score_before, attainment_before) != (position.score, position.attainment):
            moves.append(
                PositionMove(
                    code=position.code,
                    kind=position.kind,
                    title=position.title,
                    score_before=score_before,
                    score_after=position.score,
                    score_delta=_delta(score_before, position.score),
                    attainment_before=attainment_before,
                    attainment_after=position.attainment,
                    attainment_delta=_delta(attainment_before, position.attainment),
                )
            )
    old_actions = {a.indicator: a for a in plan_of(before, before_ref).actions}
    new_actions = {a.indicator: a for a in plan_of(after, after_ref).actions}
    actions = []
    for code in codes:
        x, y = old_actions.get(code), new_actions.get(code)
        if x is None and y is None:
            continue
        if x is None or y is None:
            actions.append(
                ActionChange(
                    indicator=code,
                    change="added" if x is None else "removed",
                    status_before=x.status if x else None,
                    status_after=y.status if y else None,
                )
            )
        elif x.status != y.status:
            actions.append(
                ActionChange(
                    indicator=code,
                    change="done" if y.status == "done" else "status_changed",
                    status_before=x.status,
                    status_after=y.status,
                )
            )
    return AssessmentDiff(
        before=_side(before),
        after=_side(after),
        answers=answers,
        positioning=moves,
        actions=actions,
        not_comparable=not_comparable,
    )
