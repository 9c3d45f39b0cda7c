"""Read model `member_directory`: what le Cap needs to know about members, followed from the
member register's event log (never from its code): current region, forms, name and status, decoded
into the register's published contract (`shared.contracts.membership`) and folded by its `facts_after`.

It decides who a regional delegate sees (the members *now* in their region), groups figures per
region and per form, and checks that a member (or a peer) exists before an assessment or a review
names it.
"""

from __future__ import annotations

from typing import Any

from services.assessment.events_log import MEMBERSHIP_LOG
from shared.contracts.member_follower import MemberRowsProjection
from shared.contracts.membership import (
    MemberCertificationLostV1,
    MemberCertifiedV1,
    MemberDuesCalledV1,
    MemberDuesPaidV1,
    MemberEvent,
    MemberFacts,
    MemberJoinedAccordGroupeV1,
    MemberLeftAccordGroupeV1,
    MemberRegisteredV1,
    facts_after,
    registered_facts,
)
from shared.readmodel import Table

MEMBER_DIRECTORY = Table(
    "member_directory",
    (
        ("member_id", "text NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("name", "text NOT NULL"),
        ("forms", "text[] NOT NULL"),
        ("primary_form", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("version", "int NOT NULL"),
    ),
    primary_key=("member_id",),
    indexes=(("region", "primary_form"),),
)

# The columns of a member's facts that le Cap keeps (not its Accord Groupe membership).
_DIRECTORY_FACTS = ("region", "name", "forms", "primary_form", "status")


def directory_row_after(row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
    """The member's directory row after one of its events; None when the event changes nothing le
    Cap keeps (the row, and its version, stay as they are) or the member was never registered."""
    match event:
        case MemberRegisteredV1():
            facts = registered_facts(event)
        case (
            MemberCertifiedV1()
            | MemberCertificationLostV1()
            | MemberDuesCalledV1()
            | MemberDuesPaidV1()
            | MemberJoinedAccordGroupeV1()
            | MemberLeftAccordGroupeV1()
        ):
            return None  # certifications, dues, Accord Groupe: not le Cap's business
        case _ if row is None:
            return None
        case _:
            facts = facts_after(MemberFacts.from_columns(row), event)
    columns = facts.columns()
    member_id = str(event.member_id)
    return {
        "member_id": member_id,
        "tenant_id": member_id,
        **{name: columns[name] for name in _DIRECTORY_FACTS},
        "version": event.version,
    }


class MemberDirectoryProjection(MemberRowsProjection):
    name = "member_directory"
    version = 1
    source = MEMBERSHIP_LOG
    table = MEMBER_DIRECTORY
    tables = (MEMBER_DIRECTORY,)

    def row_after(self, row: dict[str, Any] | None, event: MemberEvent) -> dict[str, Any] | None:
        return directory_row_after(row, event)
