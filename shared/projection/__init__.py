"""Projections: follow a service's notification log and keep read models up to date.

One module per concern:

- `log`: the notification log, read in order and decoded (a service's own events, or another
  service's as `ForeignEvent`s);
- `base`: what a read model declares (`Projection`);
- `store`: generations and positions, a batch and its position in one transaction;
- `parking`: poison events, parked durably, retried or skipped by an operator;
- `runner`: the live runner, each projection failing and backing off alone;
- `rebuild`: replay into a new generation, verification, switch-over, abandoned rebuilds;
- `health`: status for the CLI, `/ready` and `/metrics`.

The names below are the package's public face; import them from here.
"""

from shared.projection.base import Projection
from shared.projection.health import projection_status, readiness, service_status
from shared.projection.log import (
    EventLog,
    ForeignEvent,
    Notified,
    decode,
    decode_foreign,
    head_position,
)
from shared.projection.parking import ParkingError, retry, skip
from shared.projection.rebuild import (
    REBUILD_BATCH_SIZE,
    RebuildAlreadyRunning,
    RebuildReport,
    compare_generations,
    drop_abandoned_rebuilds,
    rebuild,
    rebuild_together,
    table_fingerprints,
)
from shared.projection.runner import ProjectionRunner, RunnerPolicy
from shared.projection.store import (
    BATCH_SIZE,
    ProjectionStore,
    apply_next_batch,
    catch_up,
    ensure_live_generation,
    lock_key,
    migrate_projection_tables,
)

__all__ = [
    "BATCH_SIZE",
    "EventLog",
    "ForeignEvent",
    "Notified",
    "ParkingError",
    "Projection",
    "ProjectionRunner",
    "ProjectionStore",
    "REBUILD_BATCH_SIZE",
    "RebuildAlreadyRunning",
    "RebuildReport",
    "RunnerPolicy",
    "apply_next_batch",
    "catch_up",
    "compare_generations",
    "decode",
    "decode_foreign",
    "drop_abandoned_rebuilds",
    "ensure_live_generation",
    "head_position",
    "lock_key",
    "migrate_projection_tables",
    "projection_status",
    "readiness",
    "rebuild",
    "rebuild_together",
    "retry",
    "service_status",
    "skip",
    "table_fingerprints",
]
