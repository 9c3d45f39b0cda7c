"""Figures across members: per region and network dashboards, peer benchmarks, and the regional
delegates' follow-up feed.

They are grouped at read time from the per-assessment read models and the member directory, by
each member's *current* region and form: a member that moves (or a regional merger) counts where it
is now, at once, and the read models stay a pure replay of le Cap's own log. With some hundreds of
members these are aggregate queries of a few milliseconds.

A member's place in averages is its latest validated assessment. Only active members (the directory's
status, from the register's published facts) count in averages, in the plans' demand for services
and in the delegates' follow-up feed; the stage counts are the assessments made in the region,
whoever made them. Benchmarks shown to a member only
include an average where at least `BENCHMARK_MINIMUM` other members contribute to it, so that no
average reveals one member's answers.
"""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from services.assessment.read_models import (
    ActionFrequency,
    Benchmark,
    Dashboard,
    FollowUpFeed,
    OverdueAction,
    ServiceDemand,
    StalledAssessment,
    ThemeAverage,
    WaitingReview,
)

S = "assessment"
BENCHMARK_MINIMUM = 5
FREQUENT_ACTIONS = 10

# Each active member's latest assessment validated before `$2` (NULL: now), with its current region
# and form.
_LATEST_VALIDATED_BEFORE = f"""
    SELECT DISTINCT ON (a.tenant_id) a.assessment_id, a.tenant_id, d.region, d.primary_form
    FROM {S}.assessments a JOIN {S}.member_directory d ON d.member_id = a.tenant_id
    WHERE a.status = 'validated' AND d.status = 'active' AND ($2::timestamptz IS NULL OR a.validated_at < $2)
    ORDER BY a.tenant_id, a.validated_at DESC, a.assessment_id
"""
# Each active member's latest assessment started before `$2` (NULL: now): its plan (a member that
# resigned or was excluded no longer asks anything of the federation's services).
_LATEST_STARTED_BEFORE = f"""
    SELECT DISTINCT ON (a.tenant_id) a.assessment_id, a.tenant_id, d.region
    FROM {S}.assessments a JOIN {S}.member_directory d ON d.member_id = a.tenant_id
    WHERE d.status = 'active' AND ($2::timestamptz IS NULL OR a.started_at < $2)
    ORDER BY a.tenant_id, a.started_at DESC, a.assessment_id
"""


async def benchmarks(
    conn: asyncpg.Connection,
    *,
    form: str,
    region: str,
    exclude_tenant: str,
    validated_before: datetime | None = None,
    recorded_by: datetime | None = None,
) -> list[Benchmark]:
    """Averages of the other members of `form`, in `region` and in the network (network scope: only
    aggregates leave this function).

    As of a past moment, each member's latest assessment validated before `validated_before` (the
    end of an `as_of` day) and recorded by `recorded_by` (a `known_at`): a validated assessment is
    read-only, so its positioning rows are what they were then, and the live answer (both None) and
    the answer as of now are one query. The members are grouped by their current facts (the
    directory follows the register's present only): the view says so (`benchmark_members`)."""
    rows = await conn.fetch(
        f"""
        WITH latest AS (
            SELECT DISTINCT ON (a.tenant_id) a.assessment_id, a.tenant_id, d.region, d.primary_form
            FROM {S}.assessments a JOIN {S}.member_directory d ON d.member_id = a.tenant_id
            WHERE a.status = 'validated' AND d.status = 'active'
              AND ($4::timestamptz IS NULL OR a.validated_at < $4)
              AND ($5::timestamptz IS NULL OR a.validated_recorded_at <= $5)
            ORDER BY a.tenant_id, a.validated_at DESC, a.assessment_id
        )
        SELECT p.code,
               avg(p.score) FILTER (WHERE l.region = $2) AS region_average,
               count(p.score) FILTER (WHERE l.region = $2) AS region_members,
               avg(p.score) AS network_average, count(p.score) AS network_members
        FROM latest l JOIN {S}.positioning p ON p.assessment_id = l.assessment_id
        WHERE l.primary_form = $1 AND l.tenant_id <> $3
        GROUP BY p.code ORDER BY p.code
        """,
        form,
        region,
        exclude_tenant,
        validated_before,
        recorded_by,
    )

    def shown(average: float | None, members: int) -> float | None:
        return round(average, 2) if average is not None and members >= BENCHMARK_MINIMUM else None

    return [
        Benchmark(
            code=r["code"],
            region_average=shown(r["region_average"], r["region_members"]),
            region_members=r["region_members"],
            network_average=shown(r["network_average"], r["network_members"]),
            network_members=r["network_members"],
        )
        for r in rows
    ]


