"""The register's dashboards through the real app: /reseau (national staff, as of a date),
/region and /region/{code} (a delegate's or trainer's own region; staff: any). Their figures are the
API's, each chart's bars are its table's rows, and nobody reads a region that is not theirs."""

from __future__ import annotations

import pytest

from services.membership.web import dashboards
from tests.helpers.api import Api
from tests.portal.dashboards.pages import bars, chart, heading, table, text
from tests.portal.dashboards.scenario import NPC_MEMBERS, delegate, given_network, trainer

NOT_FOUND = "<h1>Page introuvable</h1>"


async def test_the_network_page_shows_each_regions_members_and_bucket_as_the_api_counts_them(api: Api) -> None:
    await given_network(api)
    page = await api.client.get("/reseau", headers=api.staff)
    assert page.status_code == 200, page.text
    figures = (await api.client.get("/api/membership/network/dashboard", headers=api.staff)).json()
    rows = {r[0]: r[1:] for r in table(page.text, "tableau-regions")}
    assert rows["Nord-Pas-de-Calais"] == [str(NPC_MEMBERS), "15–30"]
    assert rows["Bretagne"] == ["2", "1–15"]
    assert rows["Île-de-France"] == ["1", "1–15"]
    assert rows["Guyane outre-mer"] == ["0", "aucun adhérent"]
    assert len(rows) == len(figures["members_per_region"])
    assert list(rows)[0] == "Nord-Pas-de-Calais"  # the largest first
    svg, shown = chart(page.text, "graphique-adherents-par-region")
    drawn = bars(svg)
    assert [(label, value) for label, value, _ in drawn][:3] == [
        ("Nord-Pas-de-Calais", "16"),
        ("Bretagne", "2"),
        ("Île-de-France", "1"),
    ]
    assert shown["Nord-Pas-de-Calais"] == "16"
    colours = {label: colour for label, _, colour in drawn}
    assert colours["Nord-Pas-de-Calais"] != colours["Bretagne"] == colours["Île-de-France"]  # by bucket
    _, per_bucket = chart(page.text, "graphique-regions-par-tranche")
    assert per_bucket["15–30"] == "1" and per_bucket["1–15"] == "2" and per_bucket["plus de 60"] == "0"
    assert '<a href="/region/NPC">Nord-Pas-de-Calais</a>' in page.text


async def test_the_network_page_counts_forms_certifications_and_the_accord_groupe(api: Api) -> None:
    await given_network(api)
    page = await api.client.get("/reseau", headers=api.staff)
    assert page.status_code == 200, page.text
    _, forms = chart(page.text, "graphique-adherents-par-forme")
    assert forms == {"AI": "12", "ACI": "6", "EI": "1"}  # primary forms of the 19 active members
    _, carried = chart(page.text, "graphique-formes-portees")
    assert carried["ETTI"] == "4" and carried["AI"] == "12"
    _, certified = chart(page.text, "graphique-certifications")
    assert certified == {"CEDRE": "1", "CEDRE et ISO 9001": "1", "Sans certification": "17"}
    _, accord = chart(page.text, "jauge-accord-groupe")
    assert accord == {"Dans l'Accord Groupe": "2", "Total": "19"}
    assert [r for r in table(page.text, "tableau-statuts")] == [["adhérente", "19"], ["démissionnaire", "1"]]
    tabs = page.text.split('class="tabs"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="/reseau" aria-current="page">Adhérents</a>' in tabs and '<a href="/reseau/cap">le Cap</a>' in tabs


async def test_the_network_page_reads_the_register_as_of_the_date_chosen(api: Api) -> None:
    await given_network(api)
    before = await api.client.get("/reseau", params={"as_of": "2016-01-01"}, headers=api.staff)
    assert before.status_code == 200, before.text
    rows = {r[0]: r[1:] for r in table(before.text, "tableau-regions")}
    assert rows["Bretagne"] == ["3", "1–15"]  # the resignation takes effect in June 2016
    assert rows["Île-de-France"] == ["0", "aucun adhérent"]  # joins in 2020
    assert 'value="2016-01-01"' in before.text and "1er janvier 2016" in before.text
    # The tabs and the regions' links keep the date.
    assert '<a href="/reseau/cap?as_of=2016-01-01">le Cap</a>' in before.text
    assert '<a href="/region/NPC?as_of=2016-01-01">' in before.text
    empty = await api.client.get("/reseau", params={"as_of": ""}, headers=api.staff)
    assert table(empty.text, "tableau-regions")[2][1] == "1"  # no date: today


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2024-02-30", "n'est pas une date du calendrier"),
        ("hier", "doit être une date AAAA-MM-JJ"),
        ("2024-02-03T10:00", "pas une date-heure"),
    ],
)
async def test_a_date_that_is_not_one_is_refused_beside_its_field(api: Api, as_of: str, message: str) -> None:
    await given_network(api)
    for path in ("/reseau", "/region", "/region/NPC"):
        page = await api.client.get(path, params={"as_of": as_of}, headers=api.staff)
        assert page.status_code == 400, (path, page.text)
        assert 'class="error-summary"' in page.text and 'href="#as_of"' in page.text
        assert message in text(page.text.split('id="as_of-erreur"', 1)[1])
        assert 'aria-invalid="true"' in page.text
        assert "tableau-regions" not in page.text and "graphique-" not in page.text
    page = await api.client.get("/region", params={"as_of": "hier"}, headers=delegate(api))
    assert page.status_code == 400 and "as_of" in page.text


