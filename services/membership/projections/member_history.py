"""Read model `member_history`: every change to a member, with the date it takes effect, the
date it was recorded, and who recorded it (what auditors and the member's own portal show)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import msgspec

from services.membership.domain.member import Member
from services.membership.domain.regions import RegionRegistry
from services.membership.domain.siret import SiretIndex
from services.membership.events_log import MEMBERSHIP_LOG
from services.membership.published import published
from shared.contracts.membership import effective_date
from shared.events import UnknownEvent
from shared.personal import PersonalDetails
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows

MEMBER_HISTORY = Table(
    "member_history",
    (
        ("member_id", "text NOT NULL"),
        ("version", "int NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("event", "text NOT NULL"),
        ("effective_on", "date NOT NULL"),
        ("recorded_at", "timestamptz NOT NULL"),
        ("actor_id", "text NOT NULL"),
        ("actor_role", "text NOT NULL"),
        ("correlation_id", "text NOT NULL"),
        ("details", "jsonb NOT NULL"),
    ),
    primary_key=("member_id", "version"),
)

_NOT_DETAILS = frozenset({"originator_id", "originator_version", "timestamp", "meta"})


def is_member_event(event: object) -> bool:
    """A member's event (the history has no row for the region list or the SIRET index, whose
    events it ignores by class)."""
    match event:
        case Member.Event():
            return True
        case RegionRegistry.Event() | SiretIndex.Event():
            return False
        case _:
            raise UnknownEvent("member_history projection", event)


def event_details(event: Member.Event) -> msgspec.Raw:
    """The event's own fields as JSON, encoded once (the jsonb codec passes Raw through as is); a
    contact person as read models keep one (`PersonalDetails.shown`)."""
    return msgspec.Raw(
        msgspec.json.encode(
            {
                k: v.shown() if isinstance(v, PersonalDetails) else v
                for k, v in vars(event).items()
                if k not in _NOT_DETAILS
            }
        )
    )


class MemberHistoryProjection(Projection):
    name = "member_history"
    version = 2  # 2: the contact person as `PersonalDetails.shown` (its data subject, for erasure)
    source = MEMBERSHIP_LOG
    tables = (MEMBER_HISTORY,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        member_events = [n.event for n in events if is_member_event(n.event)]
        if not member_events:
            return
        # Every row carries the member's *current* region, so that a regional delegate sees the
        # whole history of the members now in their region (after a move or a merger too).
        ids = {str(e.originator_id) for e in member_events}
        regions = {
            r["member_id"]: r["region"]
            for r in await conn.fetch(
                f"SELECT DISTINCT ON (member_id) member_id, region FROM {tables['member_history']} "
                "WHERE member_id = ANY($1) ORDER BY member_id, version DESC",
                list(ids),
            )
        }
        moved: set[str] = set()
        rows = []
        for event in member_events:
            member_id = str(event.originator_id)
            match event:
                case Member.Registered(region=region) | Member.MovedToRegion(region=region):
                    regions[member_id] = region
                    moved.add(member_id)
                case _:
                    pass  # the member stays where it is
            rows.append(
                {
                    "member_id": member_id,
                    "version": event.originator_version,
                    "tenant_id": member_id,
                    "region": regions[member_id],
                    "event": type(event).__name__,  # the stored event's name, as the history shows it
                    "effective_on": effective_date(published(event)),
                    "recorded_at": event.timestamp,
                    "actor_id": event.meta.actor_id,
                    "actor_role": event.meta.actor_role,
                    "correlation_id": event.meta.correlation_id,
                    "details": event_details(event),
                }
            )
        for row in rows:
            row["region"] = regions[row["member_id"]]
        await append_rows(conn, tables["member_history"], MEMBER_HISTORY, rows)
        if moved:
            await conn.execute(
                f"UPDATE {tables['member_history']} h SET region = m.region "
                "FROM unnest($1::text[], $2::text[]) AS m(member_id, region) "
                "WHERE h.member_id = m.member_id AND h.region <> m.region",
                sorted(moved),
                [regions[member_id] for member_id in sorted(moved)],
            )
