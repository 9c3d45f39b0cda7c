"""HTTP routes of the directory (thin: parse, authorise, call the application or a query)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from services.people import queries
from services.people.api.schemas import Deactivation, Invitation, RoleChange
from services.people.application import PeopleApplication
from services.people.domain.errors import PersonNotFound
from services.people.domain.person import Status
from services.people.invitations import invitation_was_queued, send_invitation
from services.people.read_models import PeoplePage, PersonEntry
from shared.auth import Role, requires
from shared.commands import is_replay, run_command
from shared.eventstore import CommandResult
from shared.http_errors import COMMAND_ERRORS, QUERY_ERRORS
from shared.platform import Platform
from shared.tenancy import read_scope, scoped_connection
from shared.values import SINGLE_LINE_PATTERN
from shared.web.session import sessions_of

READERS = requires(*Role)
MANAGERS = requires(Role.NATIONAL_STAFF, Role.MEMBER_ADMIN)

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="How many people per page (1 to 500)")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="How many people to skip")]
WaitFor = Annotated[int | None, QueryParameter(ge=1, description="a notification id to wait for")]
RoleFilter = Annotated[Role | None, QueryParameter(description="Only people with this role")]
StatusFilter = Annotated[Status | None, QueryParameter(description="Only people in this state")]
TextFilter = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=300,
        pattern=SINGLE_LINE_PATTERN,
        description="Only people whose name or e-mail contains this text (case ignored)",
    ),
]


def people_application(platform: Platform) -> PeopleApplication:
    application = platform.application("people")
    if not isinstance(application, PeopleApplication):
        raise TypeError(f"the people service runs {type(application).__name__}, not PeopleApplication")
    return application


class PeopleController(Controller):
    path = "/api/people"
    tags = ["people"]

    @get(
        "/",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="List people (scoped: a member's people, a region's, or everyone for national staff)",
        description="The people of the directory the caller may see, by name, filtered and paginated.",
    )
    async def list_people(
        self,
        request: Request,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        role: RoleFilter = None,
        status: StatusFilter = None,
        name: TextFilter = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> PeoplePage:
        await platform.wait_for("people", wait_for)
        scope = await read_scope(platform.write_pool, request.user)
        async with scoped_connection(platform.read_pool, scope) as conn:
            return await queries.list_people(
                conn,
                role=role.value if role else None,
                status=status.value if status else None,
                name=name,
                limit=limit,
                offset=offset,
            )

    @get(
        "/{person_id:uuid}",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="A person of the directory",
        description="The person's name, e-mail, role, member or region and state; 404 when the caller may not "
        "see them.",
    )
    async def person(
        self, request: Request, person_id: FromPath[UUID], platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> PersonEntry:
        await platform.wait_for("people", wait_for)
        scope = await read_scope(platform.write_pool, request.user)
        async with scoped_connection(platform.read_pool, scope) as conn:
            entry = await queries.person(conn, str(person_id))
        if entry is None:
            raise PersonNotFound(person_id)
        return entry

    @post(
        "/",
        responses=COMMAND_ERRORS,
        guards=[MANAGERS],
        status_code=201,
        summary="Invite someone",
        description="Adds a person to the directory and e-mails them a link to choose their password. A member "
        "admin invites admins, contributors and peer reviewers of their own member; national staff invite "
        "anyone (regional roles with their region, member roles with the member).",
        response_description="The new person's id, version and the notification id to wait for",
    )
    async def invite(
        self, request: Request, data: JSONBody[Invitation], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = people_application(platform)
        answer = await run_command(
            request,
            app,
            lambda: app.invite(
                request.user, details=data.details(), role=data.role.value, tenant=data.tenant, region=data.region
            ),
            name="invite",
            status_code=201,
        )
        person_id = UUID(answer.content.id)
        # A retried request changed nothing, and a second e-mail would end the first one's link; but
        # a first attempt that died between its commit and its e-mail left none: the retry sends it.
        if not is_replay(answer) or not await invitation_was_queued(platform, person_id):
            person = await to_thread.run_sync(app.person, person_id)
            await send_invitation(platform, person.id, person.details, person.role, datetime.now(UTC))
        return answer

    @post(
        "/{person_id:uuid}/role",
        status_code=200,
        responses=COMMAND_ERRORS,
        guards=[MANAGERS],
        summary="Change a person's role",
        description="Gives the person another role (with the member or region it needs); it takes effect at their "
        "next request.",
    )
    async def change_role(
        self,
        request: Request,
        person_id: FromPath[UUID],
        data: JSONBody[RoleChange],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = people_application(platform)
        return await run_command(
            request,
            app,
            lambda: app.change_role(
                request.user, person_id, role=data.role.value, tenant=data.tenant, region=data.region
            ),
            name="change_role",
        )

    @post(
        "/{person_id:uuid}/deactivate",
        status_code=200,
        responses=COMMAND_ERRORS,
        guards=[MANAGERS],
        summary="Deactivate a person",
        description="The person can no longer sign in, and their open sessions end.",
    )
    async def deactivate(
        self,
        request: Request,
        person_id: FromPath[UUID],
        data: JSONBody[Deactivation],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = people_application(platform)
        answer = await run_command(
            request, app, lambda: app.deactivate(request.user, person_id, reason=data.reason), name="deactivate"
        )
        await sessions_of(request.app.state).end_all(person_id)
        return answer

    @post(
        "/{person_id:uuid}/reactivate",
        status_code=200,
        responses=COMMAND_ERRORS,
        guards=[MANAGERS],
        summary="Reactivate a person",
        description="The person may sign in again (or accept their invitation, if they had not yet).",
    )
    async def reactivate(
        self, request: Request, person_id: FromPath[UUID], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = people_application(platform)
        return await run_command(request, app, lambda: app.reactivate(request.user, person_id), name="reactivate")
