"""Le Cap's read models, kept by one projection runner over le Cap's log.

The read models stay separate modules (`assessments`: referential, summaries, answers,
positioning, plan, reviews; `history`: every event; `audit_access`: grants and audit reads), each
with its own tables and its own way of applying a batch. They are run as one projection so that
the log is read and decoded once per batch for all of them: decoding is most of a replay's cost,
and one pass is what lets a full rebuild keep up with the issue's 20,000 events/s. It also keeps
them at the same position, so a `wait_for` answers for all of them at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.assessment.events_log import ASSESSMENT_LOG
from services.assessment.projections.assessments import AssessmentsProjection
from services.assessment.projections.audit_access import AuditAccessProjection
from services.assessment.projections.history import AssessmentHistoryProjection
from shared.projection import Notified, Projection
from shared.readmodel import TableNames

PARTS: tuple[Projection, ...] = (AssessmentsProjection(), AssessmentHistoryProjection(), AuditAccessProjection())


class CapProjection(Projection):
    name = "cap"
    version = 1
    source = ASSESSMENT_LOG
    tables = tuple(table for part in PARTS for table in part.tables)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        for part in PARTS:
            await part.apply_batch(conn, events, tables)
