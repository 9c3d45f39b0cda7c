"""Request bodies of the membership API (msgspec Structs; unknown fields refused). The answers are
the read side's (`services.membership.read_models`).

Each request field says what it is and carries the same bounds as the domain's checks
(`services.membership.domain.fields`), so a bad value is a 400 naming the field before any command
runs; coded values are enums, so the OpenAPI document lists what is allowed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from services.membership.domain.fields import (
    FIRST_DUES_YEAR,
    GROUP_ID_MAX_LENGTH,
    LAST_DUES_YEAR,
    REASON_MAX_LENGTH,
)
from services.membership.domain.member import CertificationScope, Form, Scheme
from shared.personal import EMAIL_MAX_LENGTH, EMAIL_PATTERN, PHONE_PATTERN, PersonalDetails
from shared.values import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN, MoneyText, Text

Reason = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=REASON_MAX_LENGTH,
        pattern=MULTI_LINE_PATTERN,
        description="Why the change is recorded (1 to 2,000 characters, line breaks allowed)",
    ),
]
REGION_CODE_PATTERN = r"^[A-Z]+(?!\n)$"
RegionCode = Annotated[
    str, Meta(min_length=2, max_length=8, pattern=REGION_CODE_PATTERN, description="A region's code, e.g. NPC")
]
# An optional region code: the bounds inside the union, so that the document states them.
AfterSplit = (
    Annotated[
        str,
        Meta(
            min_length=2,
            max_length=8,
            pattern=REGION_CODE_PATTERN,
            description="When the region is split after the date given (a split recorded since): the new region "
            "the member belongs to from the split on (required then, refused otherwise)",
        ),
    ]
    | None
)
# Litestar's OpenAPI generator drops the bounds of a list's items (msgspec still enforces them): a
# list of region codes states them again for the document.
_REGION_CODE_ITEMS = {"type": "string", "minLength": 2, "maxLength": 8, "pattern": REGION_CODE_PATTERN}
Siret = Annotated[
    str,
    Meta(
        min_length=14,
        max_length=20,
        pattern=r"^[0-9 \u00a0\u202f]+(?!\n)$",
        description="SIRET: 14 digits 0-9 with a valid check digit; spaces between groups are removed",
        examples=["73282932000074"],
    ),
]
Email = Annotated[str, Meta(max_length=EMAIL_MAX_LENGTH, pattern=EMAIL_PATTERN, description="E-mail address")]
Phone = Annotated[str, Meta(min_length=6, max_length=30, pattern=PHONE_PATTERN, description="Phone number")]
Year = Annotated[int, Meta(ge=FIRST_DUES_YEAR, le=LAST_DUES_YEAR, description="The dues year")]
Forms = Annotated[
    list[Form],
    Meta(min_length=1, max_length=8, description="The member's forms, main form first, each listed once"),
]
EffectiveOn = Annotated[date | None, Meta(description="The date the change takes effect (default: today)")]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class ContactIn(Strict):
    """The member's contact person."""

    name: Annotated[Text, Meta(description="The contact person's name")]
    email: Email
    phone: Phone

    def as_contact(self) -> PersonalDetails:
        return PersonalDetails(name=self.name, email=self.email, phone=self.phone)


ContactField = Annotated[ContactIn, Meta(description="The member's contact person")]


class MemberRegistration(Strict):
    """A member enterprise joining the federation."""

    name: Annotated[Text, Meta(description="The enterprise's name")]
    siret: Siret
    forms: Forms
    region: Annotated[RegionCode, Meta(description="Its region: an active region's code")]
    joined_on: Annotated[date, Meta(description="The date it joined the federation")]
    contact: ContactField
    city: Annotated[Text, Meta(description="The town of its head office")]
    after_split: AfterSplit = None


class DetailsChange(Strict):
    """New name, contact and town (all three, as they should read from now on)."""

    name: Annotated[Text, Meta(description="The enterprise's name")]
    contact: ContactField
    city: Annotated[Text, Meta(description="The town of its head office")]
    effective_on: EffectiveOn = None


