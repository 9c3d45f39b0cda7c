"""What the directory's read side answers: the msgspec Structs `queries.py` returns and the API
serves as they are (their descriptions are the OpenAPI document's)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from services.people.domain.person import Status
from shared.auth import Role


class PersonEntry(msgspec.Struct, kw_only=True):
    """A person of the directory."""

    person_id: Annotated[str, Meta(description="The person's id (the subject of their tokens and sessions)")]
    name: Annotated[str, Meta(description="The name the person goes by")]
    email: Annotated[str, Meta(description="Their e-mail address (lower case), one person per address")]
    phone: Annotated[str | None, Meta(description="Their phone number, if given")]
    role: Annotated[Role, Meta(description="Their role on the platform")]
    tenant_id: Annotated[str | None, Meta(description="The member they work for (member roles)")]
    region: Annotated[str | None, Meta(description="Their region's code (regional roles)")]
    status: Annotated[Status, Meta(description="invited (not yet accepted), active or deactivated")]
    invited_at: Annotated[datetime, Meta(description="When they were invited")]
    invited_by: Annotated[str, Meta(description="Who invited them (a person id, or a token's subject)")]
    version: Annotated[int, Meta(description="The person's version in the directory")]


class PeoplePage(msgspec.Struct, kw_only=True):
    """A page of people."""

    items: Annotated[list[PersonEntry], Meta(description="The people of this page, by name")]
    total: Annotated[int, Meta(description="How many people match, over all pages")]
    limit: Annotated[int, Meta(description="The page size asked for")]
    offset: Annotated[int, Meta(description="How many matching people were skipped")]
