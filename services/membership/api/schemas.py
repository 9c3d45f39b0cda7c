"""Request and response bodies of the membership API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import Meta

Text = Annotated[str, Meta(min_length=1, max_length=300)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000)]
RegionCode = Annotated[str, Meta(min_length=2, max_length=8, pattern=r"^[A-Z]+$")]
Email = Annotated[str, Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, Meta(min_length=6, max_length=30, pattern=r"^[+0-9 ().-]+$")]
Year = Annotated[int, Meta(ge=1980, le=2100)]
# msgspec cannot bound a Decimal: the aggregate refuses amounts that are not positive.
Amount = Decimal


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class ContactIn(Strict):
    name: Text
    email: Email
    phone: Phone


class MemberRegistration(Strict):
    name: Text
    siret: Annotated[str, Meta(min_length=14, max_length=20)]
    forms: Annotated[list[str], Meta(min_length=1, max_length=8)]
    region: RegionCode
    joined_on: date
    contact: ContactIn
    city: Text


class DetailsChange(Strict):
    name: Text
    contact: ContactIn
    city: Text
    effective_on: date | None = None


class FormsChange(Strict):
    forms: Annotated[list[str], Meta(min_length=1, max_length=8)]
    reason: Reason
    effective_on: date | None = None


class RegionMove(Strict):
    region: RegionCode
    reason: Reason
    effective_on: date | None = None


class CertificationIn(Strict):
    scheme: Annotated[str, Meta(pattern=r"^(CEDRE|CEDRE_ISO_9001)$")]
    obtained_on: date
    expires_on: date
    scope: Annotated[str, Meta(pattern=r"^(individual|collective)$")] = "individual"
    group_id: Annotated[str, Meta(min_length=1, max_length=100)] | None = None


class DatedChange(Strict):
    """A change that only needs the date it takes effect (default: today)."""

    effective_on: date | None = None


class DatedReason(Strict):
    reason: Reason
    effective_on: date | None = None


class DuesIn(Strict):
    year: Year
    amount: Amount
    effective_on: date | None = None


class RegionMerger(Strict):
    merged: Annotated[list[RegionCode], Meta(min_length=2, max_length=10)]
    new_code: RegionCode
    new_name: Text
    effective_on: date


class MemberRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    member_id: str
    name: str
    siret: str
    forms: list[str]
    primary_form: str
    region: str
    city: str
    status: str
    joined_on: date
    left_on: date | None
    contact: dict[str, Any]
    certification: dict[str, Any] | None
    certificate_at_risk: bool
    accord_groupe_since: date | None
    dues: dict[str, Any]
    tenures: list[dict[str, Any]]
    version: int
    updated_at: datetime
    as_of: date | None = None
    known_at: datetime | None = None


class MemberSummary(msgspec.Struct, kw_only=True):
    member_id: str
    name: str
    siret: str
    forms: list[str]
    region: str
    city: str
    status: str
    certification_scheme: str | None
    accord_groupe: bool
    version: int


class MemberPage(msgspec.Struct, kw_only=True, omit_defaults=True):
    items: list[MemberSummary]
    total: int
    limit: int
    offset: int
    as_of: date | None = None
    known_at: datetime | None = None


class HistoryEntry(msgspec.Struct, kw_only=True):
    version: int
    event: str
    effective_on: date
    recorded_at: datetime
    actor_id: str
    actor_role: str
    correlation_id: str
    details: dict[str, Any]


class Region(msgspec.Struct, kw_only=True):
    code: str
    name: str
    status: str
    merged_into: str | None
    overseas: bool


class Dashboard(msgspec.Struct, kw_only=True):
    members: int
    active_members: int
    by_form: dict[str, int]
    by_carried_form: dict[str, int]
    by_status: dict[str, int]
    certified: dict[str, int]
    certificates_at_risk: int
    accord_groupe: int


class RegionDashboard(Dashboard, kw_only=True, omit_defaults=True):
    region: str
    name: str
    map_bucket: str
    as_of: date | None = None
    known_at: datetime | None = None


class NetworkDashboard(Dashboard, kw_only=True, omit_defaults=True):
    members_per_region: dict[str, int]
    regions_per_bucket: dict[str, int]
    as_of: date | None = None
    known_at: datetime | None = None