async def test_only_national_staff_read_the_network(api: Api) -> None:
    network = await given_network(api)
    for headers in (delegate(api), trainer(api), api.token("member_admin", tenant=network.npc[0], subject="admin-npc")):
        page = await api.client.get("/reseau", headers=headers, follow_redirects=False)
        assert page.status_code == 403, page.text
        assert "Accès refusé" in page.text and "tableau-regions" not in page.text
    for path in ("/region", "/region/NPC"):
        member = await api.client.get(path, headers=api.token("member_admin", tenant=network.npc[0], subject="a"))
        assert member.status_code == 403 and "tableau-adherents" not in member.text
    anonymous = await api.client.get("/reseau", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion?suite=")


async def test_a_delegate_reads_their_own_region_with_its_members_and_no_other(api: Api) -> None:
    network = await given_network(api)
    for headers in (delegate(api), trainer(api)):
        page = await api.client.get("/region", headers=headers)
        assert page.status_code == 200, page.text
        assert heading(page.text) == "Région Nord-Pas-de-Calais"
        members = table(page.text, "tableau-adherents")
        assert len(members) == NPC_MEMBERS
        assert members[1] == ["Entreprise du Nord 01", "Lens", "AI, ETTI", "CEDRE et ISO 9001", "adhérente"]
        assert "/registre/" not in page.text  # the register's member pages are national staff's
        _, forms = chart(page.text, "graphique-adherents-par-forme")
        assert forms == {"AI": "12", "ACI": "4"}
        assert "15–30" in page.text
        assert '<a href="/region/cap">le Cap</a>' in page.text
        assert "Chantier breton" not in page.text
        same = await api.client.get("/region/NPC", headers=headers)
        assert same.status_code == 200 and len(table(same.text, "tableau-adherents")) == NPC_MEMBERS
        for other in ("/region/BRE", "/region/IDF", "/region/ZZZ", "/region/BRE?as_of=2016-01-01"):
            refused = await api.client.get(other, headers=headers)
            assert refused.status_code == 404, (other, refused.text)
            assert NOT_FOUND in refused.text and "Chantier breton" not in refused.text
    assert network.bretagne  # the other region has members to hide


async def test_staff_list_the_regions_and_open_any_with_links_to_the_register(api: Api) -> None:
    network = await given_network(api)
    listing = await api.client.get("/region", headers=api.staff)
    assert listing.status_code == 200, listing.text
    rows = {r[0]: r[1:] for r in table(listing.text, "tableau-regions")}
    assert rows["Bretagne"] == ["BRE", "2"] and rows["Nord-Pas-de-Calais"] == ["NPC", "16"]
    assert '<a href="/region/BRE">Bretagne</a>' in listing.text
    names = [r[0] for r in table(listing.text, "tableau-regions")]
    assert names.index("Haute-Normandie") < names.index("Île-de-France") < names.index("La Réunion outre-mer")
    page = await api.client.get("/region/BRE", headers=api.staff)
    assert page.status_code == 200, page.text
    members = table(page.text, "tableau-adherents")
    assert [m[0] for m in members] == ["Chantier breton 0", "Chantier breton 1", "Chantier breton 2"]
    assert members[2][4] == "démissionnaire"
    assert f'<a href="/registre/{network.bretagne[0]}">Chantier breton 0</a>' in page.text
    assert '<a href="/region/cap/BRE">le Cap</a>' in page.text
    for missing in ("/region/ZZZ", "/region/npc", "/region/TOOLONGCODE"):
        refused = await api.client.get(missing, headers=api.staff)
        assert refused.status_code == 404, (missing, refused.text)


async def test_the_regions_members_are_paginated_keeping_the_date(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    await given_network(api)
    monkeypatch.setattr(dashboards, "PAGE_SIZE", 5)
    first = await api.client.get("/region/NPC", params={"as_of": "2020-06-01"}, headers=api.staff)
    assert [m[0] for m in table(first.text, "tableau-adherents")] == [f"Entreprise du Nord {i:02d}" for i in range(5)]
    assert 'href="/region/NPC?as_of=2020-06-01&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    second = await api.client.get("/region/NPC", params={"as_of": "2020-06-01", "page": "2"}, headers=api.staff)
    assert [m[0] for m in table(second.text, "tableau-adherents")] == [
        f"Entreprise du Nord {i:02d}" for i in range(5, 10)
    ]
    assert "page 2 sur 4" in second.text
    last = await api.client.get("/region", params={"page": "4"}, headers=delegate(api))
    assert [m[0] for m in table(last.text, "tableau-adherents")] == ["Entreprise du Nord 15"]
    assert 'rel="next"' not in last.text and 'href="/region?page=3" rel="prev"' in last.text
    nonsense = await api.client.get("/region", params={"page": "-3"}, headers=delegate(api))
    assert nonsense.status_code == 200 and len(table(nonsense.text, "tableau-adherents")) == 5
