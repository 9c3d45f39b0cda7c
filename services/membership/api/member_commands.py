"""HTTP routes of the commands national staff send about a member (one line of domain call each)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.membership.api.members import STAFF, _app, _contact, _today
from services.membership.api.schemas import (
    CertificationIn,
    DatedChange,
    DatedReason,
    DetailsChange,
    DuesIn,
    FormsChange,
    RegionMove,
)
from services.membership.application import MembershipApplication
from services.membership.domain.member import Certification
from shared.commands import expected_version, run_command
from shared.errors import COMMAND_ERRORS
from shared.eventstore import CommandResult
from shared.platform import Platform

Command = Callable[[MembershipApplication, int | None], CommandResult]


async def _change(request: Request, platform: Platform, name: str, command: Command) -> Response[CommandResult]:
    """Run a member command with the version the client last read (`If-Match`), if it sent one."""
    app, version = _app(platform), expected_version(request)
    return await run_command(request, app, lambda: command(app, version), name=name)


class MemberCommandController(Controller):
    path = "/api/membership/members/{member_id:uuid}"
    tags = ["membership"]
    guards = [STAFF]

    @post("/details", responses=COMMAND_ERRORS, summary="Change name, contact or city")
    async def change_details(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DetailsChange],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "change_details", lambda app, version: app.change_details(
            member_id, name=data.name, contact=_contact(data), city=data.city,
            effective_on=_today(data.effective_on), expected_version=version))

    @post("/forms", responses=COMMAND_ERRORS, summary="Change (or correct) the member's forms")
    async def change_forms(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[FormsChange],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "change_forms", lambda app, version: app.change_forms(
            member_id, forms=tuple(data.forms), effective_on=_today(data.effective_on), reason=data.reason,
            expected_version=version))

    @post("/region", responses=COMMAND_ERRORS, summary="Move the member to another region")
    async def move_to_region(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[RegionMove],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "move_to_region", lambda app, version: app.move_to_region(
            member_id, region=data.region, effective_on=_today(data.effective_on), reason=data.reason,
            expected_version=version))

    @post("/certification", responses=COMMAND_ERRORS, summary="Record a CEDRE certification")
    async def certify(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[CertificationIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        certification = Certification(scheme=data.scheme, scope=data.scope, obtained_on=data.obtained_on,
                                      expires_on=data.expires_on, group_id=data.group_id)
        return await _change(request, platform, "certify", lambda app, version: app.certify(
            member_id, certification=certification, expected_version=version))

    @post("/certification/loss", responses=COMMAND_ERRORS, summary="Record the loss of a certification")
    async def lose_certification(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DatedReason],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "lose_certification", lambda app, version: app.lose_certification(
            member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version))

    @post("/accord-groupe/join", responses=COMMAND_ERRORS, summary="Join the Accord Groupe COORACE – AGEFOS PME")
    async def join_accord_groupe(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DatedChange],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "join_accord_groupe", lambda app, version: app.join_accord_groupe(
            member_id, effective_on=_today(data.effective_on), expected_version=version))

    @post("/accord-groupe/leave", responses=COMMAND_ERRORS, summary="Leave the Accord Groupe")
    async def leave_accord_groupe(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DatedChange],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "leave_accord_groupe", lambda app, version: app.leave_accord_groupe(
            member_id, effective_on=_today(data.effective_on), expected_version=version))

    @post("/dues/calls", responses=COMMAND_ERRORS, summary="Record the dues called for a year")
    async def call_dues(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DuesIn], platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "call_dues", lambda app, version: app.call_dues(
            member_id, year=data.year, amount=data.amount, effective_on=_today(data.effective_on),
            expected_version=version))

    @post("/dues/payments", responses=COMMAND_ERRORS, summary="Record a dues payment")
    async def pay_dues(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DuesIn], platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "pay_dues", lambda app, version: app.pay_dues(
            member_id, year=data.year, amount=data.amount, effective_on=_today(data.effective_on),
            expected_version=version))

    @post("/resignation", responses=COMMAND_ERRORS, summary="Record a resignation")
    async def resign(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DatedReason],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "resign", lambda app, version: app.resign(
            member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version))

    @post("/exclusion", responses=COMMAND_ERRORS, summary="Record an exclusion")
    async def exclude(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DatedReason],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "exclude", lambda app, version: app.exclude(
            member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version))

    @post("/reinstatement", responses=COMMAND_ERRORS, summary="Reinstate a member that left")
    async def reinstate(
        self, request: Request, member_id: FromPath[UUID], data: JSONBody[DatedReason],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await _change(request, platform, "reinstate", lambda app, version: app.reinstate(
            member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version))
