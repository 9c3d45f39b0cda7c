"""The 2015 Fonds Mutualisés Solidaires call, as the 2015 activity report tells it.

The figures, texts and stories are data: `call_2015.json` beside this module (its `_comment` says
what each entry means), decoded into msgspec Structs and checked once, at import: a malformed or
inconsistent file raises `ValueError` naming the file and what is wrong. The applications are
generated deterministically from a private `random.Random(2015)`; the figures the report quotes
are exact:

* 51 applications from 56 enterprises (applications carried by several enterprises together);
* 37 applications retained, covering 38 enterprises (one retained application has a partner);
* 280,153 € of co-funding awarded; 1,063 employees on pathways trained and 3,085 training hours
  delivered (the settled actuals of the retained applications, which met their plans);
* an envelope of 290,000 €, 40 % of a 725,000 € mutualised fund: 9,847 € remain.

The 14 applications not retained: 3 ineligible (an enterprise outside the Accord Groupe), 6 scored
under the selection threshold, 5 eligible but ranked after the retained ones when the envelope ran
out. One retained application passed only through a national staff override (Accord Groupe
membership registered late), and one award was sent back by its reviewer before being approved.
Enterprises are not named here: the seed draws them from the demo register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from string import Formatter
from typing import Annotated

import msgspec

from shared.data_files import load_checked

DATA_FILE = Path(__file__).with_name("call_2015.json")

Count = Annotated[int, msgspec.Meta(ge=1)]
Text = Annotated[str, msgspec.Meta(min_length=1)]


class GridCriterion(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: Text
    label: Text
    weight: Count


class DecisionReasons(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    full_award: Text
    partial_award: Text
    under_threshold: Text
    outranked: Text
    ineligible: Text


class Scenario(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The report's stories, by application key (the retained ones first, best score first)."""

    partly_funded: Annotated[int, msgspec.Meta(ge=0)]  # retained, awarded less than asked (beside the one sent back)
    with_partner: int  # the retained application carried with a partner enterprise
    late_member: int  # the retained one whose lead joined the Accord Groupe after submitting (an override)
    award_sent_back: int  # the award its reviewer sent back once
    under_threshold: Count  # then, not retained: scored under the threshold,
    outranked: Count  # eligible but ranked after the envelope ran out,
    ineligible: Count  # a lead outside the Accord Groupe
    partners_of_not_retained: dict[int, Count]
    decided_from: date
    actuals_from: date


class CallData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The content of `call_2015.json`."""

    year: int
    applications: Count
    retained: Count
    awarded: Count  # euros
    trainees: Count
    hours: Count
    fund: Decimal
    envelope: Decimal
    opens_on: date
    closes_on: date
    max_cofunding_rate: Decimal
    priority_cofunding_rate: Decimal
    max_per_trainee: Decimal
    priority_trainings: tuple[Text, ...]
    other_trainings: tuple[Text, ...]
    grid: tuple[GridCriterion, ...]
    reviewers: tuple[Text, ...]
    decider: Text
    checker: Text
    score_comments: dict[int, Text]
    titles: tuple[Text, ...]
    summary: Text
    reasons: DecisionReasons
    scenario: Scenario
    comment: tuple[str, ...] = msgspec.field(default=(), name="_comment")

    def problems(self) -> list[str]:
        """What makes the call's figures inconsistent with each other."""
        story = self.scenario
        not_retained = story.under_threshold + story.outranked + story.ineligible
        problems = []
        if self.retained + not_retained != self.applications:
            problems.append(
                f"retained ({self.retained}) and scenario's under_threshold, outranked and ineligible "
                f"({not_retained}) do not make the {self.applications} applications"
            )
        problems += [
            f"scenario.{name} is {key}, not the key of a retained application (0 to {self.retained - 1})"
            for name, key in (
                ("with_partner", story.with_partner),
                ("late_member", story.late_member),
                ("award_sent_back", story.award_sent_back),
            )
            if not 0 <= key < self.retained
        ]
        problems += [
            f"scenario.partners_of_not_retained names {key}, not the key of an application not retained"
            for key in story.partners_of_not_retained
            if not self.retained <= key < self.applications
        ]
        if story.partly_funded > self.retained:
            problems.append(f"scenario.partly_funded ({story.partly_funded}) is over retained ({self.retained})")
        if not self.awarded <= self.envelope <= self.fund:
            problems.append(f"awarded ({self.awarded}) <= envelope ({self.envelope}) <= fund ({self.fund}) is false")
        problems += [
            f"{name} is {rate}, not a rate over 0 and up to 1"
            for name, rate in (
                ("max_cofunding_rate", self.max_cofunding_rate),
                ("priority_cofunding_rate", self.priority_cofunding_rate),
            )
            if not 0 < rate <= 1
        ]
        if self.opens_on >= self.closes_on:
            problems.append(f"the call opens on {self.opens_on}, not before it closes on {self.closes_on}")
        if set(self.score_comments) != set(range(6)):
            problems.append("score_comments needs one comment for each score from 0 to 5")
        if len(self.priority_trainings + self.other_trainings) < 3:
            problems.append("an application has up to three trainings: list at least three")
        if both := set(self.priority_trainings) & set(self.other_trainings):
            problems.append(f"trainings both priority and other: {sorted(both)}")
        if len({c.code for c in self.grid}) != len(self.grid):
            problems.append("the grid's criterion codes repeat")
        if self.decider == self.checker:
            problems.append("the decider and the checker must be two people (four-eyes)")
        problems += [
            f"the text {text!r} uses a field other than {sorted(fields)}"
            for text, fields in [(t, {"t"}) for t in self.titles] + [(self.summary, {"trainees", "actions"})]
            if {field for _, field, _, _ in Formatter().parse(text) if field is not None} - fields
        ]
        return problems


