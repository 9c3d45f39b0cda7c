"""Read model of le Cap: the referential versions, and for each assessment its sheet, summary,
positioning, progress plan and review requests.

Each assessment's sheet (`sheets`: the fold of its events) is kept between batches; it is also what
the answers view is computed from when read (per indicator: participants' answers, the assessment's
answer, self view and reviewers' view), the same way the as-of replay computes it. A batch folds
its events into the sheets it touches, then recomputes every row of those assessments from sheet
and referential alone (`sheet_rows`): the rows do not depend on where batches start and end, so a
rebuild by replay equals the live read model row for row.

Rows carry the member's tenant and the region recorded when the assessment started. Figures across
members (per region, network, peer benchmarks) are grouped at read time by the members' current
region and form (`member_directory`), so a move or a regional merger shows at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.assessment.domain.access_grant import AccessGrant, AuditRead
from services.assessment.domain.answers import effective_answers
from services.assessment.domain.assessment import Assessment
from services.assessment.domain.member_assessments import MemberAssessments
from services.assessment.domain.plan import plan_of
from services.assessment.domain.positioning import positioning_of
from services.assessment.domain.referential import Referential, parsed_referential
from services.assessment.domain.referential_version import (
    ReferentialCatalogue,
    ReferentialVersion,
    with_indicator,
    without_indicator,
)
from services.assessment.domain.sheet import Sheet, apply_event, dump_sheet, load_sheet
from services.assessment.events_log import ASSESSMENT_LOG
from services.assessment.projections import sheet_rows
from shared.events import UnknownEvent
from shared.projection import Notified, Projection
from shared.readmodel import Table, TableNames, append_rows, upsert_rows

_ROW = (("tenant_id", "text NOT NULL"), ("region", "text NOT NULL"))

REFERENTIAL_VERSIONS = Table(
    "referential_versions",
    (
        ("code", "text NOT NULL"),
        ("tenant_id", "text"),
        ("region", "text"),
        ("title", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("in_use", "boolean NOT NULL"),
        ("based_on", "text"),
        ("published_at", "timestamptz"),
        ("indicators", "int NOT NULL"),
        ("document", "jsonb NOT NULL"),
        ("version", "int NOT NULL"),
        ("updated_at", "timestamptz NOT NULL"),
    ),
    primary_key=("code",),
)

# The sheet as JSON text: loaded only by this projection, written whole each time it changes
# (text is not parsed on the way in, as jsonb would be).
SHEETS = Table(
    "sheets",
    (("assessment_id", "text NOT NULL"), *_ROW, ("sheet", "text NOT NULL")),
    primary_key=("assessment_id",),
)

ASSESSMENTS = Table(
    "assessments",
    (
        ("assessment_id", "text NOT NULL"),
        *_ROW,
        ("scope", "text NOT NULL"),
        ("forms", "text[] NOT NULL"),
        ("primary_form", "text NOT NULL"),
        ("referential_version", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("previous_assessment_id", "text"),
        ("superseded_by", "text"),
        ("started_on", "date NOT NULL"),
        ("started_at", "timestamptz NOT NULL"),
        ("started_by", "text NOT NULL"),
        ("submitted_at", "timestamptz"),
        ("validated_at", "timestamptz"),
        ("validated_recorded_at", "timestamptz"),
        ("last_answer_at", "timestamptz"),
        ("last_at", "timestamptz"),
        ("participants", "int NOT NULL"),
        ("answered", "int NOT NULL"),
        ("indicators", "int NOT NULL"),
        ("divergent", "int NOT NULL"),
        ("to_revisit", "int NOT NULL"),
        ("reviews_waiting", "int NOT NULL"),
        ("proposals_pending", "int NOT NULL"),
        ("plan_actions", "int NOT NULL"),
        ("open_actions", "int NOT NULL"),
        ("score", "double precision"),
        ("attainment", "double precision"),
        ("gap", "double precision"),
        ("version", "int NOT NULL"),
    ),
    primary_key=("assessment_id",),
    indexes=(("tenant_id", "started_at"), ("status",)),
)

POSITIONING = Table(
    "positioning",
    (
        ("assessment_id", "text NOT NULL"),
        ("code", "text NOT NULL"),
        *_ROW,
        ("kind", "text NOT NULL"),
        ("title", "text NOT NULL"),
        ("score", "double precision"),
        ("objective", "double precision"),
        ("gap", "double precision"),
        ("attainment", "double precision"),
        ("answered", "int NOT NULL"),
        ("indicators", "int NOT NULL"),
    ),
    primary_key=("assessment_id", "code"),
)

PLAN_ACTIONS = Table(
    "plan_actions",
    (
        ("assessment_id", "text NOT NULL"),
        ("indicator", "text NOT NULL"),
        *_ROW,
        ("rank", "int NOT NULL"),
        ("theme", "text NOT NULL"),
        ("sub_theme", "text NOT NULL"),
        ("question", "text NOT NULL"),
        ("level", "int NOT NULL"),
        ("objective", "int NOT NULL"),
        ("gap", "int NOT NULL"),
        ("weight", "int NOT NULL"),
        ("improve", "boolean NOT NULL"),
        ("score", "int NOT NULL"),
        ("priority", "text NOT NULL"),
        ("suggested_action", "text NOT NULL"),
        ("service", "text NOT NULL"),
        ("service_label", "text NOT NULL"),
        ("status", "text NOT NULL"),
        ("owner", "text"),
        ("due_on", "date"),
        ("completed_on", "date"),
        ("dropped_reason", "text"),
        ("from_answers", "jsonb NOT NULL"),
    ),
    primary_key=("assessment_id", "indicator"),
    indexes=(("status", "due_on"),),
)

REVIEW_REQUESTS = Table(
    "review_requests",
    (
        ("assessment_id", "text NOT NULL"),
        ("request_id", "text NOT NULL"),
        *_ROW,
        ("kind", "text NOT NULL"),
        ("reviewer_id", "text"),
        ("reviewer_role", "text"),
        ("reviewer_tenant", "text"),
        ("status", "text NOT NULL"),
        ("requested_at", "timestamptz NOT NULL"),
        ("requested_by", "text NOT NULL"),
        ("completed_at", "timestamptz"),
        ("summary", "text"),
        ("comments", "int NOT NULL"),
        ("proposals", "int NOT NULL"),
        ("proposals_accepted", "int NOT NULL"),
        ("proposals_rejected", "int NOT NULL"),
        ("proposals_pending", "int NOT NULL"),
    ),
    primary_key=("assessment_id", "request_id"),
    indexes=(("reviewer_id",), ("reviewer_tenant",)),
)

# Rows recomputed whole for each touched assessment.
DERIVED = (POSITIONING, PLAN_ACTIONS, REVIEW_REQUESTS)


class AssessmentsProjection(Projection):
    name = "assessments"
    version = 2  # 2: `assessments.validated_recorded_at` (peer benchmarks as known at a moment)
    source = ASSESSMENT_LOG
    tables = (REFERENTIAL_VERSIONS, SHEETS, ASSESSMENTS, *DERIVED)

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        referential_events: list[ReferentialVersion.Event] = []
        assessment_events: list[Assessment.Event] = []
        for notified in events:
            match notified.event:
                case ReferentialVersion.Event() as event:
                    referential_events.append(event)
                case Assessment.Event() as event:
                    assessment_events.append(event)
                case ReferentialCatalogue.Event() | MemberAssessments.Event() | AccessGrant.Event() | AuditRead.Event():
                    pass  # nothing this read model shows (auditors' access is `audit_access`'s)
                case other:
                    raise UnknownEvent("assessments projection", other)
        await self._apply_referential_events(conn, referential_events, tables)
        if not assessment_events:
            return
        ids = list(dict.fromkeys(str(e.originator_id) for e in assessment_events))
        sheets: dict[str, Sheet] = {
            r["assessment_id"]: load_sheet(r["sheet"])
            for r in await conn.fetch(
                f"SELECT assessment_id, sheet FROM {tables['sheets']} WHERE assessment_id = ANY($1)", ids
            )
        }
        for event in assessment_events:
            key = str(event.originator_id)
            sheets[key] = apply_event(sheets.get(key), event)
        referentials = await self._referentials(conn, tables, {s.referential_version for s in sheets.values()})
        await self._write(conn, tables, [sheets[i] for i in ids], referentials)

    async def _write(
        self, conn: asyncpg.Connection, tables: TableNames, sheets: list[Sheet], referentials: dict[str, Referential]
    ) -> None:
        summaries: list[dict[str, Any]] = []
        derived: dict[str, list[dict[str, Any]]] = {t.name: [] for t in DERIVED}
        for sheet in sheets:
            referential = referentials[sheet.referential_version]
            answers = effective_answers(sheet)
            plan, positioning = plan_of(sheet, referential, answers), positioning_of(sheet, referential, answers)
            summaries.append(sheet_rows.summary_row(sheet, referential, plan, positioning, answers))
            derived["positioning"] += sheet_rows.positioning_rows(sheet, positioning)
            derived["plan_actions"] += sheet_rows.plan_rows(sheet, plan)
            derived["review_requests"] += sheet_rows.review_rows(sheet)
        ids = [s.assessment_id for s in sheets]
        await upsert_rows(
            conn,
            tables["sheets"],
            SHEETS,
            [
                {
                    "assessment_id": s.assessment_id,
                    "tenant_id": s.tenant_id,
                    "region": s.region,
                    "sheet": dump_sheet(s).decode(),
                }
                for s in sheets
            ],
        )
        await upsert_rows(conn, tables["assessments"], ASSESSMENTS, summaries)
        for table in DERIVED:
            await conn.execute(f"DELETE FROM {tables[table.name]} WHERE assessment_id = ANY($1)", ids)
            await append_rows(conn, tables[table.name], table, derived[table.name])

    async def _referentials(
        self, conn: asyncpg.Connection, tables: TableNames, codes: set[str]
    ) -> dict[str, Referential]:
        rows = await conn.fetch(
            f"SELECT code, document FROM {tables['referential_versions']} WHERE code = ANY($1)", sorted(codes)
        )
        found = {r["code"]: parsed_referential(r["document"]) for r in rows}
        missing = codes - found.keys()
        if missing:
            raise ValueError(f"assessments use referential versions this read model does not hold: {sorted(missing)}")
        return found

    async def _apply_referential_events(
        self, conn: asyncpg.Connection, events: list[ReferentialVersion.Event], tables: TableNames
    ) -> None:
        if not events:
            return
        # A handful of versions at most: load them all, keyed like their events (by aggregate id).
        known = {
            str(ReferentialVersion.create_id(r["code"])): dict(r)
            for r in await conn.fetch(f"SELECT * FROM {tables['referential_versions']}")
        }
        changed: dict[str, dict[str, Any]] = {}
        for event in events:
            key = str(event.originator_id)
            match event:
                case ReferentialVersion.Drafted():
                    row = {
                        "code": event.code,
                        "tenant_id": None,
                        "region": None,
                        "title": event.document["title"]["fr"],
                        "status": "draft",
                        "in_use": False,
                        "based_on": event.based_on,
                        "published_at": None,
                        "document": event.document,
                    }
                case ReferentialVersion.IndicatorRevised():
                    row = {**known[key], "document": with_indicator(known[key]["document"], event.indicator)}
                case ReferentialVersion.IndicatorRemoved():
                    row = {**known[key], "document": without_indicator(known[key]["document"], event.code)}
                case ReferentialVersion.Published():
                    row = {**known[key], "status": "published", "published_at": event.at}
                case ReferentialVersion.TakenIntoUse():
                    row = {**known[key], "in_use": True}
                case _:
                    raise UnknownEvent("referential versions", event)
            row["indicators"] = sum(len(s["indicators"]) for t in row["document"]["themes"] for s in t["sub_themes"])
            row["version"], row["updated_at"] = event.originator_version, event.timestamp
            known[key] = changed[key] = row
        await upsert_rows(conn, tables["referential_versions"], REFERENTIAL_VERSIONS, list(changed.values()))
