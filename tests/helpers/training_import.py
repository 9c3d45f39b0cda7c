"""A small past call (2012) as the records of an import file (sheet name → rows of column → value),
for the importer's tests: two applications, one awarded after a send-back (four eyes: marie
decides, paul reviews), one rejected; a top-up after the first decision; actuals and settlement."""

from __future__ import annotations


def past_call(lead: str, partner: str, other: str) -> dict[str, list[dict[str, object]]]:
    """A 2012 call: two applications, one awarded after a send-back (four eyes: marie decides, paul
    reviews), one rejected; a top-up after the first decision; actuals and settlement."""
    return {
        "appel": [
            {
                "annee": 2012,
                "libelle": "test",
                "titre": "Appel à projets FMS 2012",
                "fonds_mutualise": "250000.00",
                "enveloppe": "100000.00",
                "ouverture": "2012-01-16",
                "cloture": "31/03/2012",
                "accord_groupe_requis": "oui",
                "parcours_insertion_requis": "oui",
                "taux_max": "0.50",
                "taux_prioritaire": "0.70",
                "plafond_stagiaire": "800.00",
                "formations_prioritaires": "Sauveteur secouriste du travail",
                "clos_le": "2012-04-01",
                "publie_le": "2012-05-10",
                "agent": "marie",
            }
        ],
        "critere": [
            {"code": "pertinence", "intitule": "Pertinence du projet", "poids": 3},
            {"code": "cout", "intitule": "Coût par stagiaire", "poids": 2},
        ],
        "abondement": [
            {"montant": "50000.00", "motif": "Abondement du partenaire", "le": "2012-04-22", "agent": "marie"}
        ],
        "candidature": [
            application("C01", lead, partners=partner, requested="5000.00"),
            application("C02", other, requested="3000.00"),
        ],
        "formation": [
            training("C01", "", cost="7000.00"),
            training("C01", partner, cost="6000.00"),
            training("C02", "", cost="6000.00"),
        ],
        "note": [
            *scores("C01", "eval-1", 4, 3),
            *scores("C02", "eval-2", 2, 1),
        ],
        "decision": [
            act("C01", "attribution", "marie", "2012-04-20", montant="5000.00", motif="Projet retenu"),
            act("C02", "rejet", "marie", "2012-04-20", motif="Hors des priorités de l'appel"),
            act("C01", "renvoi", "paul", "2012-04-23", motif="Montant à ramener au coût retenu"),
            act("C01", "attribution", "marie", "2012-04-24", montant="4000.00", motif="Projet retenu"),
            act("C01", "approbation", "paul", "2012-04-25"),
            act("C02", "approbation", "paul", "2012-04-25"),
        ],
        "realise": [
            {"ref": "C01", "formation": 1, "stagiaires": 10, "heures": 35, "cout": "7000.00", "le": "2012-11-30"},
            {"ref": "C01", "formation": 2, "stagiaires": 10, "heures": 35, "cout": "6000.00", "le": "2012-11-30"},
        ],
        "solde": [{"ref": "C01", "le": "2012-12-15", "agent": "paul"}],
    }


def application(ref: str, lead: str, *, requested: str, partners: str = "") -> dict[str, object]:
    return {
        "ref": ref,
        "porteur": lead,
        "partenaires": partners,
        "titre": f"Projet {ref}",
        "resume": "Formations des salariés en parcours d'insertion",
        "demande": requested,
        "redigee_le": "2012-02-01",
        "deposee_le": "2012-03-15",
        "agent": "marie",
    }


def training(ref: str, enterprise: str, *, cost: str) -> dict[str, object]:
    return {
        "ref": ref,
        "entreprise": enterprise,
        "intitule": "Sauveteur secouriste du travail",
        "prioritaire": "oui",
        "heures": 35,
        "stagiaires": 10,
        "cout": cost,
        "parcours_insertion": "oui",
    }


def scores(ref: str, reviewer: str, pertinence: int, cout: int) -> list[dict[str, object]]:
    return [
        {
            "ref": ref,
            "evaluateur": reviewer,
            "critere": "pertinence",
            "note": pertinence,
            "commentaire": "Utile",
            "le": "2012-04-10",
        },
        {
            "ref": ref,
            "evaluateur": reviewer,
            "critere": "cout",
            "note": cout,
            "commentaire": "Raisonnable",
            "le": "2012-04-10",
        },
    ]


def act(ref: str, acte: str, par: str, le: str, **more: object) -> dict[str, object]:
    return {"ref": ref, "acte": acte, "par": par, "le": le, **more}
