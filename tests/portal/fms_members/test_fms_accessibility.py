"""The member's and the reviewer's fund pages for a keyboard or screen-reader user, with their errors
shown: every field labelled, radio groups in a fieldset with a legend, every error summary link
taking the focus to its field, headings in order."""

from __future__ import annotations

import re

from tests.helpers.api import Api
from tests.portal.cap_answering.accessibility import problems
from tests.portal.cap_answering.pages import shown
from tests.portal.fms_members.scenario import (
    admin,
    draft_form,
    given_assigned,
    given_call,
    given_members,
    given_submitted_through_pages,
    page,
    started,
    submit,
)

HEADING = re.compile(r"<h([1-6])\b")


def headings_in_order(html: str) -> bool:
    levels = [int(level) for level in HEADING.findall(html)]
    return bool(levels) and levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


async def test_the_member_pages_with_their_errors_are_usable_without_a_mouse(api: Api) -> None:
    [lead] = await given_members(api, 1)
    call = await given_call(api)
    home = await submit(api, "/fms", f"/fms/appels/{call['id']}/candidature", admin(api, lead), {})
    assert home.status_code == 400 and 'class="error-summary"' in home.text
    application_id = await started(api, call, lead)
    url = f"/fms/candidatures/{application_id}"
    fields = draft_form(requested="x", rows=[{"intitule": "Savoirs", "stagiaires": "0", "heures": "", "cout": "?"}])
    draft = await submit(api, url, url, admin(api, lead), fields)
    check = await submit(api, f"{url}/depot", f"{url}/depot", admin(api, lead))
    withdrawal = await submit(api, url, f"{url}/retrait", admin(api, lead), {"raison-retrait": ""})
    for answer in (home, draft, check, withdrawal):
        html = shown(answer)
        assert answer.status_code in (400, 422) and 'class="error-summary"' in html
        assert problems(html) == [], problems(html)
        assert headings_in_order(html)
    for path in ("/fms", url, f"{url}/depot"):
        html = await page(api, path, admin(api, lead))
        assert problems(html) == [] and headings_in_order(html), path


async def test_the_reviewer_pages_with_their_errors_are_usable_without_a_mouse(api: Api) -> None:
    [lead] = await given_members(api, 1)
    application_id = await given_submitted_through_pages(api, await given_call(api), lead)
    reviewer = await given_assigned(api, application_id)
    url = f"/fms/evaluations/{application_id}"
    declaration = await submit(api, url, f"{url}/declaration", reviewer, {})
    grid_url = f"{url}/notation?declaration=aucun-conflit"
    grid = await submit(api, grid_url, f"{url}/notation", reviewer, {})
    amended_url = f"/fms/candidatures/{application_id}/modification"
    amendment = await submit(api, amended_url, amended_url, admin(api, lead), {"raison": ""})
    for answer in (declaration, grid, amendment):
        html = shown(answer)
        assert answer.status_code == 400 and 'class="error-summary"' in html
        assert problems(html) == [], problems(html)
        assert headings_in_order(html)
    for path in ("/fms/evaluations", url, grid_url):
        html = await page(api, path, reviewer)
        assert problems(html) == [] and headings_in_order(html), path
