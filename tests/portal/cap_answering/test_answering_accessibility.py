"""The answering pages for a keyboard or screen-reader user, with their errors shown: labels, radio
groups in fieldset/legend, error summary links that take the focus to the field."""

from __future__ import annotations

from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    admin,
    cap_app,
    given_member,
    given_referential,
    given_started,
    principal,
    read,
)
from tests.portal.cap_answering.accessibility import problems
from tests.portal.cap_answering.pages import page, post, submit


def test_the_checker_finds_what_it_looks_for() -> None:
    bad = (
        '<div class="error-summary"><ul><li><a href="#nulle-part">x</a></li><li><a href="#p">y</a></li></ul></div>'
        '<p id="p">texte</p><input type="radio" id="r" name="r"><label for="r">r</label><textarea name="t"></textarea>'
    )
    assert problems(bad) == [
        "textarea t has no label",
        "radio r is not in a fieldset with a legend",
        "the error summary links to #nulle-part, which is not on the page",
        "the error summary links to #p, a p that cannot take the focus",
    ]


async def test_every_field_is_labelled_and_every_error_link_focuses_its_field(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = (await given_started(api, tenant))["id"]
    app, by = cap_app(api), principal(tenant)
    for participant in (by.subject, "marie"):
        app.invite_participant(
            UUID(aid), directory=None, by=by, participant_id=participant, name=participant, kind="staff", sub_themes=()
        )
    app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id=None, level=2)
    last = app.answer(UUID(aid), by=by, indicator="1.1.1", participant_id="marie", level=3)
    await read(api, f"/assessments/{aid}", boss, wait_for=last.notification_id)
    home = f"/cap/{aid}"
    sheet, disagreements, participants = f"{home}/sous-themes/1.1", f"{home}/desaccords", f"{home}/participants"

    for path in (home, sheet, disagreements, participants, f"{home}/soumission", "/cap"):
        assert problems(await page(api, path, boss)) == [], path

    shown_with_errors = [
        await submit(
            api,
            sheet,
            sheet,
            boss,
            {"niveau-1-1-2": "9", "commentaire-1-1-3": "x" * 4001, "pratique-1-1-4": "?", "ameliorer-1-1-1": "oui"},
        ),
        await submit(api, disagreements, f"{disagreements}/1.1.1", boss, {"niveau": "", "pratique": "?"}),
        await submit(api, participants, participants, boss, {"statut": "?", "sous_themes": ["9.9"]}),
        await submit(api, participants, f"{participants}/marie/sous-themes", boss, {"sous_themes": ["9.9"]}),
    ]
    for answer in shown_with_errors:
        assert answer.status_code == 400, answer.text[:1000]
        assert 'class="error-summary"' in answer.text
        assert problems(answer.text) == [], answer.text[:300]
    # A stale page's refusal: its link goes to the message, which takes the focus.
    check = await page(api, f"{home}/soumission", boss)
    moved = app.answer(UUID(aid), by=by, indicator="1.1.2", participant_id=None, level=2)
    await read(api, f"/assessments/{aid}", boss, wait_for=moved.notification_id)
    stale = await post(api, check, f"{home}/soumission", boss)
    assert stale.status_code == 409 and problems(stale.text) == []
