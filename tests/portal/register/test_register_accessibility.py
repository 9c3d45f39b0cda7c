"""Every register page, as a keyboard or screen-reader user needs it (the checker of le Cap's pages):
each field labelled, radios in a fieldset with a legend, each link of an error summary leading to a
field; and headings in order (one h1, no level skipped)."""

from __future__ import annotations

import re

from tests.helpers.api import Api
from tests.portal.cap_answering.accessibility import problems
from tests.portal.register.scenario import fill_in, given_member, page, send_form, shown

FORMS = (
    "coordonnees",
    "formes",
    "region",
    "certification",
    "certification/perte",
    "cotisations/appel",
    "cotisations/paiement",
    "accord-groupe",
    "demission",
    "exclusion",
    "reintegration",
)


def heading_problems(html: str) -> list[str]:
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    wrong = [] if levels.count(1) == 1 else [f"{levels.count(1)} h1"]
    main = levels[levels.index(1) :] if 1 in levels else levels
    wrong += [f"h{b} after h{a}" for a, b in zip(main, main[1:], strict=False) if b > a + 1]
    return wrong


async def test_every_register_page_is_labelled_and_its_headings_in_order(api: Api) -> None:
    member_id = await given_member(api, region="CLI")
    paths = [
        "/registre",
        "/registre/nouveau",
        f"/registre/{member_id}",
        f"/registre/{member_id}?as_of=2015-01-01",
        f"/registre/{member_id}/historique",
        "/registre/regions",
        "/registre/regions/fusion",
        "/registre/regions/renommage",
        "/registre/regions/scission?region=CLI",
        *(f"/registre/{member_id}/{slug}" for slug in FORMS),
    ]
    for path in paths:
        html = await page(api, path, api.staff)
        assert problems(html) == [], path
        assert heading_problems(html) == [], path


async def test_a_refused_form_links_each_error_to_its_field(api: Api) -> None:
    member_id = await given_member(api)
    refused = [
        await fill_in(api, "/registre/nouveau", "/registre/nouveau", {"siret": "123", "date_effet": "hier"}),
        await send_form(api, member_id, "certification", {"certification": "", "expire_le": ""}),
        await send_form(api, member_id, "cotisations/appel", {"annee": "", "montant": ""}),
        await send_form(api, member_id, "formes", {"forme_principale": "", "formes": []}),
        await fill_in(api, "/registre/regions/fusion", "/registre/regions/fusion", {"code": "", "nom": ""}),
    ]
    for answer in refused:
        assert answer.status_code in (400, 422), answer.status_code
        html = shown(answer)
        assert "Il y a un problème" in html
        assert problems(html) == [], html[:300]