# The stages as they stood at a past moment `$2`, from each assessment's dates (the live figures
# read the present status instead).
_STAGES_THEN = f"""
    SELECT count(*) AS started,
           count(*) FILTER (WHERE a.submitted_at IS NULL OR a.submitted_at >= $2) AS in_progress,
           count(*) FILTER (WHERE a.submitted_at < $2) AS submitted,
           count(*) FILTER (WHERE a.submitted_at < $2 AND (a.validated_at IS NULL OR a.validated_at >= $2)
                             AND EXISTS (SELECT 1 FROM {S}.review_requests r
                                         WHERE r.assessment_id = a.assessment_id AND r.requested_at < $2
                                           AND (r.completed_at IS NULL OR r.completed_at >= $2))) AS under_review,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {S}.review_requests r
                                          WHERE r.assessment_id = a.assessment_id AND r.completed_at < $2))
               AS reviewed,
           count(*) FILTER (WHERE a.validated_at < $2) AS validated
    FROM {S}.assessments a JOIN {S}.member_directory d ON d.member_id = a.tenant_id
    WHERE ($1::text IS NULL OR d.region = $1) AND a.started_at < $2
"""


async def dashboard(conn: asyncpg.Connection, region: str | None, *, until: datetime | None = None) -> Dashboard:
    """Figures of the members now in `region` (None: the whole network) that the connection sees.

    `until` (the end of an `as_of` day): the figures as they stood then — the stages from each
    assessment's dates, the levels from each member's latest assessment validated before it (a
    validated assessment is read-only: its positioning then is its positioning now), the plan
    actions of each member's latest assessment started before it, counted with their present
    status. Members are grouped by their current region and status (the member directory follows
    the register's present only), as the benchmarks are."""
    members = await conn.fetchval(
        f"SELECT count(*) FROM {S}.member_directory WHERE status = 'active' AND ($1::text IS NULL OR region = $1)",
        region,
    )
    stages = (
        await conn.fetchrow(_STAGES_THEN, region, until)
        if until is not None
        else await conn.fetchrow(
            f"""
        SELECT count(*) AS started,
               count(*) FILTER (WHERE a.status = 'in_progress') AS in_progress,
               count(a.submitted_at) AS submitted,
               count(*) FILTER (WHERE a.status = 'under_review') AS under_review,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {S}.review_requests r
                                             WHERE r.assessment_id = a.assessment_id AND r.status = 'completed'))
                   AS reviewed,
               count(a.validated_at) AS validated
        FROM {S}.assessments a JOIN {S}.member_directory d ON d.member_id = a.tenant_id
        WHERE $1::text IS NULL OR d.region = $1
        """,
            region,
        )
    )
    themes = await conn.fetch(
        f"""
        WITH latest AS ({_LATEST_VALIDATED_BEFORE})
        SELECT p.code, min(p.title) AS title, round(avg(p.score)::numeric, 2)::float AS score,
               round(avg(p.attainment)::numeric, 1)::float AS attainment, count(p.score) AS members
        FROM latest l JOIN {S}.positioning p ON p.assessment_id = l.assessment_id
        WHERE p.kind IN ('overall', 'theme') AND ($1::text IS NULL OR l.region = $1)
        GROUP BY p.code ORDER BY p.code = 'all' DESC, p.code
        """,
        region,
        until,
    )
    actions = await conn.fetch(
        f"""
        WITH latest AS ({_LATEST_STARTED_BEFORE})
        SELECT x.indicator, min(x.question) AS question, min(x.service) AS service,
               min(x.service_label) AS service_label, count(*) AS assessments,
               count(*) FILTER (WHERE x.status IN ('proposed', 'adopted', 'scheduled')) AS open,
               count(*) FILTER (WHERE x.status = 'done') AS done
        FROM latest l JOIN {S}.plan_actions x ON x.assessment_id = l.assessment_id
        WHERE x.status <> 'dropped' AND ($1::text IS NULL OR l.region = $1)
        GROUP BY x.indicator ORDER BY count(*) DESC, x.indicator LIMIT {FREQUENT_ACTIONS}
        """,
        region,
        until,
    )
    services = await conn.fetch(
        f"""
        WITH latest AS ({_LATEST_STARTED_BEFORE})
        SELECT x.service, min(x.service_label) AS service_label, count(*) AS actions,
               count(DISTINCT x.assessment_id) AS assessments
        FROM latest l JOIN {S}.plan_actions x ON x.assessment_id = l.assessment_id
        WHERE x.status <> 'dropped' AND ($1::text IS NULL OR l.region = $1)
        GROUP BY x.service ORDER BY count(*) DESC, x.service
        """,
        region,
        until,
    )
    return Dashboard(
        scope="region" if region else "network",
        region=region,
        members=members,
        **dict(stages),
        themes=[ThemeAverage(**dict(r)) for r in themes],
        frequent_actions=[ActionFrequency(**dict(r)) for r in actions],
        services=[ServiceDemand(**dict(r)) for r in services],
    )


