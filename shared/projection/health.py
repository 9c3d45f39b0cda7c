"""What `coorace projections status`, `/ready` and `/metrics` say about the read side.

Per service, a handful of cheap queries: the live and `building` generations, the failing or parked
events, the runners' heartbeats, and the head of each log followed (an index-only `max`).

Readiness: the read side never makes a service unready by itself (a stale read model still
answers, and `wait_for` says when it is not caught up). It is `degraded`, with the reason, when a
projection has parked an event, or is behind while no runner is alive to catch it up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from shared.projection.base import Projection
from shared.projection.log import EventLog, head_position
from shared.projection.parking import current_failures
from shared.projection.store import ProjectionStore

RUNNER_ALIVE_SECONDS = 15.0  # three heartbeats


async def service_status(
    conn: asyncpg.Connection,
    store: ProjectionStore,
    projections: Sequence[Projection],
    heads: dict[EventLog, int] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Each projection's status, and how many runners are alive for this service."""
    heads = {} if heads is None else heads
    generations = await conn.fetch(
        f"SELECT projection, generation, projection_version, status, position FROM {store.table} "
        "WHERE status IN ('live', 'building') ORDER BY generation"
    )
    failures = await current_failures(conn, store)
    alive = await conn.fetchval(
        f"SELECT count(*) FROM {store.runners_table} WHERE beat_at > now() - make_interval(secs => $1)",
        RUNNER_ALIVE_SECONDS,
    )
    statuses = []
    for projection in projections:
        if projection.source not in heads:
            heads[projection.source] = await head_position(conn, projection.source)
        head = heads[projection.source]
        mine = [g for g in generations if g["projection"] == projection.name]
        live = next((g for g in mine if g["status"] == "live"), None)
        position = live["position"] if live else 0
        failure = failures.get(projection.name)
        statuses.append(
            {
                "projection": projection.name,
                "service": store.schema,
                "generation": live["generation"] if live else None,
                "version": projection.version,
                "position": position,
                "head": head,
                "lag": head - position,
                "state": failure.status if failure else "ok",
                "failure": None
                if failure is None
                else {
                    "event": failure.notification_id,
                    "topic": failure.topic,
                    "error": failure.error,
                    "attempts": failure.attempts,
                    "first_failed_at": failure.first_failed_at.isoformat(),
                    "last_failed_at": failure.last_failed_at.isoformat(),
                },
                "building": [
                    {"generation": g["generation"], "position": g["position"]}
                    for g in mine
                    if g["status"] == "building"
                ],
                "runners_alive": alive,
            }
        )
    return statuses, alive


async def projection_status(conn: asyncpg.Connection, store: ProjectionStore, projection: Projection) -> dict[str, Any]:
    statuses, _ = await service_status(conn, store, [projection])
    return statuses[0]


def readiness(statuses: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The read side's part of `/ready`: `ready`, or `degraded` with what is wrong, in French."""
    problems = []
    for s in statuses:
        failure = s["failure"]
        if s["state"] == "parked" and failure is not None:
            problems.append(
                f"la projection {s['projection']} ({s['service']}) est arrêtée sur l'événement "
                f"{failure['event']} ({failure['topic']}) après {failure['attempts']} échecs : {failure['error']}"
            )
        elif s["lag"] > 0 and s["runners_alive"] == 0:
            problems.append(
                f"la projection {s['projection']} ({s['service']}) a {s['lag']} événements de retard "
                "et aucun processus de projection n'est en marche"
            )
    return {
        "status": "degraded" if problems else "ready",
        "problems": problems,
        "projections": list(statuses),
    }
