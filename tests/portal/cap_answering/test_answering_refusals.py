"""What the answering pages refuse: another member's assessment does not exist for a member's admin
(404 on every page and form, nothing written), a bad form value comes back beside its field (400,
nothing written), and a contributor cannot take the admin's decisions (403)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    admin,
    cap_app,
    contributor,
    given_member,
    given_referential,
    given_started,
    given_submitted,
    principal,
    read,
)
from tests.portal.cap_answering.pages import page, redirected_to, shown, submit


async def version_of(api: Api, aid: str, headers: dict[str, str]) -> int:
    return int((await read(api, f"/assessments/{aid}", headers))["version"])


async def given_divergent(api: Api, tenant: str) -> str:
    """An assessment in progress where two participants disagree on 1.1.1; its id."""
    started = await given_started(api, tenant)
    aid = started["id"]
    app, by = cap_app(api), principal(tenant)
    for participant in (by.subject, "marie"):
        app.invite_participant(
            UUID(aid), directory=None, by=by, participant_id=participant, name=participant, kind="staff", sub_themes=()
        )
    app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id=None, level=2)
    last = app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id="marie", level=3)
    await read(api, f"/assessments/{aid}", admin(api, tenant), wait_for=last.notification_id)
    return str(aid)


async def test_another_members_admin_gets_404_on_every_page_and_form_and_nothing_is_written(api: Api) -> None:
    given_referential(api)
    tenant, other = given_member(api), given_member(api, name="AI Voisine")
    boss, stranger = admin(api, tenant), admin(api, other)
    aid = await given_divergent(api, tenant)
    before = await version_of(api, aid, boss)
    home = f"/cap/{aid}"
    for path in ("", "/participants", "/sous-themes/1.1", "/desaccords", "/soumission", "/relecture", "/validation"):
        assert (await api.client.get(home + path, headers=stranger)).status_code == 404, path
    forms: list[tuple[str, dict[str, Any]]] = [
        ("/participants", {"personne": "intrus", "statut": "staff"}),
        ("/participants/marie/sous-themes", {"sous_themes": ["1.1"]}),
        ("/sous-themes/1.1", {"niveau-1-1-1": "4"}),
        ("/desaccords/1.1.1", {"niveau": "4", "raison": "intrus"}),
        ("/soumission", {}),
        ("/relecture", {"genre": "third_party", "relecteur": "d"}),
        ("/propositions/p1/acceptation", {}),
        ("/propositions/p1/refus", {"raison": "non"}),
        ("/validation", {}),
    ]
    for path, data in forms:
        answer = await submit(api, "/cap", home + path, stranger, data)  # the stranger's own page gives a token
        assert answer.status_code == 404, (path, answer.status_code)
        assert "Cette page n'existe pas" in shown(answer) or "aucune évaluation" in shown(answer)
    assert await version_of(api, aid, boss) == before
    # Their own list does not show it either.
    assert aid not in await page(api, "/cap", stranger)


async def test_a_bad_form_value_comes_back_beside_its_field_and_nothing_is_written(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = await given_divergent(api, tenant)
    home = f"/cap/{aid}"
    before = await version_of(api, aid, boss)

    sheet = f"{home}/sous-themes/1.1"
    refused = await submit(api, sheet, sheet, boss, {"niveau-1-1-2": "2", "niveau-1-1-3": "7"})
    assert refused.status_code == 400
    text = shown(refused)
    assert "Il y a un problème" in text  # the summary at the top
    assert 'id="niveau-1-1-3-erreur"' in text and "Indicateur 1.1.3 : choisissez un des quatre niveaux." in text
    assert 'aria-describedby="niveau-1-1-3-erreur"' in text  # the radios' fieldset points to it
    assert 'value="2" checked' in text  # what was typed is kept

    disagreements = f"{home}/desaccords"
    refused = await submit(api, disagreements, f"{disagreements}/1.1.1", boss, {"niveau": "7", "raison": "?"})
    assert refused.status_code == 400 and 'id="niveau-1-1-1-erreur"' in refused.text

    participants = f"{home}/participants"
    refused = await submit(api, participants, participants, boss, {"personne": "", "statut": "x"})
    assert refused.status_code == 400
    assert 'id="personne-erreur"' in refused.text and 'id="statut-erreur"' in refused.text
    assert await version_of(api, aid, boss) == before

    # A refusal by the assessment itself (a participant already invited): 422, in French, nothing written.
    refused = await submit(
        api, participants, participants, boss, {"personne": principal(tenant).subject, "statut": "staff"}
    )
    assert refused.status_code == 422 and "participe déjà à cette évaluation." in shown(refused)
    assert await version_of(api, aid, boss) == before


async def test_a_rejection_without_a_reason_is_refused_beside_its_field(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = (await given_started(api, tenant))["id"]
    given_submitted(api, tenant, aid, level=2)
    requested = cap_app(api).request_review(
        UUID(aid),
        directory=None,
        by=principal(tenant),
        kind="third_party",
        reviewer_id="delegue",
        reviewer_role="trainer",
        reviewer_tenant=None,
    )
    await read(api, f"/assessments/{aid}", boss, wait_for=requested.notification_id)
    delegate = api.token("trainer", region="NPC", subject="delegue")
    request_id = (await read(api, f"/assessments/{aid}/review-requests", delegate))[0]["request_id"]
    made = await api.client.post(
        f"{BASE}/assessments/{aid}/review-requests/{request_id}/comments",
        headers=delegate,
        json={"indicator": "2.1.1", "comment": "vu", "proposed_level": 3, "reason": "en place"},
    )
    proposal = made.json()["proposal_id"]
    await read(api, f"/assessments/{aid}", boss, wait_for=made.json()["notification_id"])
    before = await version_of(api, aid, boss)

    review = f"/cap/{aid}/relecture"
    unknown_peer = await submit(api, review, review, boss, {"genre": "peer", "pair": "personne"})
    assert unknown_peer.status_code == 422 and 'id="pair-erreur"' in unknown_peer.text
    assert "Aucune personne personne dans l'annuaire." in shown(unknown_peer)
    refused = await submit(api, review, f"/cap/{aid}/propositions/{proposal}/refus", boss, {"raison": "  "})
    assert refused.status_code == 400
    assert f'id="raison-{proposal}-erreur"' in refused.text and "Dites pourquoi l'équipe refuse" in shown(refused)
    assert await version_of(api, aid, boss) == before

    # A contributor reads the proposals but the decision is the admin's.
    colleague = contributor(api, tenant, "paul")
    assert "à décider" in await page(api, review, colleague)
    forbidden = await submit(api, review, f"/cap/{aid}/propositions/{proposal}/acceptation", colleague)
    assert forbidden.status_code == 403
    assert await version_of(api, aid, boss) == before
    redirected_to(await submit(api, review, f"/cap/{aid}/propositions/{proposal}/acceptation", boss))
