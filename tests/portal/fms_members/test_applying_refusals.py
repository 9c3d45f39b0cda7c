"""What the member's pages refuse, and what they then show: another enterprise's application is
the 404 page, a colleague's save made meanwhile is a 409 with the fresh page, a typing mistake
names its field, the domain's refusals sit beside their field (after the closing date, a
submission without training, an amendment once scored), and nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers.api import Api
from tests.helpers.training_api import given_awarded, given_scored, staff
from tests.helpers.training_application import training_app
from tests.portal.cap_answering.pages import post, shown
from tests.portal.fms_members.scenario import (
    SST,
    admin,
    application_json,
    caught_up,
    contributor,
    draft_form,
    given_call,
    given_members,
    given_submitted_through_pages,
    page,
    redirected_to,
    started,
    submit,
)

ROW = {"prioritaire": SST, "stagiaires": "10", "heures": "14", "cout": "8000"}


async def test_another_enterprise_gets_the_404_page_and_writes_nothing(api: Api) -> None:
    lead, other = await given_members(api, 2)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    for path in (url, f"{url}/depot", f"{url}/modification", f"{url}/modifications"):
        text = await page(api, path, admin(api, other), status=404)
        assert "Page introuvable" in text and "Former nos salariés" not in text
    answer = await submit(api, "/fms", url, admin(api, other), draft_form(title="Pris", rows=[ROW]))
    assert answer.status_code == 404
    assert (await application_json(api, application_id, admin(api, lead)))["title"] == "Former nos salariés"
    assert "Former nos salariés" not in await page(api, "/fms", admin(api, other))


async def test_a_colleagues_save_meanwhile_is_a_409_with_the_fresh_page(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    mine = (await api.client.get(url, headers=admin(api, lead))).text
    theirs = (await api.client.get(url, headers=contributor(api, lead))).text
    redirected_to(await post(api, theirs, url, contributor(api, lead), draft_form(title="Titre du collègue", rows=[])))
    answer = await post(api, mine, url, admin(api, lead), draft_form(title="Mon titre", rows=[]))
    assert answer.status_code == 409
    text = shown(answer)
    assert "Quelqu'un a modifié cette candidature" in text and 'value="Titre du collègue"' in text
    assert (await application_json(api, application_id, admin(api, lead)))["title"] == "Titre du collègue"


async def test_a_typing_mistake_names_its_field_and_nothing_is_written(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    before = await application_json(api, application_id, admin(api, lead))
    fields = draft_form(requested="trois mille", rows=[{**ROW, "stagiaires": "dix", "cout": "8000,123"}])
    answer = await submit(api, url, url, admin(api, lead), fields)
    text = shown(answer)
    assert answer.status_code == 400
    assert 'id="montant-erreur"' in text and "Indiquez le cofinancement demandé en euros" in text
    assert 'id="formation-1-stagiaires-erreur"' in text and 'id="formation-1-cout-erreur"' in text
    assert 'value="dix"' in text  # what was typed is shown again
    assert (await application_json(api, application_id, admin(api, lead)))["version"] == before["version"]


async def test_a_submission_without_training_is_refused_beside_the_trainings(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}/depot"
    answer = await submit(api, url, url, admin(api, lead))
    assert answer.status_code == 422
    assert "Une candidature déposée prévoit au moins une formation." in shown(answer)
    assert (await application_json(api, application_id, admin(api, lead)))["status"] == "draft"


async def test_after_the_closing_date_editing_and_submitting_are_refused(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    application_id = await started(api, call, lead)
    url = f"/fms/candidatures/{application_id}"
    redirected_to(await submit(api, url, url, admin(api, lead), draft_form(rows=[ROW])))
    form = (await api.client.get(url, headers=admin(api, lead))).text
    check = (await api.client.get(f"{url}/depot", headers=admin(api, lead))).text
    training_app(api.client.app.state.platform).clock = lambda: datetime.now(UTC) + timedelta(days=40)
    answer = await post(api, form, url, admin(api, lead), draft_form(title="Trop tard", rows=[ROW]))
    assert answer.status_code == 422 and "L'appel à projets a clos le" in shown(answer)
    answer = await post(api, check, f"{url}/depot", admin(api, lead))
    assert answer.status_code == 422 and "L'appel à projets a clos le" in shown(answer)
    stored = await application_json(api, application_id, admin(api, lead))
    assert (stored["title"], stored["status"]) == ("Former nos salariés", "draft")
    assert "Aucun appel à projets n'est ouvert aujourd'hui." in await page(api, "/fms", admin(api, lead))


async def test_an_amendment_once_scored_is_refused_and_a_reason_is_required(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}/modification"
    fields = draft_form(requested="2500", rows=[{**ROW, "entreprise": lead}])
    answer = await submit(api, url, url, admin(api, lead), fields)
    assert answer.status_code == 400 and "Indiquez la raison de la modification." in shown(answer)
    await caught_up(api, application_id, await given_scored(api, {"id": application_id}))
    answer = await submit(api, url, url, admin(api, lead), {**fields, "raison": "Moins cher"})
    assert answer.status_code == 422 and "La candidature a déjà été notée" in shown(answer)
    assert (await application_json(api, application_id, admin(api, lead)))["amendments"] == 0


async def test_a_withdrawal_needs_a_reason(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    answer = await submit(api, url, f"{url}/retrait", admin(api, lead), {"raison-retrait": ""})
    assert answer.status_code == 400 and "Indiquez pourquoi vous retirez la candidature" in shown(answer)
    answer = await submit(api, url, f"{url}/retrait", admin(api, lead), {"raison-retrait": "Projet reporté"})
    assert redirected_to(answer) == url
    assert (await application_json(api, application_id, admin(api, lead)))["status"] == "withdrawn"


async def test_the_outcome_shows_once_approved_with_the_letter_and_actuals_are_reported(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    await given_scored(api, {"id": application_id})
    await caught_up(api, application_id, await given_awarded(api, {"id": application_id}, amount="2800.00"))
    text = (await page(api, url, admin(api, lead))).replace("\u202f", " ")
    assert "Une aide de" in text and "2 800,00" in text and f"{url}/lettre.pdf" in text
    assert "Déclarer les réalisations" in text
    answer = await submit(
        api,
        url,
        f"{url}/realisations",
        admin(api, lead),
        {"realise-1-stagiaires": "9", "realise-1-heures": "14", "realise-1-cout": "7500"},
    )
    assert redirected_to(answer) == url
    stored = await application_json(api, application_id, admin(api, lead))
    assert stored["actuals"] == [{"training": 0, "trainees": 9, "hours": 14, "cost": "7500.00"}]


async def test_a_partner_unknown_to_the_register_is_refused_beside_the_partner(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    answer = await submit(api, url, url, admin(api, lead), draft_form(partner="pas-un-adherent", rows=[]))
    text = shown(answer)
    assert answer.status_code == 422 and 'id="partenaire-1-erreur"' in text
    assert "Entreprise(s) inconnue(s) du registre des adhérents : pas-un-adherent." in text
    assert (await application_json(api, application_id, admin(api, lead)))["content"]["partners"] == []


async def test_a_title_longer_than_the_api_takes_is_refused(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    answer = await submit(api, url, url, admin(api, lead), draft_form(title="x" * 301, rows=[]))
    assert answer.status_code == 400 and "Le titre tient en 300 caractères au plus." in shown(answer)
    assert (await application_json(api, application_id, admin(api, lead)))["title"] == "Former nos salariés"


async def test_a_rejection_shows_its_reason_only_once_approved(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    api_url = f"/api/training/applications/{application_id}"
    decided = await api.client.post(
        f"{api_url}/decision", json={"outcome": "reject", "reason": "Enveloppe épuisée"}, headers=staff(api, "marie")
    )
    assert decided.status_code == 200, decided.text
    await caught_up(api, application_id, decided.json())
    waiting = await page(api, url, admin(api, lead))
    assert "en cours d'instruction" in waiting and "Enveloppe épuisée" not in waiting
    approved = await api.client.post(f"{api_url}/review", json={"outcome": "approve"}, headers=staff(api, "paul"))
    assert approved.status_code == 200, approved.text
    await caught_up(api, application_id, approved.json())
    text = await page(api, url, admin(api, lead))
    assert "La candidature n'est pas retenue" in text and "Motif : Enveloppe épuisée" in text
    assert f"{url}/lettre.pdf" in text
