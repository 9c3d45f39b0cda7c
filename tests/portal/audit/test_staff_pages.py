"""National staff's audit pages through the real app: grants given through the form (each refusal
names its field, nothing written), revoked with a reason, the auditors' reads listed and filtered."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from tests.helpers.api import Api
from tests.helpers.assessment_api import BASE, caught_up, platform_of
from tests.helpers.people import given_person, in_directory
from tests.portal.audit.scenario import Audited, given_audited, given_grant, grant_through_page
from tests.portal.cap_results.scenario import csrf_token


async def grants(api: Api) -> list[dict[str, Any]]:
    await caught_up(platform_of(api).database.url())
    answer = await api.client.get(f"{BASE}/access-grants", headers=api.staff)
    assert answer.status_code == 200
    return list(answer.json())


async def test_staff_grant_an_auditor_access_to_a_member_for_a_period(api: Api) -> None:
    audited = await given_audited(api)
    answer = await grant_through_page(api, audited.auditor_id, adherent=audited.tenant, debut="2026-01-10")
    assert answer.status_code == 303 and answer.headers["location"] == "/audit/acces"
    [grant] = await grants(api)
    assert (grant["auditor_id"], grant["tenant_id"], grant["assessment_id"]) == (
        audited.auditor_id,
        audited.tenant,
        None,
    )
    assert grant["reason"] == "Contrôle annuel" and grant["granted_by"] == "staff-1"
    # The first day from midnight in Paris, the last one included (to the next midnight, excluded).
    assert datetime.fromisoformat(grant["valid_from"]) == datetime(2026, 1, 9, 23, tzinfo=UTC)
    assert datetime.fromisoformat(grant["valid_until"]) == datetime(2100, 12, 31, 23, tzinfo=UTC)
    page = await api.client.get("/audit/acces", headers=api.staff)
    text = html.unescape(page.text)
    assert "Aude Vérif" in text and "AI Le Relais" in text and "toutes ses évaluations" in text


async def test_a_grant_may_name_one_assessment(api: Api) -> None:
    audited = await given_audited(api)
    answer = await grant_through_page(api, audited.auditor_id, evaluation=audited.assessment_id)
    assert answer.status_code == 303, answer.text
    [grant] = await grants(api)
    assert (grant["tenant_id"], grant["assessment_id"]) == (audited.tenant, audited.assessment_id)
    listed = await api.client.get("/audit/acces", headers=api.staff)
    assert f'href="/audit/cap/{audited.assessment_id}"' in listed.text  # staff open it from the list
    opened = await api.client.get(f"/audit/cap/{audited.assessment_id}", headers=audited.auditor)
    assert opened.status_code == 200


async def test_each_refused_grant_names_its_field_and_writes_nothing(api: Api) -> None:
    audited = await given_audited(api)
    member_admin = given_person(api, "member_admin", tenant=audited.tenant, name="Pas auditrice")
    await in_directory(api)
    ok: dict[str, str] = {"adherent": audited.tenant}
    for fields, field in (
        ({**ok, "auditeur": ""}, "auditeur"),
        ({**ok, "auditeur": "quelqu-un"}, "auditeur"),
        ({**ok, "auditeur": member_admin}, "auditeur"),  # in the directory, but no auditor
        ({"adherent": ""}, "adherent"),
        ({"adherent": "adherent-inconnu"}, "adherent"),
        ({"evaluation": "pas-un-identifiant"}, "evaluation"),
        ({"evaluation": "00000000-0000-4000-8000-000000000000"}, "evaluation"),
        ({**ok, "fin": ""}, "fin"),
        ({**ok, "fin": "2026-13-01"}, "fin"),
        ({**ok, "debut": "2026-05-02", "fin": "2026-05-01"}, "fin"),
        ({**ok, "motif": ""}, "motif"),
        ({**ok, "debut": "hier"}, "debut"),
    ):
        auditor = fields.pop("auditeur", audited.auditor_id)
        answer = await grant_through_page(api, auditor, **fields)
        assert answer.status_code in (400, 422), (fields, answer.status_code)
        assert f'<a href="#{field}">' in answer.text, (fields, field)
        assert f'id="{field}-erreur"' in answer.text, (fields, field)
    assert await grants(api) == []


async def revoke(api: Api, grant: dict[str, Any], reason: str, version: int | None = None) -> Any:
    page = await api.client.get("/audit/acces", headers=api.staff)
    return await api.client.post(
        f"/audit/acces/{grant['grant_id']}/revocation",
        headers=api.staff,
        data={
            "_csrf_token": csrf_token(page.text),
            "motif": reason,
            "version": str(grant["version"] if version is None else version),
        },
        follow_redirects=False,
    )


async def test_staff_revoke_a_grant_with_a_reason_and_the_auditor_sees_nothing_more(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    [grant] = await grants(api)
    assert (await api.client.get(f"/audit/cap/{audited.assessment_id}", headers=audited.auditor)).status_code == 200
    empty = await revoke(api, grant, "")
    assert empty.status_code == 400 and f'id="motif-{grant["grant_id"]}-erreur"' in empty.text
    stale = await revoke(api, grant, "Mission terminée", version=grant["version"] + 5)
    assert stale.status_code == 409 and "a changé entre-temps" in html.unescape(stale.text)
    assert (await grants(api))[0]["revoked"] is False
    done = await revoke(api, grant, "Mission terminée")
    assert done.status_code == 303, done.text
    [revoked] = await grants(api)
    assert revoked["revoked"] is True and revoked["revoked_reason"] == "Mission terminée"
    page = html.unescape((await api.client.get("/audit/acces", headers=api.staff)).text)
    assert "révoquée" in page and "Mission terminée" in page
    again = await revoke(api, revoked, "Encore")
    assert again.status_code == 422 and "déjà révoquée" in html.unescape(again.text)
    for path in ("", "/etat", "/ecarts", "/campagne-precedente"):
        answer = await api.client.get(f"/audit/cap/{audited.assessment_id}{path}", headers=audited.auditor)
        assert answer.status_code == 404, path
    unknown = await api.client.post(
        "/audit/acces/00000000-0000-4000-8000-000000000000/revocation",
        headers=api.staff,
        data={"_csrf_token": csrf_token(page), "motif": "x"},
    )
    assert unknown.status_code == 404


async def viewed(api: Api, audited: Audited) -> None:
    for path in ("", "/etat"):
        answer = await api.client.get(f"/audit/cap/{audited.assessment_id}{path}", headers=audited.auditor)
        assert answer.status_code == 200
    await caught_up(platform_of(api).database.url())


async def test_staff_see_who_read_which_assessment_when_filtered_by_auditor_and_member(api: Api) -> None:
    first = await given_audited(api, "AI Le Relais")
    await given_grant(api, first)
    second = await given_audited(api, "ACI Les Jardins", region="BNO")
    await given_grant(api, second)
    await viewed(api, first)
    await viewed(api, second)
    page = await api.client.get("/audit/lectures", headers=api.staff)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "4 lectures" in text and "Aude Vérif" in text and "chronologie" in text
    assert f"/audit/cap/{first.assessment_id}/etat" in text and f"/audit/cap/{second.assessment_id}" in text
    assert f'<a href="/audit/cap/{first.assessment_id}">Chronologie' in page.text
    only = html.unescape(
        (await api.client.get("/audit/lectures", params={"adherent": second.tenant}, headers=api.staff)).text
    )
    assert "2 lectures" in only and first.assessment_id not in only and second.assessment_id in only
    by_auditor = html.unescape(
        (await api.client.get("/audit/lectures", params={"auditeur": first.auditor_id}, headers=api.staff)).text
    )
    assert "2 lectures" in by_auditor and second.assessment_id not in by_auditor
    nobody = await api.client.get("/audit/lectures", params={"auditeur": "personne"}, headers=api.staff)
    assert nobody.status_code == 200 and "0 lecture" in html.unescape(nobody.text)
    for hostile in ({"adherent": "x" * 5000}, {"page": "-3"}, {"page": "99999999999"}):
        answer = await api.client.get("/audit/lectures", params=hostile, headers=api.staff)
        assert answer.status_code == 200, hostile
    control = await api.client.get("/audit/lectures", params={"auditeur": "a\x00b"}, headers=api.staff)
    assert control.status_code == 400  # refused by the platform before any page


async def test_the_reads_are_listed_a_page_at_a_time(api: Api) -> None:
    audited = await given_audited(api)
    await given_grant(api, audited)
    for i in range(52):
        answer = await api.client.get(
            f"/audit/cap/{audited.assessment_id}/etat",
            params={"version": i % audited.last + 1},
            headers=audited.auditor,
        )
        assert answer.status_code == 200
    await caught_up(platform_of(api).database.url())
    first = html.unescape((await api.client.get("/audit/lectures", headers=api.staff)).text)
    assert "52 lectures, page 1 sur 2" in first and 'rel="next"' in first
    assert f"version={51 % audited.last + 1}<" in first  # the latest first
    second = html.unescape((await api.client.get("/audit/lectures", params={"page": "2"}, headers=api.staff)).text)
    assert len(re.findall(r"<code>", second)) == 2 and "version=1<" in second
