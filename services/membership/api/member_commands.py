"""HTTP routes of the commands national staff send about a member (one line of domain call each).

Each changes an existing member: it answers 200 with the member's new version (also its `ETag`) and
the notification id to pass as `wait_for` to read the change back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.membership.api.members import STAFF, _app, _contact, _today
from services.membership.api.params import COMMAND_HEADERS, IF_MATCH_PATTERN, MemberId
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

Command = Callable[[MembershipApplication, int | None], CommandResult]


async def _change(request: Request, platform: Platform, name: str, command: Command) -> Response[CommandResult]:
    """Run a member command with the version the client last read (`If-Match`), if it sent one."""
    app, version = _app(platform), _expected_version(request)
    return await run_command(request, app, lambda: command(app, version), name=name)


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
        return await _change(
            request,
            platform,
            "change_details",
            lambda app, version: app.change_details(
                member_id,
                name=data.name,
                contact=_contact(data),
                city=data.city,
                effective_on=_today(data.effective_on),
                expected_version=version,
            ),
        )

    @member_command(
        "/forms",
        "Change (or correct) the member's forms",
        "Records the member's forms from `effective_on`; refused when they are the forms it already has.",
    )
    async def change_forms(
        self, request: Request, member_id: MemberId, data: JSONBody[FormsChange], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "change_forms",
            lambda app, version: app.change_forms(
                member_id,
                forms=tuple(form.value for form in data.forms),
                effective_on=_today(data.effective_on),
                reason=data.reason,
                expected_version=version,
            ),
        )

    @member_command(
        "/region",
        "Move the member to another region",
        "Moves the member to an active region from `effective_on`; refused when it is already there.",
    )
    async def move_to_region(
        self, request: Request, member_id: MemberId, data: JSONBody[RegionMove], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "move_to_region",
            lambda app, version: app.move_to_region(
                member_id,
                region=data.region,
                effective_on=_today(data.effective_on),
                reason=data.reason,
                expected_version=version,
            ),
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
        return await _change(
            request,
            platform,
            "certify",
            lambda app, version: app.certify(member_id, certification=certification, expected_version=version),
        )

    @member_command(
        "/certification/loss",
        "Record the loss of a certification",
        "Records that the member no longer holds its certificate, from `effective_on`.",
    )
    async def lose_certification(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "lose_certification",
            lambda app, version: app.lose_certification(
                member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version
            ),
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
        return await _change(
            request,
            platform,
            "join_accord_groupe",
            lambda app, version: app.join_accord_groupe(
                member_id, effective_on=_today(data.effective_on), expected_version=version
            ),
        )

    @member_command(
        "/accord-groupe/leave",
        "Leave the Accord Groupe",
        "Records that the member leaves the Accord Groupe on `effective_on`.",
    )
    async def leave_accord_groupe(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedChange], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "leave_accord_groupe",
            lambda app, version: app.leave_accord_groupe(
                member_id, effective_on=_today(data.effective_on), expected_version=version
            ),
        )

    @member_command(
        "/dues/calls",
        "Record the dues called for a year",
        "Records the amount of dues called from an active member for a year (once per year).",
    )
    async def call_dues(
        self, request: Request, member_id: MemberId, data: JSONBody[DuesIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        amount = check_money(data.amount, "amount")
        return await _change(
            request,
            platform,
            "call_dues",
            lambda app, version: app.call_dues(
                member_id,
                year=data.year,
                amount=amount,
                effective_on=_today(data.effective_on),
                expected_version=version,
            ),
        )

    @member_command(
        "/dues/payments",
        "Record a dues payment",
        "Records a payment of a year's dues; the payments of a year never exceed what was called.",
    )
    async def pay_dues(
        self, request: Request, member_id: MemberId, data: JSONBody[DuesIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        amount = check_money(data.amount, "amount")
        return await _change(
            request,
            platform,
            "pay_dues",
            lambda app, version: app.pay_dues(
                member_id,
                year=data.year,
                amount=amount,
                effective_on=_today(data.effective_on),
                expected_version=version,
            ),
        )

    @member_command(
        "/resignation",
        "Record a resignation",
        "Records that an active member resigns, from `effective_on`.",
    )
    async def resign(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "resign",
            lambda app, version: app.resign(
                member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version
            ),
        )

    @member_command(
        "/exclusion",
        "Record an exclusion",
        "Records the board's exclusion of an active member, with its reason, from `effective_on`.",
    )
    async def exclude(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "exclude",
            lambda app, version: app.exclude(
                member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version
            ),
        )

    @member_command(
        "/reinstatement",
        "Reinstate a member that left",
        "Makes a resigned or excluded member active again, from `effective_on`.",
    )
    async def reinstate(
        self, request: Request, member_id: MemberId, data: JSONBody[DatedReason], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        return await _change(
            request,
            platform,
            "reinstate",
            lambda app, version: app.reinstate(
                member_id, effective_on=_today(data.effective_on), reason=data.reason, expected_version=version
            ),
        )
