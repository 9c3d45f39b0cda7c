"""The reviewer's pages for a keyboard or screen-reader user, with their errors shown: every field
labelled, radio groups in fieldset/legend, error summary links that focus their field, headings in
order (no level skipped), table headers with their scope."""

from __future__ import annotations

import re

from tests.helpers.api import Api
from tests.portal.cap_answering.accessibility import problems
from tests.portal.cap_answering.pages import page, post, submit
from tests.portal.reviewing.scenario import given_review

HEADING = re.compile(r"<h([1-6])[ >]")
HEADER_CELL = re.compile(r"<th(?: [^>]*)?>")


def heading_problems(html: str) -> list[str]:
    levels = [int(level) for level in HEADING.findall(html.split('id="contenu"', 1)[1])]
    wrong = [] if levels[:1] == [1] else [f"the page starts with h{levels[:1]}"]
    wrong += [f"h{a} then h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    wrong += [f"{cell} has no scope" for cell in HEADER_CELL.findall(html) if "scope=" not in cell]
    return wrong


async def test_the_reviewers_pages_are_labelled_ordered_and_their_errors_focus_the_field(api: Api) -> None:
    review = await given_review(api)
    sheet, confirm = f"{review.address}/1.2", f"{review.address}/terminer"
    pages = [
        await page(api, "/relectures", review.delegate),
        await page(api, review.address, review.delegate),
        await page(api, sheet, review.delegate),
        await page(api, confirm, review.delegate),
    ]
    refused = await submit(
        api, sheet, sheet, review.delegate, {"indicateur": "1.2.1", "niveau-1-2-1": "3", "commentaire-1-2-1": ""}
    )
    assert refused.status_code == 400
    pages.append(refused.text)
    stale = await post(api, pages[3], confirm, review.delegate, {"version": "1"})
    assert stale.status_code == 409
    pages.append(stale.text)
    for html in pages:
        assert problems(html) == []
        assert heading_problems(html) == []
    assert 'href="#commentaire-1-2-1"' in refused.text and 'href="#raison-1-2-1"' in refused.text
