"""The member's pages of the fund, through the real app and PostgreSQL: the open calls, a draft
started from a call's card, a partner chosen from the register, trainings per partner, a colleague's
edit, the check page and the submission (eligibility shown), an amendment and its diff."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.training_api import given_draft
from tests.portal.fms_members.scenario import (
    SST,
    admin,
    application_json,
    contributor,
    draft_form,
    given_call,
    given_members,
    page,
    redirected_to,
    started,
    submit,
)


async def test_a_member_sees_the_open_call_and_starts_a_draft(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    home = await page(api, "/fms", admin(api, lead))
    assert "Appel à projets FMS" in home and "Commencer une candidature" in home
    assert "Votre entreprise n'a encore aucune candidature." in home
    application_id = await started(api, call, lead)
    shown = await page(api, f"/fms/candidatures/{application_id}", admin(api, lead))
    assert "Former nos salariés" in shown and "brouillon" in shown
    assert "Former nos salariés" in await page(api, "/fms", admin(api, lead))


async def test_a_partner_is_found_in_the_register_and_a_colleague_completes_the_draft(api: Api) -> None:
    lead, partner = await given_members(api, 2)
    call = await given_call(api)
    application_id = await started(api, call, lead)
    url = f"/fms/candidatures/{application_id}"
    stored = await application_json(api, application_id, admin(api, lead))
    partner_name = await application_json_partner_name(api, partner)
    found = await page(api, f"{url}?recherche={partner_name[:12]}", admin(api, lead))
    assert f'<option value="{partner}"' in found
    answer = await submit(api, url, url, admin(api, lead), draft_form(partner=partner, rows=[]))
    assert redirected_to(answer) == url
    # A colleague (a contributor of the lead) adds one training per enterprise.
    rows = [
        {"prioritaire": SST, "entreprise": lead, "stagiaires": "10", "heures": "14", "cout": "8000"},
        {"intitule": "Savoirs de base", "entreprise": partner, "stagiaires": "4", "heures": "7", "cout": "1000,50"},
    ]
    answer = await submit(api, url, url, contributor(api, lead), draft_form(partner=partner, rows=rows))
    assert redirected_to(answer) == url
    now = await application_json(api, application_id, admin(api, lead))
    assert now["version"] > stored["version"]
    trainings = now["content"]["trainings"]
    assert [(t["title"], t["priority"], t["enterprise_id"], t["cost"]) for t in trainings] == [
        (SST, True, lead, "8000.00"),
        ("Savoirs de base", False, partner, "1000.50"),
    ]
    assert [p["member_id"] for p in now["content"]["partners"]] == [partner]
    # The partner's own people see the draft too.
    assert "Savoirs de base" in await page(api, url, admin(api, partner))


async def test_the_check_page_lists_what_is_sent_and_the_submission_shows_eligibility(api: Api) -> None:
    lead, partner = await given_members(api, 2)
    call = await given_call(api)
    application_id = await started(api, call, lead)
    url = f"/fms/candidatures/{application_id}"
    rows = [{"prioritaire": SST, "entreprise": lead, "stagiaires": "10", "heures": "14", "cout": "8000"}]
    redirected_to(await submit(api, url, url, admin(api, lead), draft_form(partner=partner, rows=rows)))
    check = await page(api, f"{url}/depot", admin(api, lead))
    assert "Vérifier et déposer" in check and SST in check and "3 000,00" in check.replace("\u202f", " ")
    answer = await submit(api, f"{url}/depot", f"{url}/depot", admin(api, lead))
    assert redirected_to(answer) == url
    shown = await page(api, url, admin(api, lead))
    assert "déposée" in shown and "Éligibilité : éligible" in shown
    assert (await application_json(api, application_id, admin(api, lead)))["status"] == "submitted"


async def test_an_amendment_shows_the_diff_before_and_after(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    application_id = await started(api, call, lead)
    url = f"/fms/candidatures/{application_id}"
    rows = [{"prioritaire": SST, "entreprise": lead, "stagiaires": "10", "heures": "14", "cout": "8000"}]
    redirected_to(await submit(api, url, url, admin(api, lead), draft_form(rows=rows)))
    redirected_to(await submit(api, f"{url}/depot", f"{url}/depot", admin(api, lead)))
    amended = draft_form(requested="2500", rows=[{**rows[0], "stagiaires": "12"}])
    answer = await submit(
        api,
        f"{url}/modification",
        f"{url}/modification",
        admin(api, lead),
        {**amended, "raison": "Un stagiaire de plus"},
    )
    assert redirected_to(answer) == f"{url}/modifications"
    diff = await page(api, f"{url}/modifications", admin(api, lead))
    assert "1 modification depuis" in diff
    assert "Cofinancement demandé" in diff and "<del>3000.00</del>" in diff and "<ins>2500.00</ins>" in diff
    assert "Formation 1 : stagiaires" in diff and "<del>10</del>" in diff and "<ins>12</ins>" in diff


async def application_json_partner_name(api: Api, member_id: str) -> str:
    answer = await api.client.get(f"/api/membership/members/{member_id}", headers=api.staff)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["name"])


async def test_a_partners_own_people_edit_the_shared_draft(api: Api) -> None:
    lead, partner = await given_members(api, 2)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    redirected_to(await submit(api, url, url, admin(api, lead), draft_form(partner=partner, rows=[])))
    rows = [{"intitule": "Savoirs de base", "entreprise": partner, "stagiaires": "4", "heures": "7", "cout": "1000"}]
    answer = await submit(
        api, url, url, admin(api, partner), draft_form(title="Projet à deux", partner=partner, rows=rows)
    )
    assert redirected_to(answer) == url
    stored = await application_json(api, application_id, admin(api, lead))
    assert stored["title"] == "Projet à deux" and stored["content"]["trainings"][0]["enterprise_id"] == partner
    home = await page(api, "/fms", admin(api, partner))
    assert "Projet à deux" in home and "partenaire (porteuse" in home


async def test_an_ineligible_submission_shows_the_criteria_not_met(api: Api) -> None:
    [lead] = await given_members(api, 1)
    [outsider] = await given_members(api, 1, accord=False)
    application_id = await started(api, await given_call(api), lead)
    url = f"/fms/candidatures/{application_id}"
    rows = [{"prioritaire": SST, "entreprise": lead, "stagiaires": "10", "heures": "14", "cout": "8000"}]
    redirected_to(await submit(api, url, url, admin(api, lead), draft_form(partner=outsider, rows=rows)))
    redirected_to(await submit(api, f"{url}/depot", f"{url}/depot", admin(api, lead)))
    shown = await page(api, url, admin(api, lead))
    assert "Éligibilité : non éligible" in shown and "<strong>non rempli</strong>" in shown
    assert "Vérifier les critères d'éligibilité non remplis" in shown


async def test_my_applications_are_paginated(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    written: dict[str, object] = {}
    for n in range(21):
        written = await given_draft(api, call, lead, title=f"Projet {n:02d}")
    await api.client.get(
        f"/api/training/applications/{written['id']}?wait_for={written['notification_id']}", headers=api.staff
    )
    first = await page(api, "/fms", admin(api, lead))
    assert "21 candidatures" in first and "Page 1 sur 2" in first and "Projet 19" in first and "Projet 20" not in first
    second = await page(api, "/fms?page=2", admin(api, lead))
    assert "Projet 20" in second and "Projet 00" not in second
