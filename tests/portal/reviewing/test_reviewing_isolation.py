"""Who gets the 404 page on a review (the same page as a missing assessment): a delegate of another
region, the region's delegate not asked, the member's own team, a peer not asked; a review id that
does not exist. The list shows only the reviews asked of the person. A peer reviewer asked reads
and comments as their member."""

from __future__ import annotations

from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    cap_app,
    given_member,
    given_started,
    given_validated,
    principal,
    read,
)
from tests.portal.cap_answering.pages import page, redirected_to, shown, submit
from tests.portal.reviewing.scenario import Review, given_review, version_of

NOT_FOUND = "Page introuvable"


async def refused_everywhere(api: Api, review: Review, headers: dict[str, str]) -> None:
    """Every page and form of the review answers 404, and nothing is written."""
    before = await version_of(api, review)
    for path in (review.address, f"{review.address}/1.1", f"{review.address}/terminer"):
        answer = await api.client.get(path, headers=headers, follow_redirects=False)
        assert answer.status_code == 404 and NOT_FOUND in shown(answer), (path, answer.status_code)
        assert "AI Le Relais" not in shown(answer)
    # The forms, sent with a valid CSRF token (from a page this person may open): 404 as well.
    own_page = "/cap" if headers is review.boss else "/relectures"
    for action, data in (
        (f"{review.address}/1.1", {"indicateur": "1.1.1", "commentaire-1-1-1": "x"}),
        (f"{review.address}/terminer", {"version": "999"}),
    ):
        posted = await submit(api, own_page, action, headers, data)
        assert posted.status_code == 404 and NOT_FOUND in shown(posted), (action, posted.status_code)
    assert await version_of(api, review) == before


async def test_no_one_but_the_reviewer_asked_and_national_staff_sees_a_review(api: Api) -> None:
    review = await given_review(api)
    another_region = api.token("regional_delegate", region="RAL", subject="delegue-ral")
    same_region_not_asked = api.token("regional_delegate", region="NPC", subject="autre-delegue")
    trainer_not_asked = api.token("trainer", region="NPC", subject="formatrice")
    for headers in (another_region, same_region_not_asked, trainer_not_asked, review.boss):
        await refused_everywhere(api, review, headers)
    peer_elsewhere = api.token("peer_reviewer", tenant=given_member(api, name="ACI Ailleurs"), subject="pair")
    await refused_everywhere(api, review, peer_elsewhere)

    missing = await api.client.get(f"/relectures/{review.assessment_id}/r999", headers=review.delegate)
    assert missing.status_code == 404 and NOT_FOUND in shown(missing)
    unknown = await api.client.get(f"/relectures/{UUID(int=7)}/r1", headers=review.delegate)
    assert unknown.status_code == 404 and NOT_FOUND in shown(unknown)

    # The list: mine only.
    assert "AI Le Relais" not in await page(api, "/relectures", another_region)
    assert "Aucune relecture ne vous est demandée." in await page(api, "/relectures", same_region_not_asked)
    member = await api.client.get("/relectures", headers=review.boss)
    assert member.status_code == 403


async def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(api: Api) -> None:
    review = await given_review(api)
    answer = await api.client.get(review.address, follow_redirects=False)
    assert answer.status_code == 303
    assert (
        answer.headers["location"] == f"/connexion?suite=%2Frelectures%2F{review.assessment_id}%2F{review.request_id}"
    )


async def test_a_peer_reviewer_asked_reads_and_comments_as_their_member(api: Api) -> None:
    review = await given_review(api)
    peer = given_member(api, name="EI Les Jardins", region="NPC")
    peer_aid = (await given_started(api, peer))["id"]
    given_validated(api, peer, peer_aid)  # a peer reviewer's member has used le Cap itself
    asked = cap_app(api).request_review(
        UUID(review.assessment_id),
        by=principal(review.tenant),
        kind="peer",
        reviewer_tenant=peer,
        directory=None,
    )
    await read(api, f"/assessments/{review.assessment_id}", review.boss, wait_for=asked.notification_id)
    address = f"/relectures/{review.assessment_id}/r{asked.version}"
    sophie = api.token("peer_reviewer", tenant=peer, subject="sophie")
    listing = await page(api, "/relectures", sophie)
    assert f'href="{address}"' in listing and f'href="{review.address}"' not in listing
    sheet = f"{address}/4.1"
    redirected_to(await submit(api, sheet, sheet, sophie, {"indicateur": "4.1.1", "commentaire-4-1-1": "Bien vu"}))
    assert "« Bien vu »" in await page(api, sheet, sophie)
    # The delegate's review is not the peer's: 404 there, and the peer's is not the delegate's.
    assert (await api.client.get(review.address, headers=sophie)).status_code == 404
    assert (await api.client.get(address, headers=review.delegate)).status_code == 404
    assert "Bien vu" not in shown(await api.client.get(f"{review.address}/4.1", headers=review.delegate))
