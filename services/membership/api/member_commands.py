"""HTTP routes of the commands national staff send about a member (one line of domain call each).

Each changes an existing member: it answers 200 with the member's new version (also its `ETag`) and
the notification id to pass as `wait_for` to read the change back. Every handler has one shape: the
use case (a `MembershipApplication` method) and its values, run by `_member_change`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.membership.api.dependencies import STAFF, membership_application
from services.membership.api.params import COMMAND_HEADERS, IF_MATCH_PATTERN, MemberId, or_today
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
from shared.errors import InvalidInput
from shared.eventstore import CommandResult
from shared.http_errors import COMMAND_ERRORS
from shared.platform import Platform
from shared.values import check_money

# A use case about one member: a `MembershipApplication` method taking the member id, the command's
# values and `expected_version`.
MemberUseCase = Callable[..., CommandResult]


async def _member_change(
    request: Request, platform: Platform, use_case: MemberUseCase, member_id: UUID, **values: Any
) -> Response[CommandResult]:
    """Run a member's use case with the version the client last read (`If-Match`), if it sent one."""
    app, version = membership_application(platform), _expected_version(request)
    return await run_command(
        request,
        app,
        lambda: use_case(app, member_id, **values, expected_version=version),
        name=use_case.__name__,
    )


async def _dues(
    request: Request, platform: Platform, use_case: MemberUseCase, member_id: UUID, data: DuesIn
) -> Response[CommandResult]:
    """Dues called or paid: the same values, checked the same way, for either use case."""
    amount = check_money(data.amount, "amount")
    return await _member_change(
        request, platform, use_case, member_id, year=data.year, amount=amount, effective_on=or_today(data.effective_on)
    )


def _expected_version(request: Request) -> int | None:
    """`If-Match` exactly as the OpenAPI document states it (Litestar checks only the parameters a
    handler's signature names; this header is declared on the controller)."""
    value = request.headers.get("if-match")
    if value is not None and not re.search(IF_MATCH_PATTERN, value):
        raise InvalidInput(
            "l'en-tête « If-Match » doit être la version de la fiche que vous avez lue (son ETag), "
            'par exemple If-Match: "3"',
            field="If-Match",
        )
    return expected_version(request)


def member_command(path: str, summary: str, description: str) -> Callable:
    """The decorator of a member command: a POST that answers 200 (it creates nothing)."""
    return post(
        path,
        status_code=200,
        responses=COMMAND_ERRORS,
        summary=summary,
        description=description,
        response_description="The member's new version (also in ETag) and the notification id to wait for",
    )


class MemberCommandController(Controller):
    path = "/api/membership/members/{member_id:uuid}"
    tags = ["membership"]
    guards = [STAFF]
    parameters = COMMAND_HEADERS

    @member_command(
        "/details",
        "Change name, contact or city",
        "Records the member's new name, contact person and town, from `effective_on` (default today).",
    )
    async def change_details(
        self, request: Request, member_id: MemberId, data: JSONBody[DetailsChange], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.change_details,
            member_id,
            name=data.name,
            contact=data.contact.as_contact(),
            city=data.city,
            effective_on=or_today(data.effective_on),
        )

    @member_command(
        "/forms",
        "Change (or correct) the member's forms",
        "Records the member's forms from `effective_on`; refused when they are the forms it already has.",
    )
    async def change_forms(
        self, request: Request, member_id: MemberId, data: JSONBody[FormsChange], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.change_forms,
            member_id,
            forms=tuple(form.value for form in data.forms),
            effective_on=or_today(data.effective_on),
            reason=data.reason,
        )

    @member_command(
        "/region",
        "Move the member to another region",
        "Moves the member to an active region from `effective_on`; refused when it is already there.",
    )
    async def move_to_region(
        self, request: Request, member_id: MemberId, data: JSONBody[RegionMove], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.move_to_region,
            member_id,
            region=data.region,
            effective_on=or_today(data.effective_on),
            reason=data.reason,
            after_split=data.after_split,
        )

    @member_command(
        "/certification",
        "Record a CEDRE certification",
        "Records the certificate an active member obtained (individual, or collective with the shared "
        "certificate's `group_id`); it takes effect on `obtained_on`.",
    )
    async def certify(
        self,
        request: Request,
        member_id: MemberId,
        data: JSONBody[CertificationIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        certification = Certification(
            scheme=data.scheme.value,
            scope=data.scope.value,
            obtained_on=data.obtained_on,
            expires_on=data.expires_on,
            group_id=data.group_id,
        )
        return await _member_change(
            request, platform, MembershipApplication.certify, member_id, certification=certification
        )

    @member_command(
        "/certification/loss",
        "Record the loss of a certification",
        "Records that the member no longer holds its certificate, from `effective_on`.",
    )
    async def lose_certification(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.lose_certification,
            member_id,
            effective_on=or_today(data.effective_on),
            reason=data.reason,
        )

    @member_command(
        "/accord-groupe/join",
        "Join the Accord Groupe COORACE – AGEFOS PME",
        "Records that an active member enters the Accord Groupe on `effective_on`, which cannot precede "
        "the date it joined the federation.",
    )
    async def join_accord_groupe(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedChange], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.join_accord_groupe,
            member_id,
            effective_on=or_today(data.effective_on),
        )

    @member_command(
        "/accord-groupe/leave",
        "Leave the Accord Groupe",
        "Records that the member leaves the Accord Groupe on `effective_on`.",
    )
    async def leave_accord_groupe(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedChange], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.leave_accord_groupe,
            member_id,
            effective_on=or_today(data.effective_on),
        )

    @member_command(
        "/dues/calls",
        "Record the dues called for a year",
        "Records the amount of dues called from an active member for a year (once per year).",
    )
    async def call_dues(
        self, request: Request, member_id: MemberId, data: JSONBody[DuesIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _dues(request, platform, MembershipApplication.call_dues, member_id, data)

    @member_command(
        "/dues/payments",
        "Record a dues payment",
        "Records a payment of a year's dues; the payments of a year never exceed what was called.",
    )
    async def pay_dues(
        self, request: Request, member_id: MemberId, data: JSONBody[DuesIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _dues(request, platform, MembershipApplication.pay_dues, member_id, data)

    @member_command(
        "/resignation",
        "Record a resignation",
        "Records that an active member resigns, from `effective_on`.",
    )
    async def resign(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.resign,
            member_id,
            effective_on=or_today(data.effective_on),
            reason=data.reason,
        )

    @member_command(
        "/exclusion",
        "Record an exclusion",
        "Records the board's exclusion of an active member, with its reason, from `effective_on`.",
    )
    async def exclude(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.exclude,
            member_id,
            effective_on=or_today(data.effective_on),
            reason=data.reason,
        )

    @member_command(
        "/reinstatement",
        "Reinstate a member that left",
        "Makes a resigned or excluded member active again, from `effective_on`.",
    )
    async def reinstate(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _member_change(
            request,
            platform,
            MembershipApplication.reinstate,
            member_id,
            effective_on=or_today(data.effective_on),
            reason=data.reason,
        )
