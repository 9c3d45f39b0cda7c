"""Request bodies of the people API (msgspec Structs; unknown fields refused). Answers are the
read side's (`services.people.read_models`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from shared.auth import Role
from shared.personal import PersonalDetails
from shared.values import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN

TENANT_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
REGION_PATTERN = r"^[A-Z]{2,8}$"

Tenant = (
    Annotated[str, Meta(pattern=TENANT_PATTERN, description="The member's id, for the member roles (else omitted)")]
    | None
)
Region = (
    Annotated[str, Meta(pattern=REGION_PATTERN, description="The region's code, for the regional roles (e.g. BRE)")]
    | None
)


class Invitation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone to invite: they receive an e-mail with a link to choose their password."""

    name: Annotated[
        str, Meta(min_length=1, max_length=200, pattern=SINGLE_LINE_PATTERN, description="The person's name")
    ]
    email: Annotated[str, Meta(min_length=3, max_length=254, description="Their e-mail address (one person each)")]
    phone: Annotated[str, Meta(max_length=30, description="Their phone number, if any")] | None = None
    role: Annotated[Role, Meta(description="Their role")]
    tenant: Tenant = None
    region: Region = None

    def details(self) -> PersonalDetails:
        return PersonalDetails(name=self.name, email=self.email, phone=self.phone)


class RoleChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A person's new role, with the member or region it needs."""

    role: Annotated[Role, Meta(description="The new role")]
    tenant: Tenant = None
    region: Region = None


class Deactivation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why the account is deactivated (the person can no longer sign in; their sessions end)."""

    reason: Annotated[
        str, Meta(min_length=1, max_length=2000, pattern=MULTI_LINE_PATTERN, description="Why (1 to 2,000 characters)")
    ]


class ErasureRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Whose personal data to erase, and why (national staff). Name the person by e-mail (a member's
    contact person, anyone the platform met at that address), by directory id, or both."""

    email: Annotated[str, Meta(min_length=3, max_length=254, description="Their e-mail address")] | None = None
    person_id: Annotated[UUID, Meta(description="Their id in the directory (they are deactivated too)")] | None = None
    reason: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=2000,
            pattern=MULTI_LINE_PATTERN,
            description="Why (the person's request, its date; 1 to 2,000 characters), kept in the receipt",
        ),
    ]
