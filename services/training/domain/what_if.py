"""What-if: rank the scored applications and show which an envelope (or a cut-off score) would fund,
fully or partly, without deciding anything. A pure function over the candidates' figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

# "unfunded": the envelope is spent.
OutcomeKind = Literal["full", "partial", "unfunded", "below_cutoff"]


@dataclass(frozen=True)
class Candidate:
    application_id: str
    title: str
    lead_name: str
    score: Decimal
    requested: Decimal
    allowed_maximum: Decimal


@dataclass(frozen=True)
class Outcome:
    rank: int
    candidate: Candidate
    fundable: Decimal  # what the application could receive: its request within the criteria
    funded: Decimal
    outcome: OutcomeKind


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    """Best score first (ties: the smaller request first, then by id, so the result is stable): the
    order of the what-if and the rank in a decision file."""
    return sorted(candidates, key=lambda c: (-c.score, c.requested, c.application_id))


def simulate(candidates: list[Candidate], envelope: Decimal, cutoff_score: Decimal | None = None) -> list[Outcome]:
    """Fund by rank (`ranked`) until the envelope is spent, skipping those below the cut-off."""
    remaining = envelope
    outcomes = []
    for rank, candidate in enumerate(ranked(candidates), start=1):
        fundable = min(candidate.requested, candidate.allowed_maximum)
        if cutoff_score is not None and candidate.score < cutoff_score:
            outcomes.append(Outcome(rank, candidate, fundable, Decimal("0.00"), "below_cutoff"))
            continue
        funded = max(Decimal("0.00"), min(fundable, remaining))
        remaining -= funded
        kind: OutcomeKind = "full" if funded == fundable else "partial" if funded > 0 else "unfunded"
        outcomes.append(Outcome(rank, candidate, fundable, funded, kind))
    return outcomes
