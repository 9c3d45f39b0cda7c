"""Builders of the training domain tests (no tests here): a call's terms, an opened call, a funding
application's content and the application brought to the state a test needs, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from services.training.domain.call import Call, CallTerms, EligibilityCriteria, ScoringCriterion
from services.training.domain.eligibility import allowed_maximum, check_eligibility
from services.training.domain.funding_application import FundingApplication
from services.training.domain.values import (
    ApplicationContent,
    CriterionScore,
    Enterprise,
    EnterpriseFacts,
    EnvelopeView,
    Training,
)

OPENS, CLOSES = date(2015, 1, 26), date(2015, 3, 31)


def terms(**overrides: object) -> CallTerms:
    base = CallTerms(
        title="FMS 2015",
        fund_amount=Decimal(725_000),
        envelope=Decimal(290_000),
        opens_on=OPENS,
        closes_on=CLOSES,
        criteria=EligibilityCriteria(True, True, Decimal("0.50"), Decimal("0.70"), Decimal(500)),
        grid=(ScoringCriterion("pertinence", "Pertinence", 3), ScoringCriterion("cout", "Coût", 2)),
        priority_trainings=("Sauveteur secouriste du travail (SST)",),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def opened(**overrides: object) -> Call:
    return Call.open(2015, terms(**overrides), OPENS)


LEAD = Enterprise("lead", "AI du Relais", "BRE", ("AI",))
PARTNER = Enterprise("partner", "ACI du Port", "BRE", ("ACI",))
SST = "Sauveteur secouriste du travail (SST)"
ON = date(2015, 2, 10)
SCORES = (CriterionScore("pertinence", 4, "Solide"), CriterionScore("cout", 3, "Raisonnable"))
ENVELOPE = EnvelopeView(Decimal(290_000), Decimal(290_000), Decimal(287_000))


def content(**overrides: object) -> ApplicationContent:
    base = ApplicationContent(
        title="Former les salariés en parcours",
        summary="Résumé",
        partners=(PARTNER,),
        trainings=(
            Training(SST, True, 14, 10, Decimal("6000.00"), "lead", True),
            Training("Savoirs de base", False, 20, 5, Decimal("2000.00"), "partner", True),
        ),
        requested=Decimal("3000.00"),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def facts(member: Enterprise, accord: date | None = date(2012, 1, 1), status: str = "active") -> EnterpriseFacts:
    return EnterpriseFacts(member.member_id, member.name, member.region, member.forms, status, accord)


def drafted(call: Call | None = None, **overrides: object) -> FundingApplication:
    return FundingApplication.draft(call or opened(), LEAD, content(**overrides), ON)


def submitted(call: Call | None = None, **facts_of: EnterpriseFacts) -> FundingApplication:
    call = call or opened()
    app = drafted(call)
    app.submit(call, ON)
    seen = {"lead": facts(LEAD), "partner": facts(PARTNER), **facts_of}
    checks = check_eligibility(app.lead, app.content, call.terms, seen, ON)
    app.record_eligibility(checks, tuple(seen.values()), allowed_maximum(app.content, call.terms), ON)
    return app


def scored(call: Call | None = None) -> tuple[FundingApplication, Call]:
    call = call or opened()
    app = submitted(call)
    app.assign_reviewer("rev-1", None)
    app.score_by("rev-1", None, True, call.terms.grid, SCORES, ON)
    return app, call


def decided(amount: str = "3000.00") -> tuple[FundingApplication, Call]:
    app, call = scored()
    app.decide_award(Decimal(amount), Decimal("4600.00"), "Retenu", ENVELOPE, "staff-1", ON)
    return app, call


# --- the applicant's side -----------------------------------------------------------------------------


def approved() -> tuple[FundingApplication, Call]:
    app, call = decided()
    app.review(True, "", "staff-2", ON)
    return app, call
