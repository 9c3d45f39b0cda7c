"""/fms: the calls open to my enterprise and its applications (lead or partner), with what is
expected next; POST /fms/appels/{call_id}/candidature starts a draft from a call's card."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from services.training import queries
from services.training.access import access_of
from services.training.api.common import CallId
from services.training.application import ContentRequest
from services.training.redaction import application_summary
from services.training.web.member_common import (
    ELIGIBILITY_WORDS,
    MEMBERS,
    STATUS_WORDS,
    fund_command,
    page,
    training_app,
)
from shared.auth import Principal
from shared.errors import DomainError
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.forms import form_fields, refusal, see_other
from shared.web.notices import flash, take_notice

PAGE_SIZE = 20
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000, description="the page of my applications")]


async def _home(
    request: Request[Any, Any, Any],
    platform: Platform,
    *,
    number: int = 1,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    principal: Principal = request.user
    tenant = str(principal.tenant)
    today = training_app(platform).today()
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        calls = await queries.calls(conn)  # a handful a year: public to every signed-in user
    open_calls = [c for c in calls if c["status"] == "open" and c["opens_on"] <= today <= c["closes_on"]]
    titles = {c["call_id"]: c["title"] for c in calls}
    access = await access_of(platform, principal)
    async with scoped_connection(platform.read_pool, access.scope) as conn:
        rows, total = await queries.funding_applications(
            conn, enterprise_id=tenant, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
    return page(
        "applying/home.html",
        status,
        title="Fonds Mutualisés Solidaires",
        notice=await take_notice(request),
        open_calls=open_calls,
        applications=[application_summary(r, access) for r in rows],
        call_titles=titles,
        tenant=tenant,
        total=total,
        number=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        status_words=STATUS_WORDS,
        eligibility_words=ELIGIBILITY_WORDS,
        errors=errors or {},
        typed=typed or {},
    )


@get("/", guards=[MEMBERS])
async def member_home(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    number: PageNumber = 1,
) -> Template:
    return await _home(request, platform, number=number)


@post("/appels/{call_id:uuid}/candidature", guards=[MEMBERS], status_code=303)
async def start_application(
    request: Request[Any, Any, Any], call_id: CallId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    fields = await form_fields(request)
    title = fields.get(f"titre-{call_id}", "")
    key = f"titre-{call_id}"
    if not title:
        return await _home(request, platform, status=400, errors={key: "Donnez un titre à votre projet."}, typed=fields)
    content = ContentRequest(title=title, summary="", partner_ids=(), trainings=(), requested=Decimal(0))
    try:
        result = await fund_command(
            request,
            platform,
            "draft_application",
            lambda app: app.draft_application(call_id, lead_id=str(principal.tenant), content=content, on=app.today()),
        )
    except DomainError as error:
        return await _home(
            request, platform, status=error.status_code, errors=refusal(error, {"title": key}), typed=fields
        )
    await flash(request, "Le brouillon est créé : vos collègues le voient et peuvent le compléter.")
    return see_other(f"/fms/candidatures/{result.id}")
