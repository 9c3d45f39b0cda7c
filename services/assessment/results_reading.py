"""What an assessment yields, read now, for the API and the portal alike: its positioning against
the objectives and the peers' averages, and its progress plan. One function per read, so that a page
and the API's route show the same figures by construction.

Reads are scoped as the caller (`access.Access`); an assessment the caller may not see does not
exist (404). Benchmarks are averages over other members, computed across the network on purpose:
only averages of at least `figures.BENCHMARK_MINIMUM` members leave `figures.benchmarks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.assessment import figures, queries
from services.assessment.access import Access
from services.assessment.api.common import directory_entry, visible_summary
from services.assessment.domain.positioning import Position
from services.assessment.read_models import AssessmentSummary, Benchmark, PlanView, PositioningView
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


@dataclass(frozen=True)
class Peers:
    form: str
    region: str
    benchmarks: list[Benchmark]


async def peers_of(
    platform: Platform,
    tenant_id: str,
    *,
    started_form: str,
    started_region: str,
    validated_before: datetime | None = None,
    recorded_by: datetime | None = None,
) -> Peers:
    """The averages of the member's peers: same form, in its region and in the network, by the
    member's current facts (the ones it started with when the directory does not know it)."""
    member = await directory_entry(platform, tenant_id)
    form = member.primary_form if member else started_form
    region = member.region if member else started_region
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        found = await figures.benchmarks(
            conn,
            form=form,
            region=region,
            exclude_tenant=tenant_id,
            validated_before=validated_before,
            recorded_by=recorded_by,
        )
    return Peers(form=form, region=region, benchmarks=found)


def split_positions(positions: list[Position]) -> tuple[Position, list[Position], list[Position]]:
    """Overall, per theme, per sub-theme."""
    return (
        next(p for p in positions if p.kind == "overall"),
        [p for p in positions if p.kind == "theme"],
        [p for p in positions if p.kind == "sub_theme"],
    )


async def positioning_now(
    platform: Platform, who: Access, assessment_id: UUID
) -> tuple[AssessmentSummary, PositioningView]:
    summary = await visible_summary(platform, who, assessment_id)
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        positions = await queries.positions(conn, str(assessment_id))
    peers = await peers_of(
        platform, summary.tenant_id, started_form=summary.primary_form, started_region=summary.region
    )
    overall, themes, sub_themes = split_positions(positions)
    return summary, PositioningView(
        assessment_id=str(assessment_id),
        referential_version=summary.referential_version,
        version=summary.version,
        overall=overall,
        themes=themes,
        sub_themes=sub_themes,
        benchmark_form=peers.form,
        benchmark_region=peers.region,
        benchmark_minimum=figures.BENCHMARK_MINIMUM,
        benchmarks=peers.benchmarks,
    )


async def plan_now(platform: Platform, who: Access, assessment_id: UUID) -> tuple[AssessmentSummary, PlanView]:
    summary = await visible_summary(platform, who, assessment_id)
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        actions = await queries.plan_actions(conn, str(assessment_id))
    return summary, PlanView(
        assessment_id=str(assessment_id),
        referential_version=summary.referential_version,
        version=summary.version,
        actions=actions,
    )
