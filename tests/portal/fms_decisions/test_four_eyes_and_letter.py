"""The four-eyes queue and review (/fms/decisions), the decision file as a page, and the decision
letter PDF (/fms/candidatures/{id}/lettre.pdf) read back with pypdf: who gets it, and when."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from services.training.documents.letter_cache import CACHE
from tests.helpers.api import Api
from tests.helpers.training_api import admin
from tests.portal.fms_decisions.scenario import (
    application,
    caught_up,
    given_approved,
    given_decided,
    given_scored_case,
    post_form,
    staff,
)
from tests.portal.fms_decisions.test_instruction import field_error, text


def pdf_text(content: bytes) -> str:
    words = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(words.replace("\u202f", " ").replace("\u00a0", " ").split())  # lines wrap anywhere


async def test_the_queue_lists_decisions_awaiting_review_and_marks_ones_own(api: Api) -> None:
    case = await given_scored_case(api)
    await given_decided(api, case, by="marie")
    page = await api.client.get("/fms/decisions", headers=staff(api, "marie"))
    assert page.status_code == 200, page.text
    queue = re.search(r'<table id="file-quatre-yeux".*?</table>', page.text, re.DOTALL)
    assert queue, page.text
    row = text(queue.group(0))
    assert "Former les salariés en parcours" in row and "Aide de 2 500,00 €" in row
    assert "vous : un collègue doit la relire" in row
    assert f"/fms/decisions/{case.application_id}" in queue.group(0)
    others = await api.client.get("/fms/decisions", headers=staff(api, "paul"))
    assert "vous : un collègue doit la relire" not in others.text


async def test_the_maker_cannot_approve_their_own_decision(api: Api) -> None:
    case = await given_scored_case(api)
    await given_decided(api, case, by="marie")
    review = f"/fms/decisions/{case.application_id}"
    page = await api.client.get(review, headers=staff(api, "marie"))
    assert "Vous avez pris cette décision" in text(page.text)
    answer = await post_form(api, review, review, staff(api, "marie"), {"outcome": "approve"})
    assert answer.status_code == 403
    assert "un autre membre de l'équipe nationale doit la relire" in field_error(answer.text, "outcome")
    assert (await application(api, case))["status"] == "decided"


async def test_a_second_staff_member_approves_from_the_queue(api: Api) -> None:
    case = await given_scored_case(api)
    await given_decided(api, case, by="marie")
    review = f"/fms/decisions/{case.application_id}"
    page = await api.client.get(review, headers=staff(api, "paul"))
    words = text(page.text)
    assert "Aide de 2 500,00 €" in words and "Hugo Noteur" in words  # the decision file: decision and scores
    answer = await post_form(api, review, review, staff(api, "paul"), {"outcome": "approve", "comment": "D'accord"})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/fms/decisions"
    record = await application(api, case)
    assert (record["status"], record["review"]["reviewer_id"], record["review"]["comment"]) == (
        "awarded",
        "paul",
        "D'accord",
    )
    queue = await api.client.get("/fms/decisions", headers=staff(api, "paul"))
    assert "Aucune décision n'attend de relecture." in queue.text


async def test_sending_back_needs_a_comment(api: Api) -> None:
    case = await given_scored_case(api)
    await given_decided(api, case, by="marie")
    review = f"/fms/decisions/{case.application_id}"
    refused = await post_form(api, review, review, staff(api, "paul"), {"outcome": "send_back"})
    assert refused.status_code == 400
    assert "Un renvoi explique ce qui doit être revu" in field_error(refused.text, "comment")
    assert (await application(api, case))["status"] == "decided"
    sent = await post_form(
        api, review, review, staff(api, "paul"), {"outcome": "send_back", "comment": "Montant trop élevé"}
    )
    assert sent.status_code == 303, sent.text
    assert (await application(api, case))["status"] == "sent_back"
    page = await api.client.get(f"/fms/instruction/{case.application_id}", headers=staff(api, "marie"))
    assert "Montant trop élevé" in text(page.text)


async def test_the_decision_file_page_tells_the_whole_story(api: Api) -> None:
    case = await given_scored_case(api)
    await given_approved(api, case)
    page = await api.client.get(f"{case.page}/dossier", headers=api.staff)
    assert page.status_code == 200, page.text
    history = text(re.search(r'<table id="historique".*?</table>', page.text, re.DOTALL).group(0))
    for event in (
        "Candidature déposée",
        "Éligibilité vérifiée",
        "Évaluateur affecté",
        "Candidature notée",
        "Aide décidée",
        "Enveloppe : montant engagé",
        "Décision approuvée (relecture)",
    ):
        assert event in history, event
    words = text(page.text)
    assert "Enveloppe disponible avant la décision 100 000,00 €" in words
    assert "Enveloppe disponible après la décision 97 500,00 €" in words


async def test_staff_download_the_letter_once_a_decision_exists(api: Api) -> None:
    case = await given_scored_case(api)
    letter = f"/fms/candidatures/{case.application_id}/lettre.pdf"
    assert (await api.client.get(letter, headers=api.staff)).status_code == 404  # no decision yet
    await given_decided(api, case)
    answer = await api.client.get(letter, headers=api.staff)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    words = pdf_text(answer.content)
    record = await application(api, case)
    reference = f"FMS-2015-{case.application_id.replace('-', '')[:8].upper()}"
    for expected in (
        "COORACE",
        "Fonds Mutualisés Solidaires",
        record["lead_name"],
        "Appel à projets FMS",
        "une aide vous est accordée",
        "Montant accordé : 2 500,00 €",
        "projet de lettre : la décision n'est pas encore approuvée",
        "au prorata des heures-stagiaires",
        f"Référence : {reference}",
    ):
        assert expected in words, expected
    assert reference in answer.headers["content-disposition"]


async def test_applicants_get_the_letter_only_once_approved_and_another_enterprise_never(api: Api) -> None:
    case = await given_scored_case(api)
    letter = f"/fms/candidatures/{case.application_id}/lettre.pdf"
    await given_decided(api, case)
    assert (await api.client.get(letter, headers=admin(api, case.lead))).status_code == 404
    approved = await api.client.post(
        f"/api/training/applications/{case.application_id}/review",
        json={"outcome": "approve"},
        headers=staff(api, "paul"),
    )
    assert approved.status_code == 200
    await caught_up(api, approved.json())
    lead = await api.client.get(letter, headers=admin(api, case.lead))
    assert lead.status_code == 200, lead.text
    assert "approuvée le" in pdf_text(lead.content)
    partner = await api.client.get(letter, headers=admin(api, case.partner))  # the API shows partners the outcome too
    assert partner.status_code == 200
    other = await api.client.get(letter, headers=admin(api, case.other))
    assert other.status_code == 404
    delegate = await api.client.get(letter, headers=api.token("regional_delegate", region="BRE", subject="d"))
    assert delegate.status_code == 403


async def test_a_rejection_letter_gives_its_reason(api: Api) -> None:
    case = await given_scored_case(api)
    answer = await post_form(
        api,
        f"{case.page}/decision",
        case.page,
        staff(api, "marie"),
        {"outcome": "reject", "decision_reason": "Projet hors du champ de l'appel"},
    )
    assert answer.status_code == 303, answer.text
    letter = await api.client.get(f"/fms/candidatures/{case.application_id}/lettre.pdf", headers=api.staff)
    words = pdf_text(letter.content)
    assert "votre candidature n'est pas retenue" in words
    assert "Motif : Projet hors du champ de l'appel" in words


async def test_a_letter_is_made_once_per_content_and_again_when_the_decision_moves_on(api: Api) -> None:
    case = await given_scored_case(api)
    letter = f"/fms/candidatures/{case.application_id}/lettre.pdf"
    await given_decided(api, case)
    made = CACHE.made
    first = await api.client.get(letter, headers=api.staff)
    again = await api.client.get(letter, headers=api.staff)
    assert first.content == again.content and CACHE.made == made + 1
    approved = await api.client.post(
        f"/api/training/applications/{case.application_id}/review",
        json={"outcome": "approve"},
        headers=staff(api, "paul"),
    )
    assert approved.status_code == 200
    await caught_up(api, approved.json())
    after = await api.client.get(letter, headers=api.staff)
    assert CACHE.made == made + 2
    assert "approuvée le" in pdf_text(after.content)


async def test_the_queue_pages_and_refuses_a_page_that_is_not_one(api: Api) -> None:
    case = await given_scored_case(api)
    await given_decided(api, case)
    second = await api.client.get("/fms/decisions", params={"page": "2"}, headers=api.staff)
    assert second.status_code == 200
    assert "Cette page est au-delà de la file (1 décision en attente)" in text(second.text)
    wrong = await api.client.get("/fms/decisions", params={"page": "0"}, headers=api.staff)
    assert wrong.status_code == 400
