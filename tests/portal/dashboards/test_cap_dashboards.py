"""le Cap's tabs of the dashboards through the real app: /reseau/cap (national staff) and
/region/cap, /region/cap/{code} (a region's progress and its follow-up feed, each item linking
where to act). The figures are the API's; a regional role reads its own region only."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers.api import Api
from tests.helpers.assessment_api import read
from tests.portal.dashboards.cap_scenario import OVERDUE, given_cap_region
from tests.portal.dashboards.pages import bars, chart, heading, table, text
from tests.portal.dashboards.scenario import delegate, trainer

NOT_FOUND = "<h1>Page introuvable</h1>"


def french(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


async def test_the_networks_cap_tab_shows_stages_levels_by_theme_and_services_as_the_api_counts_them(
    api: Api,
) -> None:
    await given_cap_region(api)
    page = await api.client.get("/reseau/cap", headers=api.staff)
    assert page.status_code == 200, page.text
    figures = await read(api, "/network/dashboard", api.staff)
    _, stages = chart(page.text, "graphique-etapes")
    assert stages == {
        "Commencées": str(figures["started"]),
        "En cours de réponse": "1",
        "Soumises": "3",
        "En relecture": str(figures["under_review"]),
        "Relues": str(figures["reviewed"]),
        "Validées": "2",
    }
    themes = table(page.text, "tableau-themes")
    assert len(themes) == len(figures["themes"]) >= 2
    for row, theme in zip(themes, figures["themes"], strict=True):
        assert row[1] == french(theme["score"]) and row[3] == str(theme["members"]) == "2"
    svg, shown = chart(page.text, "graphique-niveaux-par-theme")
    assert [(label, value) for label, value, _ in bars(svg)] == list(shown.items())
    assert list(shown.values()) == [row[1] for row in themes]  # the chart's figures are the table's
    services = table(page.text, "tableau-services")
    assert [(r[0], r[1]) for r in services] == [(s["service_label"], str(s["actions"])) for s in figures["services"]]
    _, drawn = chart(page.text, "graphique-services")
    assert list(drawn) == [s["service_label"] for s in figures["services"]]
    tabs = page.text.split('class="tabs"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="/reseau">Adhérents</a>' in tabs and '<a href="/reseau/cap" aria-current="page">le Cap</a>' in tabs
    assert "À suivre dans la région" not in page.text  # the feed is a region's


async def test_a_delegate_sees_their_regions_progress_and_what_to_chase_with_where_to_act(api: Api) -> None:
    region = await given_cap_region(api)
    for headers in (delegate(api), trainer(api)):
        page = await api.client.get("/region/cap", headers=headers)
        assert page.status_code == 200, page.text
        assert heading(page.text) == "Région Nord-Pas-de-Calais"
        _, stages = chart(page.text, "graphique-etapes")
        assert stages["Commencées"] == "3" and stages["Validées"] == "1" and stages["En cours de réponse"] == "1"
        stalled = page.text.split('id="suivi-en-panne"', 1)[1].split("</ul>", 1)[0]
        assert "AI Silencieuse" in stalled and f'href="/cap/{region.stalled}/positionnement"' in stalled
        overdue = page.text.split('id="suivi-en-retard"', 1)[1].split("</ul>", 1)[0]
        assert (
            "AI Active" in overdue
            and f"indicateur {OVERDUE}" in text(overdue)
            and "10 jours de retard" in text(overdue)
        )
        assert f'href="/cap/{region.validated}/plan"' in overdue
        waiting = page.text.split('id="suivi-relectures"', 1)[1].split("</ul>", 1)[0]
        assert "AI En attente" in waiting and 'href="/relectures"' in waiting
        assert "ACI Bretonne" not in page.text and "/registre/" not in page.text
        assert '<a href="/region">Adhérents</a>' in page.text
        same = await api.client.get("/region/cap/NPC", headers=headers)
        assert same.status_code == 200 and "AI Silencieuse" in same.text
        for other in ("/region/cap/BRE", "/region/cap/ZZZ", "/region/cap/bre", "/reseau/cap"):
            refused = await api.client.get(other, headers=headers)
            assert refused.status_code in (403, 404), (other, refused.text)
            assert "ACI Bretonne" not in refused.text and "graphique-" not in refused.text
            if other != "/reseau/cap":
                assert refused.status_code == 404 and NOT_FOUND in refused.text


async def test_the_links_of_the_feed_open_for_the_delegate(api: Api) -> None:
    region = await given_cap_region(api)
    for path in (f"/cap/{region.stalled}/positionnement", f"/cap/{region.validated}/plan"):
        opened = await api.client.get(path, headers=delegate(api))
        assert opened.status_code == 200, (path, opened.text)


async def test_staff_open_any_regions_cap_tab_with_links_to_the_register(api: Api) -> None:
    region = await given_cap_region(api)
    page = await api.client.get("/region/cap/BRE", headers=api.staff)
    assert page.status_code == 200, page.text
    _, stages = chart(page.text, "graphique-etapes")
    assert stages["Validées"] == "1" and stages["Commencées"] == "1"
    assert "Aucune évaluation en panne." in page.text
    npc = await api.client.get("/region/cap/NPC", headers=api.staff)
    assert f'<a href="/registre/{region.tenants["AI Silencieuse"]}">AI Silencieuse</a>' in npc.text
    assert '<a href="/region/NPC">Adhérents</a>' in npc.text
    for missing in ("/region/cap/ZZZ", "/region/cap/npc"):
        unknown = await api.client.get(missing, headers=api.staff)
        assert unknown.status_code == 404 and NOT_FOUND in unknown.text, missing
    chooser = await api.client.get("/region/cap", headers=api.staff, follow_redirects=False)
    assert chooser.status_code == 303 and chooser.headers["location"] == "/region"
    member = await api.client.get(
        "/region/cap/NPC", headers=api.token("member_admin", tenant=region.tenants["AI Active"], subject="a")
    )
    assert member.status_code == 403 and "AI Silencieuse" not in member.text


async def test_the_cap_tabs_keep_the_date_chosen_and_refuse_one_that_is_not_a_date(api: Api) -> None:
    await given_cap_region(api)
    page = await api.client.get("/reseau/cap", params={"as_of": "2016-01-01"}, headers=api.staff)
    assert page.status_code == 200, page.text
    assert '<a href="/reseau?as_of=2016-01-01">Adhérents</a>' in page.text
    assert "à la fin du 1er janvier 2016" in text(page.text)  # the figures as they stood then, and the page says so
    _, then = chart(page.text, "graphique-etapes")
    assert then["Commencées"] == then["Soumises"] == then["Validées"] == "0"  # nothing had started in 2016
    assert "tableau-themes" not in page.text  # no assessment validated by then: no levels
    today = await api.client.get("/reseau/cap", headers=api.staff)
    assert "à la fin du" not in text(today.text)
    # At the end of tomorrow, nothing has happened since now: the dates give the present's figures.
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    later = await api.client.get("/reseau/cap", params={"as_of": tomorrow}, headers=api.staff)
    _, now_stages = chart(today.text, "graphique-etapes")
    _, later_stages = chart(later.text, "graphique-etapes")
    for stage in ("Commencées", "Soumises", "Relues", "Validées"):
        assert later_stages[stage] == now_stages[stage], stage
    assert table(later.text, "tableau-themes") == table(today.text, "tableau-themes")
    for path, headers in (("/reseau/cap", api.staff), ("/region/cap", delegate(api)), ("/region/cap/NPC", api.staff)):
        refused = await api.client.get(path, params={"as_of": "2016-13-01"}, headers=headers)
        assert refused.status_code == 400, (path, refused.text)
        assert 'href="#as_of"' in refused.text and "n'est pas une date du calendrier" in text(refused.text)
        assert "graphique-" not in refused.text and "AI Silencieuse" not in refused.text
