"""The plan's PDF cache: the same document answers the same bytes without making them again; a new
version (or another date printed) makes a new PDF; the cache keeps at most its bound."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

from services.assessment.documents.plan_pdf import PlanDocument
from services.assessment.documents.plan_pdf_cache import PlanPdfCache, plan_pdf_bytes
from services.assessment.documents.positioning_chart import Row, chart
from tests.portal.cap_results.test_plan_pdf import action, text_of


def document(**changes: object) -> PlanDocument:
    rows = [
        Row(code=c, title=f"Thème {c}", score=2.0, objective=3.0, region_average=None, network_average=None)
        for c in "1234"
    ]
    base = PlanDocument(
        member_name="AI Le Relais",
        assessment_id="8b9c",
        version=57,
        referential_version="2016.1",
        made_on=date(2026, 12, 1),
        radar_svg=chart(chart_id="r", title="Thèmes", rows=rows, region=None),
        actions=[action(1, "1.1.1", "high")],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_the_same_plan_answers_the_same_bytes_made_once() -> None:
    cache = PlanPdfCache()
    first = await plan_pdf_bytes(document(), cache)
    again = await plan_pdf_bytes(document(), cache)
    assert again == first
    assert cache.made == 1


async def test_a_new_version_or_date_or_action_makes_a_new_pdf() -> None:
    cache = PlanPdfCache()
    first = await plan_pdf_bytes(document(), cache)
    newer = await plan_pdf_bytes(document(version=58), cache)
    tomorrow = await plan_pdf_bytes(document(made_on=date(2026, 12, 2)), cache)
    adopted = await plan_pdf_bytes(document(actions=[action(1, "1.1.1", "high", status="adopted")]), cache)
    assert cache.made == 4
    assert "version 58" in text_of(newer) and "version 57" in text_of(first)
    assert "2 décembre 2026" in text_of(tomorrow)
    assert "adoptée" in text_of(adopted) and "adoptée" not in text_of(first)


async def test_the_cache_forgets_the_least_recently_asked_beyond_its_bound() -> None:
    cache = PlanPdfCache(max_entries=2)
    await cache.get(document(version=1))
    await cache.get(document(version=2))
    await cache.get(document(version=1))  # asked again: the most recent
    await cache.get(document(version=3))
    assert len(cache) == 2
    await cache.get(document(version=1))
    assert cache.made == 3  # version 1 was kept, version 2 left
    await cache.get(document(version=2))
    assert cache.made == 4


async def test_downloads_of_one_plan_at_once_make_it_once() -> None:
    cache = PlanPdfCache()
    answers = await asyncio.gather(*(plan_pdf_bytes(document(), cache) for _ in range(8)))
    assert cache.made == 1
    assert len(set(answers)) == 1
