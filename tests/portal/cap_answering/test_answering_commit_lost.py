"""Never a half-saved sub-theme: the database connection dies at a COMMIT while a sub-theme's form is
saved (tests/faults style, through a proxy that cuts it). Whichever COMMIT is lost, the sub-theme is
saved whole or not at all: one command, one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import pytest
from litestar.testing import AsyncTestClient

from services.bootstrap import build_platform
from shared.app_factory import create_app
from shared.auth import TokenService
from shared.config import Settings
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
from tests.helpers.postgres_faults import CommitCuttingProxy
from tests.portal.cap_answering.pages import page, post, shown

SHEET_CODES = [c for c in CODES if c.startswith("1.1.")]


class NthCommitCuttingProxy(CommitCuttingProxy):
    """Cuts, once armed, the connection at the COMMIT after the first `skip` ones (which pass)."""

    skip = 0

    def _take_cut(self, chunk: bytes) -> str | None:
        with self._lock:
            if self._armed is not None and b"COMMIT" in chunk and self.skip > 0:
                self.skip -= 1
                return None
        return super()._take_cut(chunk)


@pytest.fixture
async def proxy(database: DatabaseAddress) -> AsyncIterator[NthCommitCuttingProxy]:
    proxy = NthCommitCuttingProxy(database)
    yield proxy
    proxy.close()


@pytest.fixture
async def api_through_proxy(proxy: NthCommitCuttingProxy, settings: Settings) -> AsyncIterator[Api]:
    """The real app, every connection through the proxy; no projection runner (its transactions
    would meet the proxy's trap before the form's)."""
    platform = build_platform(settings=settings, database=proxy.address)
    app = create_app(platform, run_projections=False)
    async with AsyncTestClient(app) as client:
        platform.application("membership").establish_regions()
        yield Api(client, TokenService(settings))


async def given_sheet_page(api: Api, through_proxy: Api) -> tuple[UUID, str, str, dict[str, str]]:
    """An assessment with the admin invited, set up by the app whose projections run (`api`: its
    read models serve both apps, on the same database); the sub-theme's page as the app through the
    proxy shows it (its CSRF cookie). The id, the page's address, the page, the admin's header."""
    given_referential(api)
    tenant = given_member(api)
    boss = admin(api, tenant)
    aid = (await given_started(api, tenant))["id"]
    by = principal(tenant)
    invited = cap_app(api).invite_participant(
        UUID(aid), directory=None, by=by, participant_id=by.subject, name="Claire", kind="staff", sub_themes=()
    )
    await read(api, f"/assessments/{aid}", boss, wait_for=invited.notification_id)
    sheet = f"/cap/{aid}/sous-themes/1.1"
    return UUID(aid), sheet, await page(through_proxy, sheet, boss), boss


def saved(api: Api, aid: UUID, subject: str) -> set[str]:
    """The indicators the participant has an answer to, in the event store itself."""
    answers = cap_app(api).assessment(aid).sheet.answers
    return {code for code, given in answers.items() if subject in given}


@pytest.mark.parametrize("skip", [0, 1, 2])
async def test_whichever_commit_is_lost_a_sub_theme_is_saved_whole_or_not_at_all(
    api: Api, api_through_proxy: Api, proxy: NthCommitCuttingProxy, skip: int
) -> None:
    aid, sheet, form, boss = await given_sheet_page(api, api_through_proxy)
    subject = next(iter(cap_app(api).assessment(aid).sheet.participants))
    proxy.skip = skip
    proxy.arm(CommitCuttingProxy.BEFORE_COMMIT)
    answer = await post(
        api_through_proxy, form, sheet, boss, {f"niveau-{c.replace('.', '-')}": "2" for c in SHEET_CODES}
    )
    found = saved(api, aid, subject)
    if skip == 0:  # the save's own COMMIT is lost: nothing written, the person is told
        assert proxy.cuts == 1
        assert answer.status_code == 503, answer.text[:2000]
        assert "enregistré" in shown(answer)
        assert found == set()
    else:  # one COMMIT only: the later ones never come, the whole sub-theme is saved
        assert proxy.cuts == 0
        assert answer.status_code == 303, answer.text[:2000]
        assert found == set(SHEET_CODES)


async def test_a_save_whose_commit_landed_but_whose_answer_was_lost_shows_its_success(
    api: Api, api_through_proxy: Api, proxy: NthCommitCuttingProxy
) -> None:
    aid, sheet, form, boss = await given_sheet_page(api, api_through_proxy)
    subject = next(iter(cap_app(api).assessment(aid).sheet.participants))
    proxy.arm(CommitCuttingProxy.AFTER_COMMIT)
    answer = await post(
        api_through_proxy, form, sheet, boss, {f"niveau-{c.replace('.', '-')}": "2" for c in SHEET_CODES}
    )
    assert proxy.cuts == 1
    assert answer.status_code == 303, answer.text[:2000]
    assert saved(api, aid, subject) == set(SHEET_CODES)
