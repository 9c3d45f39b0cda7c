"""HTTP routes of the member register (thin: parse, authorise, call the application or a query)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from services.membership import queries
from services.membership.api.params import (
    CertificationFilter,
    FormFilter,
    IdempotencyKey,
    Limit,
    NameFilter,
    Offset,
    RegionFilter,
    StatusFilter,
)
from services.membership.api.schemas import (
    DetailsChange,
    HistoryEntry,
    MemberPage,
    MemberRecord,
    MemberRegistration,
    MemberSummary,
)
from services.membership.application import MembershipApplication
from services.membership.domain.errors import MemberNotFound
from services.membership.domain.member import Contact
from services.membership.register_as_of import member_as_of, register_as_of
from shared.auth import Principal, Role, requires
from shared.commands import run_command
from shared.errors import COMMAND_ERRORS, QUERY_ERRORS
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import scope_of, scoped_connection

STAFF = requires(Role.NATIONAL_STAFF)
READERS = requires(
    Role.NATIONAL_STAFF,
    Role.REGIONAL_DELEGATE,
    Role.TRAINER,
    Role.MEMBER_ADMIN,
    Role.MEMBER_CONTRIBUTOR,
    Role.PEER_REVIEWER,
)
WaitFor = Annotated[int | None, QueryParameter(ge=1, description="a notification id to wait for")]
AsOf = Annotated[date | None, QueryParameter(description="effective date: the register as it stood then")]
KnownAt = Annotated[datetime | None, QueryParameter(description="recording time: the register as it was known then")]


def _app(platform: NamedDependency[Platform]) -> MembershipApplication:
    application = platform.application("membership")
    if not isinstance(application, MembershipApplication):
        raise TypeError(f"the membership service runs {type(application).__name__}, not MembershipApplication")
    return application


def _contact(body: DetailsChange | MemberRegistration) -> Contact:
    return Contact(name=body.contact.name, email=body.contact.email, phone=body.contact.phone)


def _today(value: date | None) -> date:
    return value or date.today()


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
    ) -> CommandResult:
        app = _app(platform)
        return await run_command(
            request,
            app,
            lambda: app.register_member(
                name=data.name,
                siret=data.siret,
                forms=tuple(form.value for form in data.forms),
                region=data.region,
                joined_on=data.joined_on,
                contact=_contact(data),
                city=data.city,
            ),
            name="register_member",
            status_code=201,
        )

    @get(
        "/",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="List members (filtered, paginated; as_of / known_at from events)",
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
        scope = scope_of(request.user)
        if as_of is not None or known_at is not None:
            rows = await to_thread.run_sync(register_as_of, _app(platform), as_of, known_at)
            rows = [
                r
                for r in rows
                if scope.allows_tenant(r["tenant_id"], r["region"])
                and (region is None or r["region"] == region)
                and (form is None or form in r["forms"])
                and (status is None or r["status"] == status)
                and (certification is None or r["certification_scheme"] == certification)
                and (name is None or name.lower() in r["name"].lower())
            ]
            items = [
                MemberSummary(
                    member_id=r["member_id"],
                    name=r["name"],
                    siret=r["siret"],
                    forms=r["forms"],
                    region=r["region"],
                    city=r["city"],
                    status=r["status"],
                    certification_scheme=r["certification_scheme"],
                    accord_groupe=r["accord_groupe_since"] is not None,
                    version=r["version"],
                )
                for r in rows[offset : offset + limit]
            ]
            return MemberPage(items=items, total=len(rows), limit=limit, offset=offset, as_of=as_of, known_at=known_at)
        await platform.wait_for("membership", wait_for, ["register"])
        async with scoped_connection(platform.read_pool, scope) as conn:
            return await queries.list_members(
                conn,
                region=region,
                form=form,
                status=status,
                certification=certification,
                name=name,
                limit=limit,
                offset=offset,
            )

    @get(
        "/{member_id:uuid}",
        responses=QUERY_ERRORS,
        guards=[READERS],
        summary="A member's record (as_of / known_at from events)",
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
        principal: Principal = request.user
        scope = scope_of(principal)
        if as_of is not None or known_at is not None:
            row = await to_thread.run_sync(member_as_of, _app(platform), member_id, as_of, known_at)
            if row is None or not scope.allows_tenant(row["tenant_id"], row["region"]):
                raise MemberNotFound(member_id)
            return MemberRecord(
                **{k: v for k, v in row.items() if k in MemberRecord.__struct_fields__}, as_of=as_of, known_at=known_at
            )
        await platform.wait_for("membership", wait_for, ["register"])
        async with scoped_connection(platform.read_pool, scope) as conn:
            record = await queries.member_record(conn, str(member_id))
        if record is None:
            raise MemberNotFound(member_id)
        return record

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
        async with scoped_connection(platform.read_pool, scope_of(request.user)) as conn:
            entries = await queries.member_history(conn, str(member_id))
        if not entries:
            raise MemberNotFound(member_id)
        return entries
