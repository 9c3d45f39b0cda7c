"""The progress plan: a pure function of an assessment's events and its referential version.

One action for each indicator whose answer is below the federation's objective, or that the team
flagged "improve this": the suggested action for the answered level, the federation service it
calls on, and a priority from the indicator's weight and the gap. The team's decisions on each
action (adopted, scheduled, done, dropped) are events too, folded in. Each action names the
answers it comes from.

Nothing here reads the clock or the database: the projection, the auditor's "as of" replay and the
aggregate's own checks call the same function, so a plan rebuilt by replay is the live plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from services.assessment.domain.answers import EffectiveAnswer, Source, effective_answers
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet, fold

HIGH, MEDIUM = 9, 4  # priority score thresholds


class PlanAction(msgspec.Struct, frozen=True, kw_only=True):
    rank: Annotated[int, Meta(description="Its rank in the plan (1: first to do)")]
    indicator: Annotated[str, Meta(description="The indicator")]
    theme: Annotated[str, Meta(description="Its theme")]
    sub_theme: Annotated[str, Meta(description="Its sub-theme")]
    question: Annotated[str, Meta(description="The indicator's question")]
    level: Annotated[int, Meta(description="The level answered")]
    objective: Annotated[int, Meta(description="The objective level")]
    gap: Annotated[int, Meta(description="How far below the objective")]
    weight: Annotated[int, Meta(description="The indicator's weight (1 to 3)")]
    improve: Annotated[bool, Meta(description='"Improve this" was asked')]
    score: Annotated[int, Meta(description="Priority score: weight x (2 x gap + improve)")]
    priority: Annotated[str, Meta(description="`high`, `medium` or `low`")]
    suggested_action: Annotated[str, Meta(description="What the referential suggests for the level answered")]
    service: Annotated[str, Meta(description="The federation service it calls on")]
    service_label: Annotated[str, Meta(description="That service's name")]
    status: Annotated[str, Meta(description="`proposed`, `adopted`, `scheduled`, `done` or `dropped`")]
    owner: Annotated[str | None, Meta(description="Who carries it")] = None
    due_on: Annotated[date | None, Meta(description="When it is due")] = None
    completed_on: Annotated[date | None, Meta(description="When it was done")] = None
    dropped_reason: Annotated[str | None, Meta(description="Why it was dropped")] = None
    from_answers: Annotated[tuple[Source, ...], Meta(description="The answer events it comes from")] = ()


class ProgressPlan(msgspec.Struct, frozen=True, kw_only=True):
    assessment_id: str
    referential_version: str
    version: int  # the assessment version the plan reflects
    actions: tuple[PlanAction, ...]


def priority_score(weight: int, gap: int, improve: bool) -> int:
    """Weight times gap, each level of gap counting double so that a flag alone ("improve this" on
    an indicator at its objective) ranks below any real gap of the same weight."""
    return weight * (2 * gap + (1 if improve else 0))


def priority_label(score: int) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def plan_of(sheet: Sheet, referential: Referential, answers: dict[str, EffectiveAnswer] | None = None) -> ProgressPlan:
    """The plan of a sheet (`answers`: the sheet's effective answers, when the caller has them)."""
    answers = effective_answers(sheet) if answers is None else answers
    order = {code: i for i, code in enumerate(referential.indicators)}
    drafts: list[dict[str, Any]] = []
    for code, answer in answers.items():
        indicator = referential.indicators.get(code)
        if indicator is None:
            continue
        gap = max(indicator.objective_level - answer.level, 0)
        if gap == 0 and not answer.improve:
            continue
        score = priority_score(indicator.weight, gap, answer.improve)
        follow_up = sheet.actions.get(code)
        drafts.append(
            {
                "indicator": code,
                "theme": indicator.theme,
                "sub_theme": indicator.sub_theme,
                "question": indicator.question["fr"],
                "level": answer.level,
                "objective": indicator.objective_level,
                "gap": gap,
                "weight": indicator.weight,
                "improve": answer.improve,
                "score": score,
                "priority": priority_label(score),
                "suggested_action": indicator.action_for(answer.level),
                "service": indicator.service,
                "service_label": referential.service_label(indicator.service),
                "status": follow_up.status if follow_up else "proposed",
                "owner": follow_up.owner if follow_up else None,
                "due_on": follow_up.due_on if follow_up else None,
                "completed_on": follow_up.completed_on if follow_up else None,
                "dropped_reason": follow_up.reason if follow_up and follow_up.status == "dropped" else None,
                "from_answers": answer.sources,
            }
        )
    drafts.sort(key=lambda d: (-d["score"], -d["weight"], order[d["indicator"]]))
    return ProgressPlan(
        assessment_id=sheet.assessment_id,
        referential_version=sheet.referential_version,
        version=sheet.version,
        actions=tuple(PlanAction(rank=i, **d) for i, d in enumerate(drafts, start=1)),
    )


def progress_plan(events: Iterable[Any], referential: Referential) -> ProgressPlan:
    """The plan as the events say it: all of them, or a prefix for the plan as of that point."""
    sheet = fold(events)
    if sheet is None:
        raise ValueError("no events: an assessment starts with its Started event")
    return plan_of(sheet, referential)
