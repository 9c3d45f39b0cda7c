"""/cap: the member's assessments (the current one first) and starting a new one."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment import queries
from services.assessment.api.common import access, active_member
from services.assessment.web.answering_forms import ADMIN, TEAM, command, done, notice_of, page
from services.assessment.web.answering_view import STAGES
from shared.auth import Principal, Role
from shared.errors import DomainError
from shared.platform import Platform
from shared.tenancy import scoped_connection
from shared.web.forms import refusal


async def _list_page(
    request: Request[Any, Any, Any], platform: Platform, errors: dict[str, str], status: int
) -> Template:
    principal: Principal = request.user
    who = await access(request, platform)
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        found = await queries.list_assessments(conn, who, tenant=principal.tenant, status=None, limit=100, offset=0)
    items = sorted(found.items, key=lambda a: a.status == "validated" or a.superseded_by is not None)
    current = next((a for a in items if a.status != "validated"), None)
    return page(
        "list.html",
        status,
        title="le Cap : mes auto-évaluations",
        notice=notice_of(request),
        assessments=items,
        current=current,
        stages=STAGES,
        can_start=principal.has(Role.MEMBER_ADMIN) and current is None,
        errors=errors,
    )


@get("/", guards=[TEAM])
async def assessments(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Template:
    return await _list_page(request, platform, {}, 200)


@post("/", guards=[ADMIN], status_code=303)
async def start(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Redirect | Template:
    principal: Principal = request.user
    tenant_id = str(principal.tenant)
    try:
        member = await active_member(platform, tenant_id)
        result = await command(
            request,
            platform,
            "start_assessment",
            lambda app: app.start_assessment(
                tenant_id=tenant_id,
                region=member.region,
                forms=tuple(member.forms),
                scope="member",
                referential_version=None,
            ),
        )
    except DomainError as error:
        return await _list_page(request, platform, refusal(error), error.status_code)
    return done(f"/cap/{result.id}", "commencee")