def load_call_data(path: Path = DATA_FILE) -> CallData:
    """The data file, decoded and checked; a malformed file raises ValueError saying what is wrong."""
    return load_checked(path, CallData)


DATA = load_call_data()

YEAR = DATA.year
AWARDED = DATA.awarded
TRAINEES = DATA.trainees
HOURS = DATA.hours
RETAINED = DATA.retained
APPLICATIONS = DATA.applications
ENVELOPE = DATA.envelope
FUND = DATA.fund
OPENS_ON = DATA.opens_on
CLOSES_ON = DATA.closes_on

MAX_COFUNDING_RATE = DATA.max_cofunding_rate
PRIORITY_COFUNDING_RATE = DATA.priority_cofunding_rate
MAX_PER_TRAINEE = DATA.max_per_trainee

PRIORITY_TRAININGS: tuple[str, ...] = DATA.priority_trainings  # the board's list of 15 January 2015
OTHER_TRAININGS: tuple[str, ...] = DATA.other_trainings

# (code, label, weight): each criterion scored 0 to 5; the total is out of 100.
GRID: tuple[tuple[str, str, int], ...] = tuple((c.code, c.label, c.weight) for c in DATA.grid)

REVIEWERS: tuple[str, ...] = DATA.reviewers
DECIDER = DATA.decider  # national staff member who decides
CHECKER = DATA.checker  # national staff member who reviews her decisions (four-eyes)


@dataclass(frozen=True)
class DemoTraining:
    title: str
    priority: bool
    hours: int
    trainees: int
    cost: Decimal
    enterprise: int  # 0: the lead; 1, 2: its partners


@dataclass(frozen=True)
class DemoApplication:
    key: int
    title: str
    summary: str
    partners: int
    lead_kind: str  # "accord" (member since before 2015), "late" (registered after submission), "outside"
    trainings: tuple[DemoTraining, ...]
    requested: Decimal
    award: Decimal | None  # None: rejected
    reason: str  # of the decision
    scores: tuple[tuple[tuple[str, int, str], ...], ...]  # per reviewer: (criterion, score, comment)
    first_award: Decimal | None  # an award sent back before the final one
    drafted_on: date
    submitted_on: date
    decided_on: date
    actuals_on: date | None

    @property
    def trainees(self) -> int:
        return sum(t.trainees for t in self.trainings)

    @property
    def hours(self) -> int:
        return sum(t.hours for t in self.trainings)