class FormsChange(Strict):
    """The member's forms from now on (or a correction of wrongly entered ones)."""

    forms: Forms
    reason: Reason
    effective_on: EffectiveOn = None


class RegionMove(Strict):
    """A move to another region."""

    region: Annotated[RegionCode, Meta(description="The region it moves to: an active region's code")]
    reason: Reason
    effective_on: EffectiveOn = None
    after_split: AfterSplit = None


class CertificationIn(Strict):
    """A CEDRE certificate the member obtained."""

    scheme: Annotated[Scheme, Meta(description="The certification: CEDRE or CEDRE ISO 9001")]
    obtained_on: Annotated[date, Meta(description="The date the certificate was obtained")]
    expires_on: Annotated[date, Meta(description="The date it expires (after obtained_on)")]
    scope: Annotated[
        CertificationScope, Meta(description="individual, or collective (one certificate shared by several members)")
    ] = CertificationScope.INDIVIDUAL
    group_id: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=GROUP_ID_MAX_LENGTH,
                pattern=SINGLE_LINE_PATTERN,
                description="The shared certificate's id (required for a collective certification)",
            ),
        ]
        | None
    ) = None


class DatedChange(Strict):
    """A change that only needs the date it takes effect (default: today)."""

    effective_on: EffectiveOn = None


class DatedReason(Strict):
    """A change of status, with its reason."""

    reason: Reason
    effective_on: EffectiveOn = None


class DuesIn(Strict):
    """Dues called for a year, or a payment of them."""

    year: Year
    amount: Annotated[MoneyText, Meta(description="Euros, more than 0, at most two decimals, as a string")]
    effective_on: EffectiveOn = None


class RegionMerger(Strict):
    """Regions merged into a new one, on a date."""

    merged: Annotated[
        list[RegionCode],
        Meta(
            min_length=2,
            max_length=10,
            description="The codes of the active regions merged",
            extra_json_schema={
                "description": "The codes of the active regions merged",
                "extra": {"items": _REGION_CODE_ITEMS},
            },
        ),
    ]
    new_code: Annotated[RegionCode, Meta(description="The new region's code")]
    new_name: Annotated[Text, Meta(description="The new region's name")]
    effective_on: Annotated[date, Meta(description="The date the merger takes effect")]


class RegionRename(Strict, kw_only=True):
    """A region renamed on a date, keeping its code or taking a new one."""

    code: Annotated[RegionCode, Meta(description="The code of the active region renamed")]
    new_code: (
        Annotated[
            str,
            Meta(
                min_length=2,
                max_length=8,
                pattern=REGION_CODE_PATTERN,
                description="Its code from that date (default: kept); under a new code its members move to it on "
                "that date, and the new code's readers read the old one's past",
            ),
        ]
        | None
    ) = None
    new_name: Annotated[Text, Meta(description="Its name from that date")]
    effective_on: Annotated[date, Meta(description="The date the new name takes effect")]


class Successor(Strict):
    code: Annotated[RegionCode, Meta(description="The new region's code (not an active region's)")]
    name: Annotated[Text, Meta(description="The new region's name")]


class Assignment(Strict):
    member_id: Annotated[UUID, Meta(description="A member of the region split")]
    region: Annotated[RegionCode, Meta(description="The new region it belongs to from the split on")]


class RegionSplit(Strict):
    """A region split into new ones on a date, each of its members assigned to one of them."""

    code: Annotated[RegionCode, Meta(description="The code of the active region split")]
    successors: Annotated[
        list[Successor], Meta(min_length=2, max_length=10, description="The new regions (two at least)")
    ]
    assignments: Annotated[
        list[Assignment],
        Meta(
            max_length=10_000,
            description="Every member of the region split, each with the new region it moves to on that date; "
            "a member left out, named twice or sent elsewhere refuses the split",
        ),
    ]
    effective_on: Annotated[date, Meta(description="The date the split takes effect")]
