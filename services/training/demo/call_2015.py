"""The 2015 Fonds Mutualisés Solidaires call, as the 2015 activity report tells it.

Pure data: no I/O. Generated deterministically from a private `random.Random(2015)`; the figures
the report quotes are exact:

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

YEAR = 2015
AWARDED = 280_153
TRAINEES = 1_063
HOURS = 3_085
RETAINED = 37
APPLICATIONS = 51
ENVELOPE = Decimal(290_000)
FUND = Decimal(725_000)
OPENS_ON = date(2015, 1, 26)
CLOSES_ON = date(2015, 3, 31)

MAX_COFUNDING_RATE = Decimal("0.50")
PRIORITY_COFUNDING_RATE = Decimal("0.70")
MAX_PER_TRAINEE = Decimal(500)

# The board's list of priority trainings, validated on 15 January 2015.
PRIORITY_TRAININGS: tuple[str, ...] = (
    "Savoirs de base et compétences clés",
    "Sauveteur secouriste du travail (SST)",
    "CQP agent de propreté et d'hygiène",
    "Titre professionnel assistant de vie aux familles",
    "Prévention des risques liés à l'activité physique (PRAP)",
    "Conduite d'engins en sécurité (CACES)",
)
OTHER_TRAININGS: tuple[str, ...] = (
    "Habilitation électrique B0-H0",
    "Hygiène alimentaire en restauration collective (HACCP)",
    "Entretien des espaces verts",
    "Entretien et repassage du linge",
    "Français langue étrangère à visée professionnelle",
    "Permis de conduire B : code et conduite",
    "Usages numériques et bureautique",
    "Gestes et postures",
    "Maçonnerie paysagère",
    "Accueil et relation client",
)

# (code, label, weight): each criterion scored 0 to 5; the total is out of 100.
GRID: tuple[tuple[str, str, int], ...] = (
    ("pertinence", "Pertinence du projet pour les parcours d'insertion", 3),
    ("publics", "Place des salariés les plus éloignés de l'emploi", 2),
    ("ingenierie", "Qualité de l'ingénierie de formation", 3),
    ("cout", "Coût par stagiaire et part de cofinancement", 2),
)

REVIEWERS = ("evaluateur.fms.1", "evaluateur.fms.2", "evaluateur.fms.3")
DECIDER = "marie.durand"  # national staff member who decides
CHECKER = "paul.lefebvre"  # national staff member who reviews her decisions (four-eyes)

_COMMENTS = {
    5: "Très satisfaisant : projet exemplaire sur ce point.",
    4: "Satisfaisant, quelques précisions utiles.",
    3: "Correct, mais le dossier reste général.",
    2: "Insuffisamment étayé.",
    1: "Faible : le dossier ne répond pas à ce critère.",
    0: "Absent du dossier.",
}

_TITLES = (
    "Professionnaliser les salariés en parcours : {t}",
    "Sécuriser les parcours d'insertion par la formation ({t})",
    "Plan de formation 2015 des salariés en parcours : {t}",
    "Des compétences pour l'emploi durable : {t}",
)


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
    partly_funded = set(rng.sample(range(RETAINED), 5)) | {20}  # 20: the award sent back once
    for i in range(RETAINED):
        award = Decimal(awards[i])
        # A partly funded project asked for more, within the ceiling per trainee.
        room = (MAX_PER_TRAINEE * trainees[i] - award) // 100 * 100
        requested = award + (min(Decimal(rng.randrange(8, 30) * 100), room) if i in partly_funded else 0)
        applications.append(
            _application(
                rng,
                key=i,
                partners=1 if i == 5 else 0,
                lead_kind="late" if i == 10 else "accord",
                trainees=trainees[i],
                hours=hours[i],
                requested=requested,
                award=award,
                reason="Aide accordée au montant demandé"
                if requested == award
                else "Aide partielle : montant ramené au coût moyen par stagiaire retenu par le comité",
                level="high",
                first_award=requested if i == 20 else None,
            )
        )
    for i in range(RETAINED, APPLICATIONS):
        n_trainees = rng.randint(10, 40)
        requested = Decimal(n_trainees * rng.randrange(250, 450) // 100 * 100)
        if i < 43:
            level, reason = "low", "Note inférieure au seuil de sélection de 50/100 fixé par le comité"
        elif i < 48:
            # Each asked for more than the 9,847 € left once the better-ranked projects were funded.
            requested = Decimal(rng.randrange(101, 160) * 100)
            n_trainees = max(n_trainees, int(requested / 450) + 1)
            level, reason = (
                "mid",
                (
                    "Projet éligible, classé après les projets retenus : l'enveloppe restante ne "
                    "couvre pas le projet et le comité n'a pas retenu de financement partiel"
                ),
            )
        else:
            level, reason = (
                "none",
                ("Candidature non éligible : une entreprise candidate n'est pas membre de l'Accord Groupe"),
            )
        applications.append(
            _application(
                rng,
                key=i,
                partners={37: 2, 40: 1, 45: 1}.get(i, 0),
                lead_kind="outside" if i >= 48 else "accord",
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
        title=rng.choice(_TITLES).format(t=_lowercase_first(titles[0])),
        summary=(
            f"{trainees} salariés en parcours d'insertion formés en {count} action(s) de formation, "
            "pour consolider leurs compétences et leur accès à un emploi durable."
        ),
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
        decided_on=date(2015, 5, 11) + timedelta(days=key % 10),
        actuals_on=date(2015, 12, 1) + timedelta(days=key) if award is not None else None,
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
        reviews.append(tuple((code, v, _COMMENTS[v]) for (code, _, _), v in zip(GRID, values, strict=True)))
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
