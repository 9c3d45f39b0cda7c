"""le Cap across a region, built as le Cap's API tests build it (the application with the times
things would have happened): in Nord-Pas-de-Calais one member's assessment stalled for 90 days, one
validated with a plan action ten days overdue, one submitted and waiting for the delegate's review;
in Bretagne one validated assessment (another region's, for isolation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from tests.helpers.api import Api
from tests.helpers.assessment_api import (
    cap_app,
    caught_up,
    given_member,
    given_referential,
    given_submitted,
    given_validated,
    platform_of,
    principal,
)

OVERDUE = "1.1.1"


@dataclass(frozen=True)
class CapRegion:
    stalled: str
    validated: str
    submitted: str
    breton: str
    tenants: dict[str, str]  # name -> member id


def _start(api: Api, tenant: str, region: str, at: datetime | None = None) -> UUID:
    started = cap_app(api).start_assessment(
        tenant_id=tenant, region=region, forms=("AI",), scope="member", referential_version=None, at=at
    )
    return UUID(started.id)


async def given_cap_region(api: Api) -> CapRegion:
    given_referential(api)
    app = cap_app(api)
    names = {
        "quiet": "AI Silencieuse",
        "busy": "AI Active",
        "waiting": "AI En attente",
        "breton": "ACI Bretonne",
    }
    tenants = {key: given_member(api, name, region="BRE" if key == "breton" else "NPC") for key, name in names.items()}
    long_ago = datetime.now(UTC) - timedelta(days=90)
    stalled = _start(api, tenants["quiet"], "NPC", long_ago)
    app.invite_participant(
        stalled,
        directory=None,
        by=principal(tenants["quiet"]),
        participant_id="x",
        name="X",
        kind="staff",
        sub_themes=(),
        at=long_ago,
    )
    app.answer(stalled, by=principal(tenants["quiet"]), indicator=OVERDUE, participant_id="x", level=2, at=long_ago)
    validated = _start(api, tenants["busy"], "NPC")
    given_validated(api, tenants["busy"], str(validated), level=1)
    app.adopt_action(validated, OVERDUE, by=principal(tenants["busy"]))
    app.schedule_action(
        validated, OVERDUE, by=principal(tenants["busy"]), owner="Directrice", due_on=date.today() - timedelta(days=10)
    )
    submitted = _start(api, tenants["waiting"], "NPC")
    given_submitted(api, tenants["waiting"], str(submitted), level=3)
    app.request_review(
        submitted,
        directory=None,
        by=principal(tenants["waiting"]),
        kind="third_party",
        reviewer_id="delegue-npc",
        reviewer_role="regional_delegate",
    )
    breton = _start(api, tenants["breton"], "BRE")
    given_validated(api, tenants["breton"], str(breton), level=4)
    await caught_up(platform_of(api).database.url())
    return CapRegion(
        stalled=str(stalled),
        validated=str(validated),
        submitted=str(submitted),
        breton=str(breton),
        tenants={names[k]: v for k, v in tenants.items()},
    )
