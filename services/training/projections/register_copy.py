"""Read model `enterprises`: the training service's own copy of what it needs of the member register
(name, region, forms, status, Accord Groupe membership), kept by following the membership service's
published events, decoded into its contract (`shared.contracts.membership`) and folded by its
`facts_after`. Services never import each other: eligibility checks read this copy."""

from __future__ import annotations

from typing import Any

from services.training.events_log import MEMBERSHIP_LOG
from shared.contracts import membership
from shared.contracts.member_follower import MemberRowsProjection
from shared.contracts.membership import (
    MemberEvent,
    MemberFacts,
    MemberRegisteredV1,
    facts_after,
    registered_facts,
)
from shared.projection import ForeignEvent
from shared.readmodel import Table

ENTERPRISES = Table(
    "enterprises",
    (
        ("member_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("name", "text NOT NULL"),
        ("forms", "text[] NOT NULL"),
        ("primary_form", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("accord_groupe_since", "date"),
        ("version", "int NOT NULL"),
    ),
    primary_key=("member_id",),
    indexes=(("accord_groupe_since",),),
)


def apply_member_fact(row: dict[str, Any] | None, event: ForeignEvent) -> dict[str, Any] | None:
    """The enterprise's row after one of its membership events (None: not a member yet)."""
    if row is None and event.name != MemberRegisteredV1.stored_as:
        return None  # an enterprise this copy never saw registered
    return enterprise_after(row, membership.decode(event))


def enterprise_after(row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
    """The enterprise's row after a member event, its facts folded by the register's published fold."""
    if row is None:
        if not isinstance(event, MemberRegisteredV1):
            return None
        facts = registered_facts(event)
    else:
        facts = facts_after(MemberFacts.from_columns(row), event)
    member_id = str(event.member_id)
    return {"member_id": member_id, "tenant_id": member_id, **facts.columns(), "version": event.version}


class RegisterCopyProjection(MemberRowsProjection):
    name = "register_copy"
    version = 1
    source = MEMBERSHIP_LOG
    table = ENTERPRISES
    tables = (ENTERPRISES,)

    def row_after(self, row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
        return enterprise_after(row, event)
