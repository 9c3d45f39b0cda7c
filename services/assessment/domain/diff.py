"""What changed between two moments of one assessment, or between two successive assessments of
one member (last year's against this year's): answers, positioning, plan actions.

An indicator whose definition (question, levels, objective) differs between the two referential
versions is marked "not comparable" rather than diffed: a level 2 of one question says nothing
about a level 3 of another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from services.assessment.domain.answers import effective_answers
from services.assessment.domain.plan import plan_of
from services.assessment.domain.positioning import positioning_of
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet


class Side(msgspec.Struct, frozen=True, kw_only=True):
    assessment_id: Annotated[str, Meta(description="The assessment")]
    version: Annotated[int, Meta(description="Its version at that moment")]
    at: Annotated[datetime | None, Meta(description="The time of that version")]
    referential_version: Annotated[str, Meta(description="Its referential version")]
    status: Annotated[str, Meta(description="Its stage then")]


class AnswerChange(msgspec.Struct, frozen=True, kw_only=True):
    indicator: Annotated[str, Meta(description="The indicator")]
    change: Annotated[
        str,
        Meta(
            description="changed, answered, unanswered, not_comparable, added_to_referential, removed_from_referential"
        ),
    ]
    before: Annotated[int | None, Meta(description="The level before")] = None
    after: Annotated[int | None, Meta(description="The level after")] = None
    improve_before: Annotated[bool | None, Meta(description='"Improve this" before')] = None
    improve_after: Annotated[bool | None, Meta(description='"Improve this" after')] = None


class PositionMove(msgspec.Struct, frozen=True, kw_only=True):
    code: Annotated[str, Meta(description="The theme, sub-theme or `all`")]
    kind: Annotated[str, Meta(description="`overall`, `theme` or `sub_theme`")]
    title: Annotated[str, Meta(description="Its title")]
    score_before: Annotated[float | None, Meta(description="Score before")]
    score_after: Annotated[float | None, Meta(description="Score after")]
    score_delta: Annotated[float | None, Meta(description="Change of score")]
    attainment_before: Annotated[float | None, Meta(description="Attainment before, in %")]
    attainment_after: Annotated[float | None, Meta(description="Attainment after, in %")]
    attainment_delta: Annotated[float | None, Meta(description="Change of attainment, in points")]


class ActionChange(msgspec.Struct, frozen=True, kw_only=True):
    indicator: Annotated[str, Meta(description="The indicator")]
    change: Annotated[str, Meta(description="`added`, `removed`, `done` or `status_changed`")]
    status_before: Annotated[str | None, Meta(description="The action's status before")]
    status_after: Annotated[str | None, Meta(description="The action's status after")]


class AssessmentDiff(msgspec.Struct, frozen=True, kw_only=True):
    before: Annotated[Side, Meta(description="The earlier side")]
    after: Annotated[Side, Meta(description="The later side")]
    answers: Annotated[list[AnswerChange], Meta(description="Answers that changed")]
    positioning: Annotated[list[PositionMove], Meta(description="How the positioning moved")]
    actions: Annotated[list[ActionChange], Meta(description="Plan actions added, removed or done")]
    not_comparable: Annotated[
        list[str], Meta(description="Indicators whose definition differs between the two referential versions")
    ]


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
        before_action, after_action = old_actions.get(code), new_actions.get(code)
        if before_action is None and after_action is None:
            continue
        if before_action is None or after_action is None:
            actions.append(
                ActionChange(
                    indicator=code,
                    change="added" if before_action is None else "removed",
                    status_before=before_action.status if before_action else None,
                    status_after=after_action.status if after_action else None,
                )
            )
        elif before_action.status != after_action.status:
            actions.append(
                ActionChange(
                    indicator=code,
                    change="done" if after_action.status == "done" else "status_changed",
                    status_before=before_action.status,
                    status_after=after_action.status,
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
