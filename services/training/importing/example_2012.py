"""The example import file: the 2012 call in the shape the federation's spreadsheets give it (DOMAIN.md,
issue 9: 48 projects asking about 701,000 € against a 150,000 € envelope topped up by the fund's
partner, 28 funded), drawn from the demo network's members that were in the Accord Groupe at the
call's closing date (`network_2015()`: their SIRETs and dates are the demo register's), named by
SIRET as the spreadsheets name them.

Deterministic (`random.Random(2012)`): `bench/bench_training_import.py --write-examples` writes
`exemple-2012.xlsx` and `exemple-2012-avec-refus.xlsx` beside this module; the second adds a few
rows the import must refuse (a SIRET mistyped, a top-up dated before the opening, a score out of
the scale, a decision reviewed by who took it, an award to an ineligible project)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from services.membership.demo.network_2015 import DemoMember, network_2015

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "exemple-2012.xlsx"
EXAMPLE_WITH_REFUSALS = HERE / "exemple-2012-avec-refus.xlsx"

OPENS_ON, CLOSES_ON = date(2012, 1, 16), date(2012, 3, 31)
FUND, ENVELOPE, TOP_UP = Decimal("375000.00"), Decimal("150000.00"), Decimal("100000.00")
APPLICATIONS, FUNDED, INELIGIBLE = 48, 28, 3
REQUESTED_TOTAL = Decimal("701000.00")
DECIDER, CHECKER, STAFF = "marie.dupont", "paul.martin", "claire.bernard"
REVIEWERS = ("eval.agefos-1", "eval.agefos-2", "eval.coorace-1", "eval.coorace-2")
GRID = (("pertinence", "Pertinence du projet", 3), ("insertion", "Effet sur les parcours", 2), ("cout", "Coût", 1))
PRIORITY = "Sauveteur secouriste du travail"
TRAININGS = (PRIORITY, "Conduite d'engins de chantier", "Aide à domicile", "Entretien des espaces verts")
AWARD_SHARE = Decimal("0.55")  # the committee funded about 55 % of what the retained projects asked
SENT_BACK_EXTRA = Decimal("1000")  # the first amount of a decision sent back, above the final one

Records = dict[str, list[dict[str, object]]]
Ranked = tuple[int, str, Decimal, DemoMember, DemoMember | None]  # total score, ref, requested, lead, partner


def members_then() -> tuple[list[DemoMember], list[DemoMember]]:
    """The demo members in the Accord Groupe at the closing date, and those who joined it later."""
    members = [m for m in network_2015() if m.joined_on <= OPENS_ON]
    accord = [m for m in members if m.accord_groupe_since and m.accord_groupe_since <= CLOSES_ON]
    later = [m for m in members if m.accord_groupe_since and m.accord_groupe_since > CLOSES_ON]
    return accord, later


def records(*, with_refusals: bool = False) -> Records:
    rng = random.Random(2012)
    accord, later = members_then()
    rng.shuffle(accord)
    rng.shuffle(later)
    leads = accord[: APPLICATIONS - INELIGIBLE] + later[:INELIGIBLE]
    partners = accord[APPLICATIONS - INELIGIBLE :]
    weights = [rng.uniform(0.5, 1.5) for _ in leads]
    requested = [(REQUESTED_TOTAL * Decimal(w / sum(weights))).quantize(Decimal("100"), ROUND_DOWN) for w in weights]
    requested[0] += REQUESTED_TOTAL - sum(requested)  # the total as the call's report gives it
    out: Records = {
        "appel": [_call()],
        "critere": [{"code": c, "intitule": label, "poids": w} for c, label, w in GRID],
        "abondement": [
            {
                "montant": TOP_UP,
                "motif": "Abondement du partenaire du fonds (AGEFOS PME)",
                "le": "2012-05-10",
                "agent": STAFF,
            }
        ],
        "candidature": [],
        "formation": [],
        "note": [],
        "decision": [],
        "realise": [],
        "solde": [],
    }
    ranked: list[Ranked] = []
    for n, (lead, amount) in enumerate(zip(leads, requested, strict=True), start=1):
        ref = f"FMS12-{n:02d}"
        partner = partners.pop() if n % 5 == 0 and partners else None
        _application(out, rng, ref, lead, partner, amount, n)
        ineligible = lead in later
        if not ineligible:
            ranked.append((_scores(out, rng, ref, n), ref, amount, lead, partner))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    # The committee's first wave (3 May) fits the initial envelope, a send-back's higher first amount
    # included; the second (15 May) comes after the partner's top-up (10 May).
    committed, awarded = Decimal(0), Decimal(0)
    held_by_send_backs = SENT_BACK_EXTRA * sum(1 for r in ranked[:FUNDED] if _sent_back(r[1]))
    for i, r in enumerate(ranked):
        award = _award(r[2])
        first_wave = i < FUNDED and committed + award + held_by_send_backs <= ENVELOPE
        committed += award if first_wave else 0
        awarded += _decide(out, r, funded=i < FUNDED, first_wave=first_wave)
    for ref in sorted({str(r["ref"]) for r in out["candidature"]} - {r[1] for r in ranked}):
        _decide_ineligible(out, ref)
    assert awarded <= ENVELOPE + TOP_UP
    if with_refusals:
        _add_refusals(out, leads, ranked)
    return out


def _call() -> dict[str, object]:
    return {
        "annee": 2012,
        "libelle": "",
        "titre": "Fonds Mutualisés Solidaires : appel à projets 2012",
        "fonds_mutualise": FUND,
        "enveloppe": ENVELOPE,
        "ouverture": OPENS_ON,
        "cloture": CLOSES_ON,
        "accord_groupe_requis": "oui",
        "parcours_insertion_requis": "oui",
        "taux_max": "0.50",
        "taux_prioritaire": "0.70",
        "plafond_stagiaire": "1500.00",
        "formations_prioritaires": PRIORITY,
        "clos_le": date(2012, 4, 2),
        "publie_le": date(2012, 6, 1),
        "agent": STAFF,
    }


def _application(
    out: Records, rng: random.Random, ref: str, lead: DemoMember, partner: DemoMember | None, amount: Decimal, n: int
) -> None:
    submitted = CLOSES_ON - timedelta(days=rng.randrange(0, 40))
    out["candidature"].append(
        {
            "ref": ref,
            "porteur": lead.siret,
            "partenaires": partner.siret if partner else "",
            "titre": f"Parcours qualifiants {lead.city}",
            "resume": f"Formation de salariés en parcours d'insertion de {lead.name}",
            "demande": amount,
            "redigee_le": submitted - timedelta(days=rng.randrange(5, 30)),
            "deposee_le": submitted,
            "agent": STAFF,
        }
    )
    # Costs that let the fund pay what is asked (half of a training's cost, 1,500 € per trainee).
    enterprises = [lead] + ([partner] if partner else [])
    share = (amount / len(enterprises)).quantize(Decimal("0.01"), ROUND_DOWN)
    for i, enterprise in enumerate(enterprises):
        part = share if i else amount - share * (len(enterprises) - 1)
        out["formation"].append(
            {
                "ref": ref,
                "entreprise": "" if enterprise is lead else enterprise.siret,
                "intitule": TRAININGS[(n + i) % len(TRAININGS)],
                "prioritaire": "non",
                "heures": rng.choice((35, 70, 105, 140)),
                "stagiaires": int(part / 1000) + 1,
                "cout": part * 2,
                "parcours_insertion": "oui",
            }
        )


def _scores(out: Records, rng: random.Random, ref: str, n: int) -> int:
    total = 0
    for k in range(2):
        reviewer = REVIEWERS[(n + k) % len(REVIEWERS)]
        on = date(2012, 4, 10) + timedelta(days=n % 10)
        for code, _, weight in GRID:
            score = rng.randint(1, 5)
            total += score * weight
            comment = "Projet solide" if score >= 3 else "À consolider"
            out["note"].append(
                {"ref": ref, "evaluateur": reviewer, "critere": code, "note": score, "commentaire": comment, "le": on}
            )
    return total


def _sent_back(ref: str) -> bool:
    """The committee's decisions the reviewer sent back once (a few of the first wave)."""
    return ref.endswith(("7", "3"))


