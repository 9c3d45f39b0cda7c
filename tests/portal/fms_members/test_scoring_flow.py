"""The fund reviewer's pages: my assignments, the declaration of interest before the grid, the
scoring with the call's grid and its weighted total, and recusal (a declared conflict)."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.portal.cap_answering.pages import post, shown
from tests.portal.fms_members.scenario import (
    BASE,
    SST,
    admin,
    draft_form,
    given_assigned,
    given_call,
    given_members,
    given_submitted_through_pages,
    page,
    redirected_to,
    submit,
)

GRID = {
    "note-pertinence": "4",
    "commentaire-pertinence": "Projet solide",
    "note-cout": "3",
    "commentaire-cout": "Correct",
}


async def test_a_reviewer_declares_no_conflict_then_scores_and_sees_the_weighted_total(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    application_id = await given_submitted_through_pages(api, call, lead)
    reviewer = await given_assigned(api, application_id)
    listed = await page(api, "/fms/evaluations", reviewer)
    assert "Former nos salariés" in listed and "à noter" in listed
    url = f"/fms/evaluations/{application_id}"
    shown = await page(api, url, reviewer)
    assert "Déclaration d'intérêts" in shown and "Pertinence du projet" not in shown  # no grid before it
    answer = await submit(api, url, f"{url}/declaration", reviewer, {"declaration": "aucun"})
    grid_url = redirected_to(answer)
    assert grid_url == f"{url}/notation?declaration=aucun-conflit"
    grid = await page(api, grid_url, reviewer)
    assert "Pertinence du projet (poids 3 sur 5)" in grid
    answer = await submit(api, grid_url, f"{url}/notation", reviewer, GRID)
    assert redirected_to(answer) == url
    scored = await page(api, url, reviewer)
    # (4 × 3 + 3 × 2) / (5 × 5) × 100 = 72
    assert "72,00 / 100" in scored and "Projet solide" in scored
    assert "notée" in await page(api, "/fms/evaluations", reviewer)


async def test_the_grid_waits_for_the_declaration(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    reviewer = await given_assigned(api, application_id)
    url = f"/fms/evaluations/{application_id}"
    answer = await api.client.get(f"{url}/notation", headers=reviewer, follow_redirects=False)
    assert redirected_to(answer) == url
    # A grid posted without the declaration is refused by the domain, beside it; nothing written.
    fields = {**GRID, "declaration": ""}
    answer = await submit(api, f"{url}/notation?declaration=aucun-conflit", f"{url}/notation", reviewer, fields)
    assert answer.status_code == 422 and "Déclarez l'absence de conflit d'intérêts" in answer.text.replace("&#39;", "'")
    stored = await api.client.get(f"{BASE}/applications/{application_id}", headers=api.staff)
    assert stored.json()["scores"] == []


async def test_a_missing_note_or_comment_is_named_and_nothing_is_written(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    reviewer = await given_assigned(api, application_id)
    url = f"/fms/evaluations/{application_id}"
    grid_url = f"{url}/notation?declaration=aucun-conflit"
    answer = await submit(
        api, grid_url, f"{url}/notation", reviewer, {**GRID, "note-cout": "", "commentaire-pertinence": ""}
    )
    text = answer.text.replace("&#39;", "'")
    assert answer.status_code == 400
    assert 'id="note-cout-0-erreur"' in text and "Coût par stagiaire : choisissez une note de 0 à 5." in text
    assert "Pertinence du projet : expliquez la note" in text
    stored = await api.client.get(f"{BASE}/applications/{application_id}", headers=api.staff)
    assert stored.json()["scores"] == []


async def test_a_reviewer_with_a_conflict_steps_aside_and_no_longer_sees_the_application(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    reviewer = await given_assigned(api, application_id)
    url = f"/fms/evaluations/{application_id}"
    answer = await submit(api, url, f"{url}/declaration", reviewer, {"declaration": "conflit"})
    assert answer.status_code == 400 and "Décrivez le conflit" in answer.text
    answer = await submit(
        api, url, f"{url}/declaration", reviewer, {"declaration": "conflit", "conflit-raison": "Je siège à son CA"}
    )
    assert redirected_to(answer) == "/fms/evaluations"
    stored = (await api.client.get(f"{BASE}/applications/{application_id}", headers=api.staff)).json()
    [entry] = stored["reviewers"]
    assert entry["conflict_declared_on"] is not None and entry["conflict_reason"] == "Je siège à son CA"
    await page(api, url, reviewer, status=404)
    assert "Former nos salariés" not in await page(api, "/fms/evaluations", reviewer)


async def test_a_reviewer_not_assigned_gets_the_404_page(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    first = await given_submitted_through_pages(api, call, lead)
    second = await given_submitted_through_pages(api, call, lead)
    reviewer = await given_assigned(api, first)
    await page(api, f"/fms/evaluations/{second}", reviewer, status=404)
    await page(api, f"/fms/evaluations/{second}/notation?declaration=aucun-conflit", reviewer, status=404)
    answer = await submit(api, f"/fms/evaluations/{first}", f"/fms/evaluations/{second}/notation", reviewer, GRID)
    assert answer.status_code == 404
    # and a member has no reviewer's page (wrong role)
    await page(api, "/fms/evaluations", admin(api, lead), status=403)


async def test_a_grid_read_before_an_amendment_is_a_409_that_keeps_what_was_typed(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    reviewer = await given_assigned(api, application_id)
    url = f"/fms/evaluations/{application_id}"
    grid = (await api.client.get(f"{url}/notation?declaration=aucun-conflit", headers=reviewer)).text
    amended = f"/fms/candidatures/{application_id}/modification"
    fields = draft_form(
        requested="2500",
        rows=[{"prioritaire": SST, "entreprise": lead, "stagiaires": "12", "heures": "14", "cout": "8000"}],
    )
    redirected_to(await submit(api, amended, amended, admin(api, lead), {**fields, "raison": "Deux de plus"}))
    answer = await post(api, grid, f"{url}/notation", reviewer, GRID)
    text = shown(answer)
    assert answer.status_code == 409 and "La candidature a changé pendant que vous la lisiez" in text
    assert "Projet solide" in text and "2 500,00" in text.replace("\u202f", " ")
    stored = await api.client.get(f"{BASE}/applications/{application_id}", headers=api.staff)
    assert stored.json()["scores"] == []
