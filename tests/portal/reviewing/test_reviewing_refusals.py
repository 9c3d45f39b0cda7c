"""The reviewer's forms refuse what the application would refuse, with the field named and nothing
written: an empty comment, a level without its reason, the level the assessment already has, a
comment on a completed review (422, the application's message), a stale confirmation (409)."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.portal.cap_answering.pages import page, post, redirected_to, shown, submit
from tests.portal.reviewing.scenario import given_review, version_of


async def test_an_empty_comment_is_refused_beside_its_field(api: Api) -> None:
    review = await given_review(api)
    sheet = f"{review.address}/1.2"
    before = await version_of(api, review)
    refused = await submit(api, sheet, sheet, review.delegate, {"indicateur": "1.2.1", "commentaire-1-2-1": "  "})
    assert refused.status_code == 400
    assert 'id="commentaire-1-2-1-erreur"' in refused.text
    assert "Indicateur 1.2.1 : écrivez votre commentaire." in shown(refused)
    assert await version_of(api, review) == before


async def test_a_proposed_level_needs_its_reason_and_keeps_what_was_typed(api: Api) -> None:
    review = await given_review(api)
    sheet = f"{review.address}/1.2"
    before = await version_of(api, review)
    typed = {"indicateur": "1.2.1", "commentaire-1-2-1": "À creuser", "niveau-1-2-1": "4"}
    refused = await submit(api, sheet, sheet, review.delegate, typed)
    assert refused.status_code == 400 and 'id="raison-1-2-1-erreur"' in refused.text
    assert "Indicateur 1.2.1 : dites pourquoi vous proposez le niveau 4." in shown(refused)
    assert ">À creuser</textarea>" in shown(refused) and 'value="4" checked' in refused.text
    assert await version_of(api, review) == before


async def test_proposing_the_level_the_assessment_has_is_the_applications_refusal(api: Api) -> None:
    review = await given_review(api)
    sheet = f"{review.address}/1.2"
    before = await version_of(api, review)
    same = {"indicateur": "1.2.1", "commentaire-1-2-1": "ok", "niveau-1-2-1": "2", "raison-1-2-1": "pareil"}
    refused = await submit(api, sheet, sheet, review.delegate, same)
    assert refused.status_code == 422
    assert "L'évaluation a déjà le niveau 2 pour 1.2.1." in shown(refused)
    assert await version_of(api, review) == before


async def test_an_indicator_of_another_sub_theme_or_an_unknown_level_is_refused(api: Api) -> None:
    review = await given_review(api)
    sheet = f"{review.address}/1.2"
    before = await version_of(api, review)
    elsewhere = await submit(api, sheet, sheet, review.delegate, {"indicateur": "1.1.1", "commentaire-1-1-1": "x"})
    assert elsewhere.status_code == 400 and "quel indicateur il commente" in shown(elsewhere)
    odd = {"indicateur": "1.2.1", "commentaire-1-2-1": "x", "niveau-1-2-1": "9", "raison-1-2-1": "y"}
    refused = await submit(api, sheet, sheet, review.delegate, odd)
    assert refused.status_code == 400 and 'id="niveau-1-2-1-erreur"' in refused.text
    assert await version_of(api, review) == before


async def test_a_comment_on_a_completed_review_is_refused_with_the_applications_message(api: Api) -> None:
    review = await given_review(api)
    sheet = f"{review.address}/1.2"
    form = await api.client.get(sheet, headers=review.delegate)  # the form, read before completing
    confirm = f"{review.address}/terminer"
    confirmation = (await api.client.get(confirm, headers=review.delegate)).text
    redirected_to(await post(api, confirmation, confirm, review.delegate))
    before = await version_of(api, review)
    refused = await post(api, form.text, sheet, review.delegate, {"indicateur": "1.2.1", "commentaire-1-2-1": "tard"})
    assert refused.status_code == 422
    assert f"La relecture {review.request_id} est terminée." in shown(refused)
    assert 'name="indicateur"' not in refused.text  # the page that answers is read-only
    assert await version_of(api, review) == before
    again = await post(api, confirmation, confirm, review.delegate)  # completing twice: the page is stale
    assert again.status_code == 409 and "La relecture est terminée : elle se lit" in shown(again)
    assert await version_of(api, review) == before


async def test_a_stale_confirmation_is_refused_and_shows_the_fresh_proposals(api: Api) -> None:
    review = await given_review(api)
    confirm = f"{review.address}/terminer"
    stale = (await api.client.get(confirm, headers=review.delegate)).text
    sheet = f"{review.address}/1.2"
    late = {"indicateur": "1.2.1", "commentaire-1-2-1": "vu", "niveau-1-2-1": "3", "raison-1-2-1": "d'un autre onglet"}
    redirected_to(await submit(api, sheet, sheet, review.delegate, late))
    before = await version_of(api, review)
    refused = await post(api, stale, confirm, review.delegate)
    assert refused.status_code == 409
    assert "L'évaluation a changé pendant que vous relisiez cette page" in shown(refused)
    assert "d'un autre onglet" in shown(refused)  # the fresh list has the late proposal
    assert await version_of(api, review) == before
    redirected_to(await post(api, refused.text, confirm, review.delegate))  # confirmed again: done
    assert "terminée le" in await page(api, review.address, review.delegate)


async def test_a_bad_filter_or_page_number_is_a_400_page_and_an_unknown_sub_theme_a_404(api: Api) -> None:
    review = await given_review(api)
    unknown = await api.client.get(f"{review.address}/9.9", headers=review.delegate)
    assert unknown.status_code == 404 and "Page introuvable" in shown(unknown)
    second = await page(api, "/relectures?page=2", review.delegate)
    assert 'rel="prev"' in second and 'rel="next"' not in second
    for query in ("etat=toutes-les-autres", "page=0", "page=abc"):
        answer = await api.client.get(f"/relectures?{query}", headers=review.delegate)
        assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/html")