def _award(requested: Decimal) -> Decimal:
    return (requested * AWARD_SHARE).quantize(Decimal("100"), ROUND_DOWN)


def _decide(out: Records, ranked: Ranked, *, funded: bool, first_wave: bool) -> Decimal:
    _, ref, amount, _, _ = ranked
    if not funded:
        _act(out, ref, "rejet", DECIDER, date(2012, 5, 15), motif="Classement insuffisant au regard de l'enveloppe")
        _act(out, ref, "approbation", CHECKER, date(2012, 5, 22), motif="Conforme à l'avis du comité")
        return Decimal(0)
    award = _award(amount)
    decided = date(2012, 5, 3) if first_wave else date(2012, 5, 15)  # the second wave after the top-up
    if _sent_back(ref) and first_wave:  # sent back once, decided again lower
        _act(out, ref, "attribution", DECIDER, decided, montant=award + SENT_BACK_EXTRA, motif="Retenu par le comité")
        _act(out, ref, "renvoi", CHECKER, decided + timedelta(days=2), motif="Montant à ramener à 55 % de la demande")
        decided += timedelta(days=3)
    _act(out, ref, "attribution", DECIDER, decided, montant=award, motif="Retenu par le comité")
    _act(out, ref, "approbation", CHECKER, date(2012, 5, 22), motif="Conforme à l'avis du comité")
    trainings = [t for t in out["formation"] if t["ref"] == ref]
    for i, t in enumerate(trainings, start=1):
        out["realise"].append(
            {
                "ref": ref,
                "formation": i,
                "stagiaires": t["stagiaires"],
                "heures": t["heures"],
                "cout": t["cout"],
                "le": date(2012, 12, 14),
            }
        )
    out["solde"].append({"ref": ref, "le": date(2013, 1, 15), "agent": CHECKER})
    return award


