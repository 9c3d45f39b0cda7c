"""Read-model rows of one assessment, derived from its sheet and its referential version only.

The `assessments` projection recomputes every row of an assessment its batch touched with these
functions; nothing else goes into them, so a rebuild gives the same rows.
"""

from __future__ import annotations

from typing import Any

from services.assessment.domain.answers import EffectiveAnswer, divergent, effective_answers, to_revisit
from services.assessment.domain.plan import ProgressPlan
from services.assessment.domain.positioning import Positioning
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet

OPEN_ACTION = frozenset({"proposed", "adopted", "scheduled"})


def _base(sheet: Sheet) -> dict[str, Any]:
    return {"assessment_id": sheet.assessment_id, "tenant_id": sheet.tenant_id, "region": sheet.region}


def summary_row(
    sheet: Sheet,
    referential: Referential,
    plan: ProgressPlan,
    positioning: Positioning,
    answers: dict[str, EffectiveAnswer] | None = None,
) -> dict[str, Any]:
    answers = effective_answers(sheet) if answers is None else answers
    overall = positioning.overall
    return {
        **_base(sheet),
        "scope": sheet.scope,
        "forms": sheet.forms,
        "primary_form": sheet.forms[0] if sheet.forms else "other",
        "referential_version": sheet.referential_version,
        "status": sheet.status,
        "previous_assessment_id": sheet.previous_assessment_id,
        "superseded_by": sheet.superseded_by,
        "started_on": sheet.started_on,
        "started_at": sheet.started_at,
        "started_by": sheet.started_by,
        "submitted_at": sheet.submitted_at,
        "validated_at": sheet.validated_at,
        "validated_recorded_at": sheet.validated_recorded_at,
        "last_answer_at": sheet.last_answer_at,
        "last_at": sheet.last_at,
        "participants": len(sheet.participants),
        "answered": len(answers),
        "indicators": len(referential.indicators),
        "divergent": len(divergent(sheet)),
        "to_revisit": len(to_revisit(sheet)),
        "reviews_waiting": sum(1 for r in sheet.reviews.values() if r.status == "requested"),
        "proposals_pending": sum(1 for p in sheet.proposals.values() if p.decision is None),
        "plan_actions": len(plan.actions),
        "open_actions": sum(1 for a in plan.actions if a.status in OPEN_ACTION),
        "score": overall.score,
        "attainment": overall.attainment,
        "gap": overall.gap,
        "version": sheet.version,
    }


def answer_rows(
    sheet: Sheet, referential: Referential, answers: dict[str, EffectiveAnswer] | None = None
) -> list[dict[str, Any]]:
    """One row per indicator of the version: the participants' answers, the assessment's answer,
    the self view as submitted, and what reviewers said (the reviewer view)."""
    answers = effective_answers(sheet) if answers is None else answers
    split = set(divergent(sheet))
    comments_by_indicator: dict[str, list[dict[str, Any]]] = {}
    for comment in sheet.comments:
        proposal = sheet.proposals.get(comment.proposal_id) if comment.proposal_id else None
        comments_by_indicator.setdefault(comment.indicator, []).append(
            {
                "request_id": comment.request_id,
                "reviewer_kind": sheet.reviews[comment.request_id].kind,
                "author_id": comment.author_id,
                "author_role": comment.author_role,
                "comment": comment.comment,
                "at": comment.at,
                "proposal_id": comment.proposal_id,
                "proposed_level": proposal.level if proposal else None,
                "reason": proposal.reason if proposal else None,
                "decision": proposal.decision if proposal else None,
                "decision_reason": proposal.decision_reason if proposal else None,
            }
        )
    rows = []
    for code, indicator in referential.indicators.items():
        answer = answers.get(code)
        given = sorted(sheet.answers.get(code, {}).values(), key=lambda a: a.participant_id)
        reviews = comments_by_indicator.get(code, [])
        self_level = sheet.self_view.get(code)
        proposed = {r["proposed_level"] for r in reviews if r["proposed_level"] is not None}
        settled = sheet.settled.get(code)
        rows.append(
            {
                **_base(sheet),
                "indicator": code,
                "theme": indicator.theme,
                "sub_theme": indicator.sub_theme,
                "level": answer.level if answer else None,
                "source": answer.source if answer else None,
                "practice": answer.practice if answer else None,
                "improve": answer.improve if answer else False,
                "self_level": self_level,
                "divergent": code in split,
                "reviewers_diverge": bool(proposed - ({self_level} if self_level is not None else set())),
                "revisit": any(a.revisit for a in given),
                "participant_answers": [
                    {
                        "participant_id": a.participant_id,
                        "level": a.level,
                        "comment": a.comment,
                        "practice": a.practice,
                        "improve": a.improve,
                        "revisit": a.revisit,
                        "author_id": a.author_id,
                        "author_role": a.author_role,
                        "at": a.at,
                        "version": a.version,
                    }
                    for a in given
                ],
                "settlement": None
                if settled is None
                else {
                    "level": settled.level,
                    "source": settled.source,
                    "comment": settled.comment,
                    "author_id": settled.author_id,
                    "author_role": settled.author_role,
                    "at": settled.at,
                    "version": settled.version,
                    "from_versions": settled.from_versions,
                    "proposal_id": settled.proposal_id,
                },
                "reviews": reviews,
            }
        )
    return rows


def positioning_rows(sheet: Sheet, positioning: Positioning) -> list[dict[str, Any]]:
    return [
        {
            **_base(sheet),
            "code": p.code,
            "kind": p.kind,
            "title": p.title,
            "score": p.score,
            "objective": p.objective,
            "gap": p.gap,
            "attainment": p.attainment,
            "answered": p.answered,
            "indicators": p.indicators,
        }
        for p in positioning.all()
    ]


def plan_rows(sheet: Sheet, plan: ProgressPlan) -> list[dict[str, Any]]:
    return [
        {
            **_base(sheet),
            "indicator": a.indicator,
            "rank": a.rank,
            "theme": a.theme,
            "sub_theme": a.sub_theme,
            "question": a.question,
            "level": a.level,
            "objective": a.objective,
            "gap": a.gap,
            "weight": a.weight,
            "improve": a.improve,
            "score": a.score,
            "priority": a.priority,
            "suggested_action": a.suggested_action,
            "service": a.service,
            "service_label": a.service_label,
            "status": a.status,
            "owner": a.owner,
            "due_on": a.due_on,
            "completed_on": a.completed_on,
            "dropped_reason": a.dropped_reason,
            "from_answers": list(a.from_answers),
        }
        for a in plan.actions
    ]


def review_rows(sheet: Sheet) -> list[dict[str, Any]]:
    rows = []
    for review in sheet.reviews.values():
        proposals = [p for p in sheet.proposals.values() if p.request_id == review.request_id]
        rows.append(
            {
                **_base(sheet),
                "request_id": review.request_id,
                "kind": review.kind,
                "reviewer_id": review.reviewer_id,
                "reviewer_role": review.reviewer_role,
                "reviewer_tenant": review.reviewer_tenant,
                "status": review.status,
                "requested_at": review.requested_at,
                "requested_by": review.requested_by,
                "completed_at": review.completed_at,
                "summary": review.summary,
                "comments": sum(1 for c in sheet.comments if c.request_id == review.request_id),
                "proposals": len(proposals),
                "proposals_accepted": sum(1 for p in proposals if p.decision == "accepted"),
                "proposals_rejected": sum(1 for p in proposals if p.decision == "rejected"),
                "proposals_pending": sum(1 for p in proposals if p.decision is None),
            }
        )
    return rows
