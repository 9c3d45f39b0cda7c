"""Scores: a reviewer scores every criterion of the call's grid from 0 to 5; the weighted total is
out of 100, and an application's score is the mean of its reviewers' totals."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from services.training.domain.call import MAX_SCORE, ScoringCriterion
from services.training.domain.errors import ApplicationRefused
from services.training.domain.values import CriterionScore
from shared.values import check_text

HUNDREDTH = Decimal("0.01")


def check_scores(grid: tuple[ScoringCriterion, ...], scores: tuple[CriterionScore, ...]) -> None:
    codes = [s.criterion for s in scores]
    expected = [c.code for c in grid]
    if sorted(codes) != sorted(expected):
        missing = sorted(set(expected) - set(codes))
        unknown = sorted(set(codes) - set(expected))
        detail = "; ".join(
            filter(
                None,
                [
                    f"critères manquants : {', '.join(missing)}" if missing else "",
                    f"critères inconnus : {', '.join(unknown)}" if unknown else "",
                    "un critère est noté deux fois" if len(set(codes)) != len(codes) else "",
                ],
            )
        )
        raise ApplicationRefused(f"scores : chaque critère de la grille est noté une fois ({detail})", field="scores")
    for i, s in enumerate(scores):
        check_text(s.comment, f"scores[{i}].comment", multi_line=True)
        if not 0 <= s.score <= MAX_SCORE:
            raise ApplicationRefused(
                f"scores : la note du critère {s.criterion} est comprise entre 0 et {MAX_SCORE}", field="scores"
            )
        if not s.comment.strip():
            raise ApplicationRefused(
                f"scores : la note du critère {s.criterion} est accompagnée d'un commentaire", field="scores"
            )


def weighted_total(grid: tuple[ScoringCriterion, ...], scores: tuple[CriterionScore, ...]) -> Decimal:
    weight = {c.code: c.weight for c in grid}
    points = sum(weight[s.criterion] * s.score for s in scores)
    return (Decimal(100) * points / (MAX_SCORE * sum(weight.values()))).quantize(HUNDREDTH)


def mean_score(totals: Iterable[Decimal]) -> Decimal | None:
    values = list(totals)
    return (sum(values, Decimal(0)) / len(values)).quantize(HUNDREDTH) if values else None