def _decide_ineligible(out: Records, ref: str) -> None:
    motif = "Non éligible : adhésion à l'Accord Groupe postérieure à la clôture de l'appel"
    _act(out, ref, "rejet", DECIDER, date(2012, 5, 15), motif=motif)
    _act(out, ref, "approbation", CHECKER, date(2012, 5, 22), motif="Conforme")


def _act(out: Records, ref: str, acte: str, par: str, le: date, **more: object) -> None:
    out["decision"].append({"ref": ref, "acte": acte, "par": par, "le": le, **more})


def _add_refusals(out: Records, leads: list[DemoMember], ranked: list[Ranked]) -> None:
    """Rows as a spreadsheet kept by hand has them, which the import must refuse."""
    typo = dict(out["candidature"][3])
    typo |= {"ref": "FMS12-49", "porteur": str(typo["porteur"])[:-1] + "0", "partenaires": ""}
    out["candidature"].append(typo)  # a SIRET mistyped
    out["formation"].append({**out["formation"][0], "ref": "FMS12-49", "entreprise": ""})
    out["abondement"].append(
        {"montant": "5000.00", "motif": "Reliquat 2011", "le": "2011-12-01", "agent": STAFF}
    )  # before the call opened
    out["note"].append({**out["note"][0], "note": 7})  # out of the 0-5 scale
    last_rejected = ranked[-1][1]
    out["decision"].append(  # an award to a project found ineligible
        {
            "ref": "FMS12-48",
            "acte": "attribution",
            "par": DECIDER,
            "le": date(2012, 5, 14),
            "montant": "2000.00",
            "motif": "Retenu",
        }
    )
    for row in out["decision"]:  # one review by the person who took the decision
        if row["ref"] == last_rejected and row["acte"] == "approbation":
            row["par"] = DECIDER


def write_examples() -> None:
    from services.training.importing.layout import write_records

    write_records(EXAMPLE, records())
    write_records(EXAMPLE_WITH_REFUSALS, records(with_refusals=True))
