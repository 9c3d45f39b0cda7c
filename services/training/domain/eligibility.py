"""Eligibility: the call's criteria checked against an application and the register's facts.

A pure function: it returns every check with what it expected and what it saw, so that the
`EligibilityChecked` event (and the decision file built from it) explains the outcome without
looking anything up again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal

from services.training.domain.call import CallTerms
from services.training.domain.money import floor_cents
from services.training.domain.values import ApplicationContent, Check, Enterprise, EnterpriseFacts

MEMBER_STATUS_LABELS = {"active": "actif", "resigned": "démissionnaire", "excluded": "exclu"}


def allowed_maximum(content: ApplicationContent, terms: CallTerms) -> Decimal:
    """The most the criteria allow: each training's cost at its co-funding rate (the priority
    trainings' rate for those), within the ceiling per trainee."""
    c = terms.criteria
    by_rate = sum(
        (t.cost * (c.priority_cofunding_rate if t.priority else c.max_cofunding_rate) for t in content.trainings),
        Decimal(0),
    )
    by_trainees = c.max_per_trainee * content.trainees
    return floor_cents(min(by_rate, by_trainees))


def check_eligibility(
    lead: Enterprise,
    content: ApplicationContent,
    terms: CallTerms,
    facts: Mapping[str, EnterpriseFacts | None],
    on: date,
    *,
    joined_later: Collection[str] = (),
) -> tuple[Check, ...]:
    """`facts` are the register's facts on `on` (the call's closing date); `joined_later` the
    enterprises the register knows now but that were not members on that day."""
    checks: list[Check] = []
    for enterprise in (lead, *content.partners):
        later = enterprise.member_id in joined_later
        checks += _enterprise_checks(enterprise, facts.get(enterprise.member_id), terms, on, joined_later=later)
    if terms.criteria.integration_pathway_required:
        others = [t.title for t in content.trainings if not t.integration_pathway]
        checks.append(
            Check(
                code="integration_pathway",
                label="Stagiaires salariés en parcours d'insertion",
                passed=not others,
                expected="toutes les formations s'adressent à des salariés en parcours d'insertion",
                observed="oui" if not others else f"formations pour d'autres publics : {', '.join(others)}",
            )
        )
    maximum = allowed_maximum(content, terms)
    checks.append(
        Check(
            code="cofunding_ceiling",
            label="Cofinancement dans les plafonds de l'appel",
            passed=content.requested <= maximum,
            expected=(
                f"au plus {maximum} € (taux {terms.criteria.max_cofunding_rate:%}, formations prioritaires "
                f"{terms.criteria.priority_cofunding_rate:%}, {terms.criteria.max_per_trainee} € par stagiaire)"
            ),
            observed=f"{content.requested} € demandés pour {content.cost} € de coûts et {content.trainees} stagiaires",
        )
    )
    return tuple(checks)


def _enterprise_checks(
    enterprise: Enterprise, facts: EnterpriseFacts | None, terms: CallTerms, on: date, *, joined_later: bool = False
) -> list[Check]:
    name = enterprise.name
    if facts is None and joined_later:
        return [
            Check(
                code=f"active:{enterprise.member_id}",
                label=f"{name} : adhérent actif",
                passed=False,
                expected=f"statut actif au {on:%d/%m/%Y}",
                observed=f"pas encore adhérent au {on:%d/%m/%Y}",
            )
        ]
    if facts is None:
        return [
            Check(
                code=f"registered:{enterprise.member_id}",
                label=f"{name} : connue du registre des adhérents",
                passed=False,
                expected="une entreprise du registre",
                observed="absente de la copie du registre du service formation",
            )
        ]
    checks = [
        Check(
            code=f"active:{enterprise.member_id}",
            label=f"{facts.name} : adhérent actif",
            passed=facts.status == "active",
            expected=f"statut actif au {on:%d/%m/%Y}",
            observed=f"statut {MEMBER_STATUS_LABELS.get(facts.status, facts.status)}",
        )
    ]
    if terms.criteria.accord_groupe_required:
        since = facts.accord_groupe_since
        checks.append(
            Check(
                code=f"accord_groupe:{enterprise.member_id}",
                label=f"{facts.name} : membre de l'Accord Groupe COORACE – AGEFOS PME",
                passed=since is not None and since <= on,
                expected=f"membre de l'Accord Groupe au {on:%d/%m/%Y}",
                observed=f"membre depuis le {since:%d/%m/%Y}" if since else "non membre",
            )
        )
    return checks
