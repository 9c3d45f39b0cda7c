"""/fms/instruction/{id}: national staff instruct an application through the real app — what the page
shows, each form's happy path and its refusals (the message beside the field, nothing written)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from tests.helpers.api import Api
from tests.helpers.training_api import BASE, admin
from tests.portal.fms_decisions.scenario import (
    application,
    given_approved,
    given_case,
    given_decided,
    given_scored_case,
    post_form,
    staff,
)


def spaced(words: str) -> str:
    """French figures use narrow and no-break spaces: read as plain spaces."""
    return words.replace("\u202f", " ").replace("\u00a0", " ")


def text(page: str) -> str:
    return spaced(re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))))


def figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found, name
    return spaced(html.unescape(found.group(1)))


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-erreur">(.*?)</p>', page, re.DOTALL)
    assert found, f"no message beside {name}"
    return text(found.group(1))


async def test_the_page_shows_applicants_trainings_checks_reviewers_scores_and_the_envelope(api: Api) -> None:
    case = await given_scored_case(api)
    page = await api.client.get(case.page, headers=staff(api, "marie"))
    assert page.status_code == 200, page.text
    words = text(page.text)
    record = await application(api, case)
    assert record["lead_name"] in words and "(cheffe de file)" in words and "(partenaire)" in words
    assert "Sauveteur secouriste du travail (SST)" in words and "Savoirs de base" in words
    assert "Cofinancement dans les plafonds de l'appel" in words
    assert "Hugo Noteur" in words  # the reviewer by their directory name, with their score
    assert "80,00" in words  # 4/5 on every criterion: 80 out of 100
    assert figure(page.text, "avant") == "100 000,00 €"
    assert figure(page.text, "apres") == "97 000,00 €"  # after the amount asked for
    # A required field with a hint keeps both attributes (the shared macro once ran them together).
    assert re.search(r'id="recheck_on"[^>]*\srequired\s+aria-describedby="recheck_on-aide', page.text)


async def test_the_envelope_after_follows_the_amount_typed(api: Api) -> None:
    case = await given_scored_case(api)
    page = await api.client.get(case.page, params={"amount": "1 250,50", "outcome": "award"}, headers=api.staff)
    assert page.status_code == 200, page.text
    assert figure(page.text, "avant") == "100 000,00 €"
    assert figure(page.text, "apres") == "98 749,50 €"


async def test_staff_assign_a_fund_reviewer_of_the_directory(api: Api) -> None:
    case = await given_case(api)
    answer = await post_form(api, f"{case.page}/evaluateurs", case.page, api.staff, {"reviewer_id": case.reviewer_id})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == case.page
    assert [r["reviewer_id"] for r in (await application(api, case))["reviewers"]] == [case.reviewer_id]
    page = await api.client.get(case.page, headers=api.staff)
    assert "Claire Évaluatrice" in re.search(r'<table id="evaluateurs-notes".*?</table>', page.text, re.DOTALL).group(0)


async def test_a_reviewer_of_an_applicant_enterprise_is_refused_beside_the_field(api: Api) -> None:
    case = await given_case(api)
    answer = await post_form(
        api,
        f"{case.page}/evaluateurs",
        case.page,
        api.staff,
        {"reviewer_id": case.reviewer_id, "reviewer_enterprise": case.partner},
    )
    assert answer.status_code == 422
    assert "Conflit d'intérêts : l'évaluateur appartient à une entreprise candidate" in field_error(
        answer.text, "reviewer_id"
    )
    assert (await application(api, case))["reviewers"] == []


async def test_a_decision_records_the_award_and_commits_it_on_the_envelope(api: Api) -> None:
    case = await given_scored_case(api)
    answer = await post_form(
        api,
        f"{case.page}/decision",
        case.page,
        staff(api, "marie"),
        {"outcome": "award", "amount": "2 000,00", "decision_reason": "Projet solide"},
    )
    assert answer.status_code == 303, answer.text
    decision = (await application(api, case))["decision"]
    assert (decision["kind"], Decimal(decision["amount"]), decision["decided_by"]) == ("award", 2000, "marie")
    assert Decimal(decision["envelope"]["available_before"]) == 100000
    assert Decimal(decision["envelope"]["available_after"]) == 98000
    page = await api.client.get(case.page, headers=staff(api, "marie"))
    words = text(page.text)
    assert "Aide de 2 000,00 €" in words and "Retirer ma décision" in words


async def test_an_award_above_the_request_is_refused_beside_the_amount_and_nothing_is_written(api: Api) -> None:
    case = await given_scored_case(api)
    before = await application(api, case)
    answer = await post_form(api, f"{case.page}/decision", case.page, api.staff, {"outcome": "award", "amount": "3500"})
    assert answer.status_code == 422
    assert "dépasse le cofinancement demandé" in field_error(answer.text, "amount")
    after = await application(api, case)
    assert (after["version"], after["decision"]) == (before["version"], None)


async def test_an_amount_that_is_not_one_is_refused_before_anything_is_sent(api: Api) -> None:
    case = await given_scored_case(api)
    answer = await post_form(
        api, f"{case.page}/decision", case.page, api.staff, {"outcome": "award", "amount": "beaucoup"}
    )
    assert answer.status_code == 400
    assert "doit être un montant en euros" in field_error(answer.text, "amount")
    assert (await application(api, case))["decision"] is None


async def test_a_rejection_without_a_reason_is_refused_beside_the_reason(api: Api) -> None:
    case = await given_scored_case(api)
    answer = await post_form(api, f"{case.page}/decision", case.page, api.staff, {"outcome": "reject"})
    assert answer.status_code == 400
    assert "Un rejet est motivé" in field_error(answer.text, "decision_reason")
    assert (await application(api, case))["status"] == "submitted"


async def test_a_stale_page_answers_409_with_the_fresh_page(api: Api) -> None:
    case = await given_scored_case(api)
    page = await api.client.get(case.page, headers=api.staff)
    old_version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    await given_decided(api, case)
    answer = await post_form(
        api,
        f"{case.page}/decision",
        case.page,
        api.staff,
        {"outcome": "award", "amount": "100", "version": old_version},
    )
    assert answer.status_code == 409
    assert "Quelqu'un a modifié cette candidature" in text(answer.text)
    assert Decimal((await application(api, case))["decision"]["amount"]) == 2500


async def test_the_decider_takes_the_decision_back_and_no_one_else_may(api: Api) -> None:
    case = await given_scored_case(api)
    await given_decided(api, case, by="marie")
    version = str((await application(api, case))["version"])  # paul's page has no such form: sent by hand
    other = await post_form(
        api,
        f"{case.page}/retrait-decision",
        case.page,
        staff(api, "paul"),
        {"withdrawal_reason": "Erreur", "version": version},
    )
    assert other.status_code == 403
    assert "Seul le membre de l'équipe nationale qui a pris la décision peut la retirer" in text(other.text)
    assert (await application(api, case))["status"] == "decided"
    mine = await post_form(
        api, f"{case.page}/retrait-decision", case.page, staff(api, "marie"), {"withdrawal_reason": "Montant à revoir"}
    )
    assert mine.status_code == 303, mine.text
    record = await application(api, case)
    assert (record["status"], record["decision"]) == ("submitted", None)


async def test_a_failed_check_is_overridden_with_a_written_reason(api: Api) -> None:
    case = await given_case(api, accord=False)  # not in the Accord Groupe: the check fails
    record = await application(api, case)
    failed = [c["code"] for c in record["checks"] if not c["passed"]]
    assert record["eligibility"] == "ineligible" and failed
    refused = await post_form(api, f"{case.page}/levee", case.page, api.staff, {"check": failed[0]})
    assert refused.status_code == 400
    assert "Indiquez par écrit pourquoi" in field_error(refused.text, "override_reason")
    assert (await application(api, case))["checks"] == record["checks"]
    for code in failed:
        answer = await post_form(
            api, f"{case.page}/levee", case.page, api.staff, {"check": code, "override_reason": "Adhésion en cours"}
        )
        assert answer.status_code == 303, answer.text
    after = await application(api, case)
    assert after["eligibility"] == "eligible"
    assert all(c["override"]["reason"] == "Adhésion en cours" for c in after["checks"] if not c["passed"])


async def test_eligibility_is_checked_again(api: Api) -> None:
    case = await given_case(api)
    before = await application(api, case)
    answer = await post_form(api, f"{case.page}/eligibilite", case.page, api.staff, {})
    assert answer.status_code == 303, answer.text
    assert (await application(api, case))["version"] == before["version"] + 1


async def test_actuals_and_the_settlement_pro_rata(api: Api) -> None:
    case = await given_scored_case(api)
    await given_approved(api, case, amount="2500.00")
    # Half the first training's trainees, the second as planned.
    fields = {"trainees_0": "5", "hours_0": "14", "cost_0": "4000", "trainees_1": "4", "hours_1": "7", "cost_1": "1000"}
    answer = await post_form(api, f"{case.page}/realisations", case.page, api.staff, fields)
    assert answer.status_code == 303, answer.text
    page = await api.client.get(case.page, headers=api.staff)
    computation = text(re.search(r'<dl class="summary-list" id="calcul-solde">.*?</dl>', page.text, re.DOTALL).group(0))
    # planned 10×14 + 4×7 = 168 trainee-hours; delivered 5×14 + 4×7 = 98: ratio 0.5833
    assert "Heures-stagiaires prévues 168" in computation
    assert "Heures-stagiaires réalisées 98" in computation
    assert "0,5833" in computation
    assert "1 458,33 €" in computation  # 2,500 × 0.58333… floored to the cent
    settled = await post_form(api, f"{case.page}/solde", case.page, api.staff, {})
    assert settled.status_code == 303, settled.text
    record = await application(api, case)
    assert (record["status"], Decimal(record["settled"])) == ("settled", Decimal("1458.33"))


async def test_actuals_that_are_not_counts_are_refused_beside_the_field(api: Api) -> None:
    case = await given_scored_case(api)
    await given_approved(api, case)
    fields = {
        "trainees_0": "cinq",
        "hours_0": "14",
        "cost_0": "4000",
        "trainees_1": "4",
        "hours_1": "7",
        "cost_1": "1000",
    }
    answer = await post_form(api, f"{case.page}/realisations", case.page, api.staff, fields)
    assert answer.status_code == 400
    assert "nombre entier" in field_error(answer.text, "trainees_0")
    assert (await application(api, case))["actuals"] is None


async def test_someone_not_staff_gets_403_and_a_missing_application_404(api: Api) -> None:
    case = await given_scored_case(api)
    for headers in (admin(api, case.lead), api.token("fund_reviewer", subject="x"), api.token("auditor", subject="a")):
        for path in (case.page, f"{case.page}/dossier", "/fms/decisions", f"/fms/decisions/{case.application_id}"):
            answer = await api.client.get(path, headers=headers)
            assert answer.status_code == 403, (path, answer.status_code)
    refused = await api.client.post(
        f"{case.page}/decision", headers=admin(api, case.lead), data={"outcome": "award", "amount": "10"}
    )
    assert refused.status_code == 403
    missing = await api.client.get("/fms/instruction/00000000-0000-4000-8000-000000000000", headers=api.staff)
    assert missing.status_code == 404
    assert (await api.client.get(f"{BASE}/applications/{case.application_id}", headers=api.staff)).json()[
        "decision"
    ] is None


async def test_an_award_beyond_what_is_left_of_the_envelope_is_refused_with_the_amount_available(api: Api) -> None:
    case = await given_scored_case(api, fund_amount="5000.00", envelope="2000.00")
    page = await api.client.get(case.page, params={"amount": "2500"}, headers=api.staff)
    assert figure(page.text, "apres") == "-500,00 €"
    assert "Cette aide dépasse ce qui reste de l'enveloppe." in text(page.text)
    answer = await post_form(api, f"{case.page}/decision", case.page, api.staff, {"outcome": "award", "amount": "2500"})
    assert answer.status_code == 409
    assert "2000.00 € encore disponibles" in text(answer.text)
    assert (await application(api, case))["decision"] is None
