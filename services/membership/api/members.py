"""HTTP routes of the member register (thin: parse, authorise, call the application or a query)."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.membership import queries
from services.membership.api.dependencies import STAFF, membership_application
from services.membership.api.params import (
    AsOf,
    CertificationFilter,
    FormFilter,
    IdempotencyKey,
    KnownAt,
    Limit,
    NameFilter,
    Offset,
    RegionFilter,
    StatusFilter,
    WaitFor,
    asked,
    or_today,
)
from services.membership.api.schemas import MemberRegistration
from services.membership.domain.errors import MemberNotFound
from services.membership.read_cache import REGISTER_ANSWERS
from services.membership.read_models import HistoryEntry, MemberPage, MemberRecord
from shared.auth import Role, requires
from shared.commands import run_command
from shared.eventstore import CommandResult
from shared.http_errors import COMMAND_ERRORS, QUERY_ERRORS
from shared.platform import Platform
from shared.tenancy import read_scope, scoped_connection

READERS = requires(
    Role.NATIONAL_STAFF,
    Role.REGIONAL_DELEGATE,
    Role.TRAINER,
    Role.MEMBER_ADMIN,
    Role.MEMBER_CONTRIBUTOR,
    Role.PEER_REVIEWER,
)


class MemberController(Controller):
    path = "/api/membership/members"
    tags = ["membership"]

    @post(
        "/",
        responses=COMMAND_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Register a member",
        description="Registers a member enterprise with its SIRET (unique across the register), forms, "
        "region, joining date, contact and town.",
        response_description="The new member's id, its version (also in ETag) and the notification id to wait for",
    )
    async def register(
        self,
        request: Request,
        data: JSONBody[MemberRegistration],
        platform: NamedDependency[Platform],
        idempotency_key: IdempotencyKey = None,  # read by `run_command`; declared for the OpenAPI document
    ) -> Response[CommandResult]:
        app = membership_application(platform)
        return await run_command(
            request,
            app,
            lambda: app.register_member(
                name=data.name,
                siret=data.siret,
                forms=tuple(form.value for form in data.forms),
                region=data.region,
                joined_on=data.joined_on,
                contact=data.contact.as_contact(),
                city=data.city,
                after_split=data.after_split,
            ),
            name="register_member",
            status_code=201,
        )

    @get(
        "/",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="List members (filtered, paginated; as_of / known_at: the register at a date, as known then)",
        description="The members the caller may see, filtered and paginated; with `as_of` the register as it "
        "stood on that date, with `known_at` as it was known at that time.",
    )
    async def list_members(
        self,
        request: Request,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        region: RegionFilter = None,
        form: FormFilter = None,
        status: StatusFilter = None,
        certification: CertificationFilter = None,
        name: NameFilter = None,
        limit: Limit = 50,
        offset: Offset = 0,
        as_of: AsOf = None,
        known_at: KnownAt = None,
    ) -> MemberPage:
        await platform.wait_for("membership", wait_for, ["register"])
        day, known_at = asked(as_of, known_at)
        scope, on = await read_scope(platform.write_pool, request.user), or_today(day)

        async def read() -> MemberPage:
            async with scoped_connection(platform.read_pool, scope) as conn:
                return await queries.list_members(
                    conn,
                    on=on,
                    known_at=known_at,
                    region=region,
                    form=form,
                    status=status,
                    certification=certification,
                    name=name,
                    limit=limit,
                    offset=offset,
                    scope=scope,
                )

        arguments = ("members", scope, region, form, status, certification, name, limit, offset)
        page = await REGISTER_ANSWERS.answer(platform, arguments, on, known_at, read)
        return msgspec.structs.replace(page, as_of=day, known_at=known_at)

    @get(
        "/{member_id:uuid}",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="A member's record (as_of / known_at: the register at a date, as known then)",
        description="A member's record (forms, region, status, certification, Accord Groupe, dues, tenures), "
        "live or as of a date; 404 when the caller may not see it.",
    )
    async def record(
        self,
        request: Request,
        member_id: FromPath[UUID],
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
    ) -> MemberRecord:
        await platform.wait_for("membership", wait_for, ["register"])
        day, known_at = asked(as_of, known_at)
        record = await queries.member_record(
            platform.read_pool,
            await read_scope(platform.write_pool, request.user),
            str(member_id),
            or_today(day),
            known_at,
        )
        if record is None:
            raise MemberNotFound(member_id)
        return msgspec.structs.replace(record, as_of=day, known_at=known_at)

    @get(
        "/{member_id:uuid}/history",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="Every change to a member, with both dates",
        description="Every recorded change to a member: the date it takes effect, the time it was recorded, "
        "who recorded it and with which correlation id.",
    )
    async def history(
        self, request: Request, member_id: FromPath[UUID], platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> list[HistoryEntry]:
        await platform.wait_for("membership", wait_for, ["member_history"])
        async with scoped_connection(platform.read_pool, await read_scope(platform.write_pool, request.user)) as conn:
            entries = await queries.member_history(conn, str(member_id))
        if not entries:
            raise MemberNotFound(member_id)
        return entries
