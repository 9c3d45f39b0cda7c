"""What le Cap's result pages share: who is looking, and the words for codes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request

from services.assessment.access import Access, access_of
from services.assessment.api.common import record_audit_read
from shared.auth import Principal, Role
from shared.platform import Platform

TEAM_ROLES = (Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)

STATUSES = {
    "in_progress": "en cours",
    "submitted": "soumise",
    "under_review": "en relecture",
    "reviewed": "relue",
    "validated": "validée",
}
PRIORITIES = {"high": "haute", "medium": "moyenne", "low": "basse"}
ACTION_STATES = {
    "proposed": "proposée",
    "adopted": "adoptée",
    "scheduled": "planifiée",
    "done": "réalisée",
    "dropped": "abandonnée",
}


def principal_of(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    assert isinstance(user, Principal), "the page's guard lets only signed-in people through"
    return user


async def access(request: Request[Any, Any, Any], platform: Platform) -> Access:
    return await access_of(platform.read_pool, principal_of(request))


def acts_for(principal: Principal, tenant_id: str) -> bool:
    """The member's own team decides on its plan; others (delegates, staff, auditors) only read."""
    return principal.tenant == tenant_id and bool(principal.roles & set(TEAM_ROLES))


async def audited(
    request: Request[Any, Any, Any], platform: Platform, who: Access, tenant_id: str, assessment_id: UUID, resource: str
) -> None:
    """An auditor's read through a grant is recorded, on a page as on the API."""
    await record_audit_read(
        request, platform, who, tenant_id=tenant_id, assessment_id=str(assessment_id), resource=resource
    )
