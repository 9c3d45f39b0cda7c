"""Settlement: what an award becomes once the actuals are known.

The award is reduced pro rata where the trainings fell short: the share of planned trainee-hours
(trainees × hours of each training) actually delivered, capped at 1; and it stays within the call's
criteria applied to the *actual* costs and trainees. The difference returns to the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.training.domain.call import EligibilityCriteria
from services.training.domain.money import ZERO, floor_cents
from services.training.domain.values import Training, TrainingActual


@dataclass(frozen=True)
class Settlement:
    planned_trainee_hours: int
    delivered_trainee_hours: int
    ratio: Decimal  # delivered / planned trainee-hours, at most 1
    ceiling_on_actuals: Decimal  # the criteria applied to actual costs and trainees
    amount: Decimal  # what is paid
    released: Decimal  # what returns to the envelope


def settle(
    award: Decimal, trainings: tuple[Training, ...], actuals: tuple[TrainingActual, ...], criteria: EligibilityCriteria
) -> Settlement:
    planned = sum(t.trainee_hours for t in trainings)
    delivered = sum(min(a.trainees * a.hours, trainings[a.training].trainee_hours) for a in actuals)
    ratio = min(Decimal(1), Decimal(delivered) / Decimal(planned)) if planned else Decimal(0)
    by_rate = sum(
        (
            a.cost
            * (criteria.priority_cofunding_rate if trainings[a.training].priority else criteria.max_cofunding_rate)
            for a in actuals
        ),
        ZERO,
    )
    ceiling = floor_cents(min(by_rate, criteria.max_per_trainee * sum(a.trainees for a in actuals)))
    amount = max(ZERO, min(floor_cents(award * ratio), ceiling))
    return Settlement(planned, delivered, ratio.quantize(Decimal("0.0001")), ceiling, amount, award - amount)
