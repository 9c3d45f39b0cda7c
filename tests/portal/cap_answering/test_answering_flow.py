"""le Cap answered through the portal's pages, from the start to the validation, as a member's
team does it (the reviewer's side goes through the API, as the delegate's portal is not built yet)."""

from __future__ import annotations

import re
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    CODES,
    admin,
    cap_app,
    contributor,
    given_member,
    given_referential,
    principal,
    read,
)
from tests.helpers.people import given_person, in_directory
from tests.portal.cap_answering.pages import page, redirected_to, shown, submit


def levels(sub_theme: str, level: int, **overrides: int) -> dict[str, str]:
    """A sub-theme form's levels: every indicator at `level`, some (`i1_1_1=3`) at another."""
    form = {}
    for code in CODES:
        if code.rsplit(".", 1)[0] == sub_theme:
            dashed = code.replace(".", "_")
            form[f"niveau-{code.replace('.', '-')}"] = str(overrides.get(f"i{dashed}", level))
    return form


async def test_a_team_answers_settles_submits_asks_a_review_decides_and_validates(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss_id = given_person(api, "member_admin", tenant=tenant, name="Claire Martin")
    marie_id = given_person(api, "member_contributor", tenant=tenant, name="Marie Durand")
    delegate_id = given_person(api, "regional_delegate", region="NPC", name="Yann Kerouac")
    await in_directory(api)
    boss = admin(api, tenant, boss_id)
    marie = contributor(api, tenant, marie_id)

    listing = await page(api, "/cap", boss)
    assert "Commencer une auto-évaluation" in listing
    location = redirected_to(await submit(api, "/cap", "/cap", boss))
    assert location.endswith("?fait=commencee")
    home = location.split("?")[0]
    aid = home.rsplit("/", 1)[1]
    summary = await page(api, location, boss)
    assert "L'auto-évaluation est commencée." in summary and "en cours" in summary
    assert "0 sur 38" in summary  # the progress, as text
    assert "Continuer" in await page(api, "/cap", boss)

    # The admin invites themself (every sub-theme) and Marie (sub-theme 1.1 only), chosen among
    # the member's people in the directory (their names are the directory's).
    participants = f"{home}/participants"
    offered = await page(api, participants, boss)
    assert f'<option value="{marie_id}" >Marie Durand</option>' in offered and 'href="/equipe"' in offered
    for data in (
        {"personne": boss_id, "statut": "staff"},
        {"personne": marie_id, "statut": "volunteer", "sous_themes": ["1.1"]},
    ):
        redirected_to(await submit(api, participants, participants, boss, data))
    listed = await page(api, participants, boss)
    assert "Marie Durand" in listed and "Claire Martin" in listed
    # Assigning sub-themes: Marie takes 1.1 and 1.2.
    redirected_to(
        await submit(api, participants, f"{participants}/{marie_id}/sous-themes", boss, {"sous_themes": ["1.1", "1.2"]})
    )
    assert "1.1, 1.2" in await page(api, participants, boss)

    # Both answer sub-theme 1.1, in their own names, with one level apart on 1.1.1.
    sheet = f"{home}/sous-themes/1.1"
    form = await page(api, sheet, boss)
    assert "Les instances de gouvernance" in form  # the question
    assert "Répondez à partir des comptes rendus" in form  # its help
    assert "Pas engagé" in form and "Exemplaire / partagé" in form  # its levels in words
    redirected_to(await submit(api, sheet, sheet, boss, levels("1.1", 2)))
    saved = redirected_to(
        await submit(api, sheet, sheet, marie, {**levels("1.1", 2, i1_1_1=3), "commentaire-1-1-1": "CA ouvert"})
    )
    assert saved == f"{sheet}?fait=enregistre"
    assert 'value="3" checked' in await page(api, sheet, marie)

    # The disagreement, side by side, then settled.
    disagreements = f"{home}/desaccords"
    side_by_side = await page(api, disagreements, boss)
    assert "Marie Durand" in side_by_side and "Claire Martin" in side_by_side and "CA ouvert" in side_by_side
    assert "1.1.1" in side_by_side and "1.1.2" not in side_by_side
    redirected_to(
        await submit(api, disagreements, f"{disagreements}/1.1.1", boss, {"niveau": "3", "raison": "vu en réunion"})
    )
    settled = await page(api, disagreements, boss)
    assert "rien à arbitrer" in settled and "niveau 3 retenu (vu en réunion)" in settled

    # One answer flagged « à revoir » blocks the submission, with the assessment's French message.
    flagged = f"{home}/sous-themes/1.2"
    redirected_to(await submit(api, flagged, flagged, boss, {**levels("1.2", 3), "revoir-1-2-1": "oui"}))
    app, by = cap_app(api), principal(tenant, boss_id)
    for code in CODES:
        if not code.startswith(("1.1.", "1.2.")):
            last = app.answer(UUID(aid), by=by, indicator=code, participant_id=None, level=3)
    await read(api, f"/assessments/{aid}", boss, wait_for=last.notification_id)
    check = await page(api, f"{home}/soumission", boss)
    assert "Tous les indicateurs ont une réponse." in check and "1.2.1" in check
    refused = await submit(api, f"{home}/soumission", f"{home}/soumission", boss)
    assert refused.status_code == 422
    assert "Des réponses sont marquées « à revoir » : 1.2.1." in shown(refused)
    redirected_to(await submit(api, flagged, flagged, boss, levels("1.2", 3)))
    assert redirected_to(await submit(api, f"{home}/soumission", f"{home}/soumission", boss)).endswith("fait=soumise")
    assert "soumise" in await page(api, home, boss)

    # A review by the region's delegate: asked on the page, done through the API.
    review = f"{home}/relecture"
    assert f'<option value="{delegate_id}" >Yann Kerouac (délégué·e régional·e)</option>' in await page(
        api, review, boss
    )
    redirected_to(await submit(api, review, review, boss, {"genre": "third_party", "relecteur": delegate_id}))
    assert "délégué·e régional·e Yann Kerouac" in await page(api, review, boss)
    delegate = api.token("regional_delegate", region="NPC", subject=delegate_id)
    request_id = (await read(api, f"/assessments/{aid}/review-requests", delegate))[0]["request_id"]
    path = f"{BASE}/assessments/{aid}/review-requests/{request_id}"
    proposals = []
    for indicator, level, reason in (("3.4.1", 2, "contrats à revoir"), ("1.1.1", 2, "AG sans débat")):
        made = await api.client.post(
            f"{path}/comments",
            headers=delegate,
            json={"indicator": indicator, "comment": "vu sur place", "proposed_level": level, "reason": reason},
        )
        assert made.status_code == 200, made.text
        proposals.append(made.json()["proposal_id"])
    done = await api.client.post(f"{path}/completion", headers=delegate, json={"summary": "Relecture faite"})
    assert done.status_code == 200, done.text
    await read(api, f"/assessments/{aid}", boss, wait_for=done.json()["notification_id"])

    decisions = await page(api, review, boss)
    assert "contrats à revoir" in decisions and "AG sans débat" in decisions and "à décider" in decisions
    first, second = proposals
    redirected_to(await submit(api, review, f"{home}/propositions/{first}/acceptation", boss))
    redirected_to(
        await submit(api, review, f"{home}/propositions/{second}/refus", boss, {"raison": "notre AG débat vraiment"})
    )
    decided = await page(api, review, boss)
    assert "acceptée" in decided and "refusée : notre AG débat vraiment" in decided

    validated = redirected_to(await submit(api, f"{home}/validation", f"{home}/validation", boss))
    assert validated.endswith("fait=validee")
    final = await page(api, validated, boss)
    assert "L'évaluation est validée." in final and re.search(r'<span class="tag">validée</span>', final)
    answers = {a["indicator"]: a for a in (await read(api, f"/assessments/{aid}/answers", boss))["answers"]}
    assert (answers["3.4.1"]["level"], answers["3.4.1"]["source"]) == (2, "review")
    assert (answers["1.1.1"]["level"], answers["1.1.1"]["source"]) == (3, "settled")
