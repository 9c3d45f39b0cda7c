"""Read model `decision_files`: for each application, its whole story as recorded — drafting,
submission, amendments, every eligibility check and override, assignments, scores and comments, the
decision with the envelope as it stood, the review, the actuals and the settlement — and the
envelope's own movements for it (commitment, release, payment). For national staff and auditors.

Every entry carries the application's lead enterprise as tenant and its region, for row-level security.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from services.training.domain.call import Call
from services.training.domain.funding_application import FundingApplication
from services.training.events_log import TRAINING_LOG
from shared.events import UnknownEvent
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows

DECISION_FILE = Table(
    "decision_file",
    (
        ("application_id", "text NOT NULL"),
        ("notification_id", "bigint NOT NULL"),
        ("tenant_id", "text NOT NULL"),
        ("region", "text NOT NULL"),
        ("call_id", "text NOT NULL"),
        ("source", "text NOT NULL"),  # "application" or "envelope"
        ("event", "text NOT NULL"),
        ("recorded_at", "timestamptz NOT NULL"),
        ("actor_id", "text NOT NULL"),
        ("actor_role", "text NOT NULL"),
        ("correlation_id", "text NOT NULL"),
        ("details", "jsonb NOT NULL"),
    ),
    primary_key=("application_id", "notification_id"),
)

_NOT_DETAILS = frozenset({"originator_id", "originator_version", "timestamp", "meta", "originator_topic"})


def event_details(event: Any) -> Any:
    return msgspec.to_builtins({k: v for k, v in vars(event).items() if k not in _NOT_DETAILS})


class DecisionFileProjection(Projection):
    name = "decision_files"
    # 2: an override's details carry its day (`on`, FundingApplication.CheckOverridden version 2)
    # 3: an eligibility check's details carry the day its facts were read as of (`facts_on`)
    version = 3
    source = TRAINING_LOG
    tables = (DECISION_FILE,)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        relevant = [(n, a) for n in events if (a := self._application_of(n.event)) is not None]
        if not relevant:
            return
        owners = await self._owners(conn, tables, {a for _, a in relevant})
        # Drafted first: a save may hold an application's first event after the call's event about it.
        for notified, application_id in relevant:
            event = notified.event
            if isinstance(event, FundingApplication.Drafted):
                owners[application_id] = (event.lead.member_id, event.lead.region, str(event.call_id))
        rows = []
        for notified, application_id in relevant:
            event = notified.event
            tenant, region, call_id = owners[application_id]
            rows.append(
                {
                    "application_id": application_id,
                    "notification_id": notified.notification_id,
                    "tenant_id": tenant,
                    "region": region,
                    "call_id": call_id,
                    "source": "envelope" if isinstance(event, Call.Event) else "application",
                    "event": type(event).__name__,
                    "recorded_at": event.timestamp,
                    "actor_id": event.meta.actor_id,
                    "actor_role": event.meta.actor_role,
                    "correlation_id": event.meta.correlation_id,
                    "details": event_details(event),
                }
            )
        await append_rows(conn, tables["decision_file"], DECISION_FILE, rows)

    @staticmethod
    def _application_of(event: object) -> str | None:
        """The funding application the event belongs in the file of, if any."""
        match event:
            case FundingApplication.Event(originator_id=application_id):
                return str(application_id)
            case Call.AwardCommitted(application_id=application_id):
                return str(application_id)
            case Call.CommitmentReleased(application_id=application_id):
                return str(application_id)
            case Call.AwardSettled(application_id=application_id):
                return str(application_id)
            case Call.Event():
                return None  # the call's other events are not about one application
            case _:
                raise UnknownEvent("decision files", event)

    @staticmethod
    async def _owners(
        conn: asyncpg.Connection, tables: TableNames, application_ids: set[str]
    ) -> dict[str, tuple[str, str, str]]:
        records = await conn.fetch(
            f"SELECT DISTINCT ON (application_id) application_id, tenant_id, region, call_id "
            f"FROM {tables['decision_file']} WHERE application_id = ANY($1) ORDER BY application_id, notification_id",
            sorted(application_ids),
        )
        return {r["application_id"]: (r["tenant_id"], r["region"], r["call_id"]) for r in records}