async def follow_up(conn: asyncpg.Connection, region: str, *, stalled_days: int, now: datetime) -> FollowUpFeed:
    """What the region's delegate should chase: only active members (one that resigned or was
    excluded, as the member directory knows from the register, is no longer followed up)."""
    today: date = now.date()
    stalled = await conn.fetch(
        f"""
        SELECT a.assessment_id, a.tenant_id, d.name AS member_name, a.status, a.last_answer_at, a.started_at,
               extract(day FROM $2 - coalesce(a.last_answer_at, a.started_at))::int AS days_idle
        FROM {S}.assessments a JOIN {S}.member_directory d ON d.member_id = a.tenant_id
        WHERE d.region = $1 AND d.status = 'active' AND a.status = 'in_progress'
          AND coalesce(a.last_answer_at, a.started_at) < $2 - make_interval(days => $3)
        ORDER BY coalesce(a.last_answer_at, a.started_at), a.assessment_id
        """,
        region,
        now,
        stalled_days,
    )
    overdue = await conn.fetch(
        f"""
        SELECT x.assessment_id, x.tenant_id, d.name AS member_name, x.indicator, x.suggested_action, x.owner,
               x.due_on, ($2::date - x.due_on) AS days_late
        FROM {S}.plan_actions x JOIN {S}.assessments a ON a.assessment_id = x.assessment_id
             JOIN {S}.member_directory d ON d.member_id = x.tenant_id
        WHERE d.region = $1 AND d.status = 'active' AND a.superseded_by IS NULL AND x.status IN ('adopted', 'scheduled')
          AND x.due_on < $2::date
        ORDER BY x.due_on, x.assessment_id, x.indicator
        """,
        region,
        today,
    )
    waiting = await conn.fetch(
        f"""
        SELECT r.assessment_id, r.tenant_id, d.name AS member_name, r.request_id, r.kind, r.reviewer_id,
               r.reviewer_tenant, r.requested_at, extract(day FROM $2 - r.requested_at)::int AS days_waiting
        FROM {S}.review_requests r JOIN {S}.member_directory d ON d.member_id = r.tenant_id
        WHERE d.region = $1 AND d.status = 'active' AND r.status = 'requested'
        ORDER BY r.requested_at, r.assessment_id
        """,
        region,
        now,
    )
    return FollowUpFeed(
        region=region,
        stalled_days=stalled_days,
        stalled=[StalledAssessment(**dict(r)) for r in stalled],
        overdue_actions=[OverdueAction(**dict(r)) for r in overdue],
        waiting_reviews=[WaitingReview(**dict(r)) for r in waiting],
    )