def call_2015() -> list[DemoApplication]:
    """The 51 applications, the retained ones first (best score first)."""
    rng = random.Random(YEAR)
    trainees = _partition(rng, TRAINEES, RETAINED, minimum=8)
    hours = _partition(rng, HOURS, RETAINED, minimum=24)
    weights = [t * rng.uniform(0.75, 1.25) for t in trainees]
    awards = _apportion(AWARDED, weights)
    applications = []
    story, reasons = DATA.scenario, DATA.reasons
    partly_funded = set(rng.sample(range(RETAINED), story.partly_funded)) | {story.award_sent_back}
    for i in range(RETAINED):
        award = Decimal(awards[i])
        # A partly funded project asked for more, within the ceiling per trainee.
        room = (MAX_PER_TRAINEE * trainees[i] - award) // 100 * 100
        requested = award + (min(Decimal(rng.randrange(8, 30) * 100), room) if i in partly_funded else 0)
        applications.append(
            _application(
                rng,
                key=i,
                partners=1 if i == story.with_partner else 0,
                lead_kind="late" if i == story.late_member else "accord",
                trainees=trainees[i],
                hours=hours[i],
                requested=requested,
                award=award,
                reason=reasons.full_award if requested == award else reasons.partial_award,
                level="high",
                first_award=requested if i == story.award_sent_back else None,
            )
        )
    for i in range(RETAINED, APPLICATIONS):
        n_trainees = rng.randint(10, 40)
        requested = Decimal(n_trainees * rng.randrange(250, 450) // 100 * 100)
        if i < RETAINED + story.under_threshold:
            level, reason = "low", reasons.under_threshold
        elif i < RETAINED + story.under_threshold + story.outranked:
            # Each asked for more than the 9,847 € left once the better-ranked projects were funded.
            requested = Decimal(rng.randrange(101, 160) * 100)
            n_trainees = max(n_trainees, int(requested / 450) + 1)
            level, reason = "mid", reasons.outranked
        else:
            level, reason = "none", reasons.ineligible
        applications.append(
            _application(
                rng,
                key=i,
                partners=story.partners_of_not_retained.get(i, 0),
                lead_kind="outside" if level == "none" else "accord",
                trainees=n_trainees,
                hours=rng.randint(28, 120),
                requested=requested,
                award=None,
                reason=reason,
                level=level,
                first_award=None,
            )
        )
    return applications


def _application(
    rng: random.Random,
    *,
    key: int,
    partners: int,
    lead_kind: str,
    trainees: int,
    hours: int,
    requested: Decimal,
    award: Decimal | None,
    reason: str,
    level: str,
    first_award: Decimal | None,
) -> DemoApplication:
    count = min(rng.choice((1, 2, 2, 3)), trainees // 4, hours // 7)
    count = max(count, partners + 1)
    titles = rng.sample(PRIORITY_TRAININGS + OTHER_TRAININGS, count)
    split_trainees = _partition(rng, trainees, count, minimum=min(4, trainees // count))
    split_hours = _partition(rng, hours, count, minimum=min(7, hours // count))
    # The cost leaves room under the co-funding rate: the fund pays half (or 70 %) at most.
    cost = int(requested / MAX_COFUNDING_RATE * Decimal(str(rng.uniform(1.05, 1.35))))
    costs = _apportion(cost, [t * h for t, h in zip(split_trainees, split_hours, strict=True)])
    trainings = tuple(
        DemoTraining(
            title=title,
            priority=title in PRIORITY_TRAININGS,
            hours=h,
            trainees=t,
            cost=Decimal(c),
            enterprise=k if k <= partners else 0,
        )
        for k, (title, t, h, c) in enumerate(zip(titles, split_trainees, split_hours, costs, strict=True))
    )
    drafted = OPENS_ON + timedelta(days=rng.randint(7, 45))
    return DemoApplication(
        key=key,
        title=rng.choice(DATA.titles).format(t=_lowercase_first(titles[0])),
        summary=DATA.summary.format(trainees=trainees, actions=count),
        partners=partners,
        lead_kind=lead_kind,
        trainings=trainings,
        requested=requested,
        award=award,
        reason=reason,
        scores=_scores(rng, level),
        first_award=first_award,
        drafted_on=drafted,
        submitted_on=min(drafted + timedelta(days=rng.randint(1, 14)), CLOSES_ON),
        decided_on=DATA.scenario.decided_from + timedelta(days=key % 10),
        actuals_on=DATA.scenario.actuals_from + timedelta(days=key) if award is not None else None,
    )


def _lowercase_first(title: str) -> str:
    return title[0].lower() + title[1:] if title[1:2].islower() else title


def _scores(rng: random.Random, level: str) -> tuple[tuple[tuple[str, int, str], ...], ...]:
    """Two reviewers' scores. Retained projects ("high") score 60 or more; "mid" ones 50 to 58;
    "low" ones under 50; ineligible ones are not scored."""
    if level == "none":
        return ()
    reviews = []
    for _ in range(2):
        if level == "high":
            values = [rng.choice((3, 4, 4, 5)) for _ in GRID]
        elif level == "mid":
            values = [3] * len(GRID)
            values[rng.randrange(len(GRID))] = 2
        else:
            values = [rng.choice((1, 2, 2)) for _ in GRID]
            values[rng.randrange(len(GRID))] = 3
        reviews.append(tuple((code, v, DATA.score_comments[v]) for (code, _, _), v in zip(GRID, values, strict=True)))
    return tuple(reviews)


def _partition(rng: random.Random, total: int, parts: int, *, minimum: int) -> list[int]:
    """`parts` integers of at least `minimum`, summing to `total`, of similar size."""
    spare = total - minimum * parts
    if spare < 0:
        raise ValueError(f"cannot split {total} into {parts} parts of at least {minimum}")
    return [minimum + s for s in _apportion(spare, [rng.uniform(0.6, 1.4) for _ in range(parts)])]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to the weights summing exactly to `total` (largest remainders)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    result = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: (result[i] - shares[i], i))[: total - sum(result)]:
        result[i] += 1
    return result
