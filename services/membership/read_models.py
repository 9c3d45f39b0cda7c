"""What the membership read side answers: the msgspec Structs `queries.py` returns and the API
serves as they are (their descriptions are the OpenAPI document's)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from services.membership.domain.member import Form, Scheme, Status

AsOfDate = Annotated[date | None, Meta(description="The effective date the answer is as of (when asked)")]
KnownAtTime = Annotated[datetime | None, Meta(description="The recording time the answer is as known at (when asked)")]
MemberIdOut = Annotated[str, Meta(description="The member's id (also its tenant id)")]
MemberName = Annotated[str, Meta(description="The enterprise's name")]
SiretOut = Annotated[str, Meta(description="Its SIRET (14 digits)")]
FormsOut = Annotated[list[Form], Meta(description="Its forms, main form first")]
RegionOut = Annotated[str, Meta(description="Its region's code")]
CityOut = Annotated[str, Meta(description="The town of its head office")]
StatusOut = Annotated[Status, Meta(description="active, resigned or excluded")]
VersionOut = Annotated[int, Meta(description="The record's version: send it back as If-Match")]
CountByKey = dict[str, int]


class MemberRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A member's record."""

    member_id: MemberIdOut
    name: MemberName
    siret: SiretOut
    forms: FormsOut
    primary_form: Annotated[Form, Meta(description="Its main form (the first of forms)")]
    region: RegionOut
    city: CityOut
    status: StatusOut
    joined_on: Annotated[date, Meta(description="The date it first joined the federation")]
    left_on: Annotated[date | None, Meta(description="The date it left, if it is resigned or excluded")]
    contact: Annotated[
        dict[str, Any],
        Meta(
            description='Its contact person: name, email, phone (each "[effacé]" once erased), and '
            "`subject`, the id of the person's data (what an erasure names)"
        ),
    ]
    certification: Annotated[
        dict[str, Any] | None,
        Meta(description="Its certification (scheme, scope, obtained_on, expires_on, group_id), if any"),
    ]
    certificate_at_risk: Annotated[
        bool, Meta(description="Whether its collective certificate lost a member, which puts it at risk")
    ]
    accord_groupe_since: Annotated[date | None, Meta(description="Since when it is in the Accord Groupe, if it is")]
    dues: Annotated[dict[str, Any], Meta(description="Per year: the dues called and paid, in euros as strings")]
    tenures: Annotated[
        list[dict[str, Any]], Meta(description="Each period of membership: joined_on and left_on (null if current)")
    ]
    version: VersionOut
    updated_at: Annotated[datetime, Meta(description="When the record last changed")]
    as_of: AsOfDate = None
    known_at: KnownAtTime = None


class MemberSummary(msgspec.Struct, kw_only=True):
    """A member in a list."""

    member_id: MemberIdOut
    name: MemberName
    siret: SiretOut
    forms: FormsOut
    region: RegionOut
    city: CityOut
    status: StatusOut
    certification_scheme: Annotated[Scheme | None, Meta(description="Its certification, if any")]
    accord_groupe: Annotated[bool, Meta(description="Whether it is in the Accord Groupe")]
    version: VersionOut


class MemberPage(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A page of members."""

    items: Annotated[list[MemberSummary], Meta(description="The members of this page")]
    total: Annotated[int, Meta(description="How many members match, over all pages")]
    limit: Annotated[int, Meta(description="The page size asked for")]
    offset: Annotated[int, Meta(description="How many matching members were skipped")]
    as_of: AsOfDate = None
    known_at: KnownAtTime = None


class HistoryEntry(msgspec.Struct, kw_only=True):
    """One recorded change to a member."""

    version: Annotated[int, Meta(description="The record's version after the change")]
    event: Annotated[str, Meta(description="What happened (Registered, MovedToRegion, Resigned…)")]
    effective_on: Annotated[date, Meta(description="The date the change takes effect")]
    recorded_at: Annotated[datetime, Meta(description="When it was recorded")]
    actor_id: Annotated[str, Meta(description="Who recorded it")]
    actor_role: Annotated[str, Meta(description="In which role")]
    correlation_id: Annotated[str, Meta(description="The correlation id of the request that recorded it")]
    details: Annotated[dict[str, Any], Meta(description="The change's own values")]


class Region(msgspec.Struct, kw_only=True):
    """A region of the federation."""

    code: Annotated[str, Meta(description="The region's code")]
    name: Annotated[str, Meta(description="Its name on the date asked")]
    status: Annotated[
        Literal["active", "retired"], Meta(description="active, or retired by a merger, a rename or a split")
    ]
    merged_into: Annotated[
        str | None, Meta(description="The one region that succeeds it, if retired by a merger or a rename")
    ]
    ended_by: Annotated[
        Literal["merger", "rename", "split"] | None, Meta(description="What retired it, if retired")
    ] = None
    ended_on: Annotated[date | None, Meta(description="The date it was retired, if retired")] = None
    successors: Annotated[list[str], Meta(description="The regions that succeed it, if retired")] = []
    predecessors: Annotated[
        list[str],
        Meta(description="The regions it succeeds, directly or not (their past is read by its readers)"),
    ] = []
    overseas: Annotated[bool, Meta(description="Whether it is an overseas region")]


class Dashboard(msgspec.Struct, kw_only=True):
    members: Annotated[int, Meta(description="Members, whatever their status")]
    active_members: Annotated[int, Meta(description="Active members")]
    by_form: Annotated[CountByKey, Meta(description="Active members per main form")]
    by_carried_form: Annotated[CountByKey, Meta(description="Active members per form carried (main or not)")]
    by_status: Annotated[CountByKey, Meta(description="Members per status")]
    certified: Annotated[CountByKey, Meta(description="Certified active members per certification")]
    certificates_at_risk: Annotated[int, Meta(description="Members whose collective certificate is at risk")]
    accord_groupe: Annotated[int, Meta(description="Active members in the Accord Groupe")]


class RegionDashboard(Dashboard, kw_only=True, omit_defaults=True):
    """A region's figures."""

    region: Annotated[str, Meta(description="The region's code")]
    name: Annotated[str, Meta(description="Its name")]
    map_bucket: Annotated[
        str,
        Meta(description="Its bucket on the network map by active members: more than 60, 30 to 60, 15 to 30, 1 to 15"),
    ]
    as_of: AsOfDate = None
    known_at: KnownAtTime = None


class NetworkDashboard(Dashboard, kw_only=True, omit_defaults=True):
    """The whole network's figures."""

    members_per_region: Annotated[CountByKey, Meta(description="Members per region code")]
    regions_per_bucket: Annotated[CountByKey, Meta(description="Regions per map bucket")]
    as_of: AsOfDate = None
    known_at: KnownAtTime = None
