"""The auditor's pages through the real app: the grants, the timeline, the assessment as of a
moment, the diffs; every view recorded as an audit read; refusals name their field."""

from __future__ import annotations

import copy
import html
import re
from typing import Any
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    BASE,
    DOCUMENT,
    answer_everything,
    cap_app,
    caught_up,
    platform_of,
    principal,
)
from tests.portal.audit.scenario import (
    CHANGED,
    FIRST_LEVEL,
    LAST_LEVEL,
    given_audited,
    given_grant,
    level_in,
)


async def test_the_auditor_sees_the_grant_and_the_assessment_it_opens(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    page = await api.client.get("/audit", headers=audited.auditor)
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "AI Le Relais" in text and "Contrôle annuel" in text and "en cours" in text
    assert f'href="/audit/cap/{audited.assessment_id}"' in text


async def test_the_timeline_shows_every_event_with_who_did_it_and_links_to_each_version(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    page = await api.client.get(f"/audit/cap/{audited.assessment_id}", headers=audited.auditor)
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "Évaluation commencée" in text and "Autoévaluation soumise" in text
    assert f"indicateur {CHANGED} : niveau {LAST_LEVEL}" in text
    assert "Claire Martin" in text and "administrateur·rice de l'adhérent" in text  # the directory's name
    assert f"/audit/cap/{audited.assessment_id}/etat?version=1" in text
    # The last page of the timeline holds the last version.
    pages = re.findall(r'href="([^"]*\?page=(\d+))"', page.text)
    if pages:
        last_page = await api.client.get(pages[-1][0].replace("&amp;", "&"), headers=audited.auditor)
        assert f"etat?version={audited.last}" in last_page.text
    else:
        assert f"etat?version={audited.last}" in text


async def test_an_earlier_version_shows_the_answer_as_it_was_then(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    base = f"/audit/cap/{audited.assessment_id}/etat"
    then = await api.client.get(base, params={"version": audited.answered_first}, headers=audited.auditor)
    assert then.status_code == 200, then.text
    assert level_in(then.text, CHANGED) == str(FIRST_LEVEL)
    assert "en cours" in html.unescape(then.text)
    now = await api.client.get(base, headers=audited.auditor)
    assert now.status_code == 200
    assert level_in(now.text, CHANGED) == str(LAST_LEVEL)
    assert "soumise" in html.unescape(now.text)
    assert (
        f"?version={audited.answered_first - 1}" in then.text and f"?version={audited.answered_first + 1}" in then.text
    )
    assert "<svg" in now.text  # the radar of the themes
    first = await api.client.get(base, params={"version": 1}, headers=audited.auditor)
    assert level_in(first.text, CHANGED) == "sans réponse"


async def test_a_date_shows_the_state_at_the_end_of_that_day(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    base = f"/audit/cap/{audited.assessment_id}/etat"
    today = await api.client.get(base, params={"date": "2100-01-01"}, headers=audited.auditor)
    assert today.status_code == 200, today.text
    assert level_in(today.text, CHANGED) == str(LAST_LEVEL)
    at_noon = await api.client.get(base, params={"date": "2100-01-01", "heure": "12:00"}, headers=audited.auditor)
    assert at_noon.status_code == 200 and level_in(at_noon.text, CHANGED) == str(LAST_LEVEL)


async def test_a_version_out_of_range_or_a_bad_date_is_refused_with_its_field_named(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    base = f"/audit/cap/{audited.assessment_id}/etat"
    for params, field in (
        ({"version": str(audited.last + 1)}, "version"),
        ({"version": "0"}, "version"),
        ({"version": "deux"}, "version"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "15/03/2026"}, "date"),
        ({"date": "2000-01-01"}, "date"),  # before the assessment began
        ({"date": "2026-03-01", "heure": "25:00"}, "heure"),
        ({"heure": "10:00"}, "date"),
        ({"version": "2", "date": "2026-03-01"}, "version"),
        ({"version": "9" * 50}, "version"),
        ({"version": "\u0661"}, "version"),  # an Arabic-Indic one
        ({"date": "x" * 5000}, "date"),
    ):
        answer = await api.client.get(base, params=params, headers=audited.auditor)
        assert answer.status_code == 400, (params, answer.status_code)
        assert f'<a href="#{field}">' in answer.text, params
        assert f'id="{field}-erreur"' in answer.text, params
    # A control character never reaches the page: the platform refuses the request (400).
    assert (await api.client.get(base, params={"version": "1\x00"}, headers=audited.auditor)).status_code == 400
    refused = await api.client.get(
        f"/audit/cap/{audited.assessment_id}/ecarts", params={"de": "x", "a": "1"}, headers=audited.auditor
    )
    assert refused.status_code == 400 and 'id="de-erreur"' in refused.text
    # A refused page shows nothing of the assessment, so it is no read (the first page view is one).
    assert (await api.client.get(base, headers=audited.auditor)).status_code == 200
    await caught_up(platform_of(api).database.url())
    reads = await api.client.get(f"{BASE}/audit-reads", headers=api.staff)
    assert [r["path"] for r in reads.json() if r["path"].startswith("/audit/cap/")] == [base]


async def test_the_diff_between_two_versions_shows_the_changed_answer(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    page = await api.client.get(
        f"/audit/cap/{audited.assessment_id}/ecarts",
        params={"de": str(audited.answered_first), "a": str(audited.last)},
        headers=audited.auditor,
    )
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    row = re.search(rf'<th scope="row">{re.escape(CHANGED)}</th>(.*?)</tr>', text, re.S)
    assert row, text
    assert "réponse modifiée" in row.group(1)
    assert f"niveau {FIRST_LEVEL}" in row.group(1) and f"niveau {LAST_LEVEL}" in row.group(1)
    by_date = await api.client.get(
        f"/audit/cap/{audited.assessment_id}/ecarts", params={"de": "1", "a": "2100-01-01"}, headers=audited.auditor
    )
    assert by_date.status_code == 200 and "réponse donnée" in html.unescape(by_date.text)


async def test_every_page_the_auditor_opens_is_recorded_as_an_audit_read(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    base = f"/audit/cap/{audited.assessment_id}"
    opened = ["/audit", base, f"{base}/etat", f"{base}/ecarts", f"{base}/campagne-precedente"]
    for path in opened:
        assert (await api.client.get(path, headers=audited.auditor)).status_code == 200, path
    assert (await api.client.get(f"{base}/etat?version=3", headers=audited.auditor)).status_code == 200
    await caught_up(platform_of(api).database.url())
    reads = await api.client.get(f"{BASE}/audit-reads", params={"auditor_id": audited.auditor_id}, headers=api.staff)
    assert reads.status_code == 200
    seen = {(r["path"], r["query"], r["resource"]) for r in reads.json()}
    assert {
        ("/audit", "", "assessment_list"),
        (base, "", "history"),
        (f"{base}/etat", "", "assessment"),
        (f"{base}/etat", "version=3", "assessment"),
        (f"{base}/ecarts", "", "diff"),
        (f"{base}/campagne-precedente", "", "diff_previous"),
    } <= seen
    assert {r["tenant_id"] for r in reads.json()} == {audited.tenant}
    # Staff's own views of the same pages are no audit reads.
    before = len(reads.json())
    assert (await api.client.get(base, headers=api.staff)).status_code == 200
    await caught_up(platform_of(api).database.url())
    again = await api.client.get(f"{BASE}/audit-reads", params={"auditor_id": audited.auditor_id}, headers=api.staff)
    assert len(again.json()) == before
    total = await api.client.get(f"{BASE}/audit-reads", headers=api.staff)
    assert len(total.json()) == before


def changed_indicator() -> dict[str, Any]:
    """Indicator 1.1.1 with another question: its answers mean something else (not comparable)."""
    indicator = copy.deepcopy(DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0])
    indicator["question"]["fr"] = "Les instances associent-elles les salarié·e·s en parcours à leurs décisions ?"
    return indicator


async def test_the_previous_campaign_is_compared_with_non_comparable_indicators_shown(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    alone = await api.client.get(f"/audit/cap/{audited.assessment_id}/campagne-precedente", headers=audited.auditor)
    assert alone.status_code == 200 and "Aucune évaluation précédente" in html.unescape(alone.text)
    app, by = cap_app(api), principal(audited.tenant, audited.admin_id)
    app.validate(UUID(audited.assessment_id), by=by)
    staff = api.staff
    for method, path, body in (
        ("POST", "/referential/versions", {"based_on": "2016.1", "version": "2017.1"}),
        ("PUT", "/referential/versions/2017.1/indicators/1.1.1", changed_indicator()),
        ("POST", "/referential/versions/2017.1/publication", None),
    ):
        answer = await api.client.request(method, f"{BASE}{path}", headers=staff, json=body)
        assert answer.status_code in (200, 201), answer.text
    reopened = str(
        app.reopen(UUID(audited.assessment_id), by=by, region="NPC", forms=("AI",), referential_version="2017.1").id
    )
    answer_everything(api, audited.tenant, reopened, level=lambda code: 3 if code.startswith("2.") else 2)
    await caught_up(platform_of(api).database.url())
    page = await api.client.get(f"/audit/cap/{reopened}/campagne-precedente", headers=audited.auditor)
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "Non comparable" in text and "1.1.1" in text
    row = re.search(r'<th scope="row">1\.1\.1</th>(.*?)</tr>', text, re.S)
    assert row and "non comparable" in row.group(1)
    assert re.search(r'<th scope="row">2\.1\.1</th>\s*<td>réponse modifiée</td>', text)
