"""A sub-theme's form is saved whole or not at all, with each answer's practice and « à améliorer »:
one command, one transaction (every new event in one PostgreSQL transaction), a refused indicator
among several writes nothing."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest

from services.assessment.application.answers import IndicatorAnswer
from services.assessment.domain.errors import AssessmentRefused
from shared.database import DatabaseAddress
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    CODES,
    admin,
    cap_app,
    given_member,
    given_referential,
    given_started,
    principal,
    read,
)
from tests.portal.cap_answering.pages import page, redirected_to, shown, submit

SUB_THEME = "1.1"
SHEET_CODES = [c for c in CODES if c.rsplit(".", 1)[0] == SUB_THEME]


def dashed(code: str) -> str:
    return code.replace(".", "-")


async def given_invited(api: Api, tenant: str, sub_themes: tuple[str, ...] = ()) -> str:
    aid = (await given_started(api, tenant))["id"]
    by = principal(tenant)
    invited = cap_app(api).invite_participant(
        UUID(aid),
        directory=None,
        by=by,
        participant_id=by.subject,
        name="Claire Martin",
        kind="staff",
        sub_themes=sub_themes,
    )
    await read(api, f"/assessments/{aid}", admin(api, tenant), wait_for=invited.notification_id)
    return str(aid)


async def my_answers(api: Api, aid: str, headers: dict[str, str]) -> dict[str, dict[str, object]]:
    """Each indicator's answer of the admin, as the API gives it."""
    body = await read(api, f"/assessments/{aid}/answers", headers)
    found = {}
    for answer in body["answers"]:
        for given in answer["participant_answers"]:
            found[answer["indicator"]] = given
    return found


async def test_practice_and_improve_are_on_the_form_in_french_and_saved(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = await given_invited(api, tenant)
    sheet = f"/cap/{aid}/sous-themes/{SUB_THEME}"
    form = await page(api, sheet, boss)
    first = dashed(SHEET_CODES[0])
    assert f"Pour l'indicateur {SHEET_CODES[0]}, la pratique décrite est" in form  # the radio group's legend
    assert f'<label for="pratique-{first}">en place</label>' in form
    assert f'<label for="pratique-{first}-planned">prévue</label>' in form
    assert f'<label for="ameliorer-{first}">À améliorer</label>' in form

    data = {f"niveau-{dashed(c)}": "2" for c in SHEET_CODES}
    data |= {f"pratique-{first}": "planned", f"ameliorer-{dashed(SHEET_CODES[1])}": "oui"}
    redirected_to(await submit(api, sheet, sheet, boss, data))
    saved = await my_answers(api, aid, boss)
    assert (saved[SHEET_CODES[0]]["practice"], saved[SHEET_CODES[0]]["improve"]) == ("planned", False)
    assert (saved[SHEET_CODES[1]]["practice"], saved[SHEET_CODES[1]]["improve"]) == ("in_place", True)
    again = await page(api, sheet, boss)
    assert f'id="pratique-{first}-planned" name="pratique-{first}" value="planned" checked' in again
    assert f'id="ameliorer-{dashed(SHEET_CODES[1])}" name="ameliorer-{dashed(SHEET_CODES[1])}" value="oui"' in again

    # Changing only the practice is a change: it is saved.
    redirected_to(await submit(api, sheet, sheet, boss, {**data, f"pratique-{first}": "in_place"}))
    assert (await my_answers(api, aid, boss))[SHEET_CODES[0]]["practice"] == "in_place"

    # A practice that is not one of the two, or « à améliorer » without a level: 400 beside the field.
    version = (await read(api, f"/assessments/{aid}", boss))["version"]
    refused = await submit(api, sheet, sheet, boss, {**data, f"pratique-{first}": "jamais"})
    assert refused.status_code == 400 and f'id="pratique-{first}-erreur"' in refused.text
    assert "dites si la pratique est en place ou prévue" in shown(refused)
    refused = await submit(api, sheet, sheet, boss, {**data, f"niveau-{first}": "", f"ameliorer-{first}": "oui"})
    assert refused.status_code == 400 and "choisissez un niveau pour enregistrer la réponse" in shown(refused)
    assert (await read(api, f"/assessments/{aid}", boss))["version"] == version


async def test_a_refused_indicator_among_several_writes_nothing(api: Api) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = await given_invited(api, tenant)
    before = (await read(api, f"/assessments/{aid}", boss))["version"]
    sheet = f"/cap/{aid}/sous-themes/{SUB_THEME}"
    last = dashed(SHEET_CODES[-1])
    data = {f"niveau-{dashed(c)}": "3" for c in SHEET_CODES}
    # The last indicator's comment holds a control character: the assessment refuses that answer.
    refused = await submit(api, sheet, sheet, boss, {**data, f"commentaire-{last}": "bell \x07"})
    assert refused.status_code in (400, 422), refused.text[:2000]
    text = shown(refused)
    assert f'id="commentaire-{last}-erreur"' in text and f"Indicateur {SHEET_CODES[-1]} :" in text
    assert (await read(api, f"/assessments/{aid}", boss))["version"] == before
    assert await my_answers(api, aid, boss) == {}

    # The same at the service layer: an indicator the participant is not given, among theirs.
    other = given_member(api, name="AI Voisine")
    mine = await given_invited(api, other, sub_themes=(SUB_THEME,))
    app, by = cap_app(api), principal(other)
    version = app.assessment(UUID(mine)).version
    outside = next(c for c in CODES if not c.startswith(f"{SUB_THEME}."))
    with pytest.raises(AssessmentRefused) as refusal:
        app.answer_indicators(UUID(mine), by=by, answers=[IndicatorAnswer(c, 2) for c in (*SHEET_CODES, outside)])
    assert refusal.value.details["indicator"] == outside
    assert app.assessment(UUID(mine)).version == version


async def test_a_sub_theme_is_saved_in_one_transaction(api: Api, database: DatabaseAddress) -> None:
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = await given_invited(api, tenant)
    before = (await read(api, f"/assessments/{aid}", boss))["version"]
    sheet = f"/cap/{aid}/sous-themes/{SUB_THEME}"
    redirected_to(await submit(api, sheet, sheet, boss, {f"niveau-{dashed(c)}": "2" for c in SHEET_CODES}))
    conn = await asyncpg.connect(database.url())
    try:
        rows = await conn.fetch(
            "SELECT originator_version, xmin::text AS tx FROM assessment.assessment_events "
            "WHERE originator_id = $1 AND originator_version > $2 ORDER BY originator_version",
            UUID(aid),
            before,
        )
    finally:
        await conn.close()
    assert len(rows) == len(SHEET_CODES) > 1  # one event per indicator...
    assert len({r["tx"] for r in rows}) == 1  # ...all written by one transaction
