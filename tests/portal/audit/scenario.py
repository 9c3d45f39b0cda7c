"""A member's assessment with a past worth auditing (an answer changed after a first one), an
auditor of the directory, and the access grant staff give through the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from services.assessment.domain.replay import Moment, sheet_as_of
from shared.events import command_context
from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    CODES,
    answer_everything,
    cap_app,
    caught_up,
    given_member,
    given_referential,
    platform_of,
    principal,
)
from tests.helpers.people import given_person, in_directory
from tests.portal.cap_results.scenario import csrf_token

CHANGED = CODES[0]  # the indicator answered 2 first, then 4
FIRST_LEVEL, LAST_LEVEL = 2, 4


@dataclass(frozen=True)
class Audited:
    tenant: str
    assessment_id: str
    answered_first: int  # the version where every indicator had its first answer
    last: int  # the assessment's last version
    admin_id: str  # the member admin of the directory who started it and answered
    auditor_id: str  # an auditor of the directory (no grant yet)
    auditor: dict[str, str]  # their bearer token


async def given_audited(api: Api, name: str = "AI Le Relais", region: str = "NPC") -> Audited:
    given_referential(api)
    tenant = given_member(api, name, region=region)
    admin_id = given_person(api, "member_admin", tenant=tenant, name="Claire Martin")
    auditor_id = given_person(api, "auditor", name="Aude Vérif")
    app = cap_app(api)
    by = principal(tenant, admin_id)
    with command_context(actor_id=admin_id, actor_role="member_admin", tenant_id=tenant, correlation_id="scenario"):
        assessment = str(
            app.start_assessment(
                tenant_id=tenant, region=region, forms=("AI",), scope="member", referential_version=None
            ).id
        )
        first = answer_everything(api, tenant, assessment, level=FIRST_LEVEL, participant=admin_id)
        app.answer(UUID(assessment), by=by, indicator=CHANGED, participant_id=admin_id, level=LAST_LEVEL)
        last = app.submit(UUID(assessment), by=by)
    await in_directory(api)
    await caught_up(platform_of(api).database.url())
    return Audited(
        tenant=tenant,
        assessment_id=assessment,
        answered_first=first.version,
        last=last.version,
        admin_id=admin_id,
        auditor_id=auditor_id,
        auditor=api.token("auditor", subject=auditor_id),
    )


def level_in(page: str, code: str) -> str:
    """The level the état page shows for an indicator."""
    row = re.search(rf'<tr id="indicateur-{code.replace(".", "-")}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {code}"
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    return cells[1].strip()


async def grant_through_page(api: Api, auditor_id: str, **fields: str) -> Any:
    """Staff send the grant form of /audit/acces, as a browser would."""
    page = await api.client.get("/audit/acces", headers=api.staff)
    assert page.status_code == 200, page.text
    data = {"auditeur": auditor_id, "debut": "", "fin": "2100-12-31", "motif": "Contrôle annuel", **fields}
    return await api.client.post(
        "/audit/acces",
        headers=api.staff,
        data={"_csrf_token": csrf_token(page.text), **data},
        follow_redirects=False,
    )


async def given_grant(api: Api, audited: Audited, **fields: str) -> None:
    answer = await grant_through_page(api, audited.auditor_id, **{"adherent": audited.tenant, **fields})
    assert answer.status_code == 303, answer.text
    await caught_up(platform_of(api).database.url())


def first_sheet_level(api: Api, audited: Audited) -> int:
    events = cap_app(api).assessment_events(UUID(audited.assessment_id))
    return sheet_as_of(events, Moment(version=audited.answered_first)).answers[CHANGED][audited.admin_id].level
