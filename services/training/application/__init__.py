"""TrainingApplication: the Fonds Mutualisés Solidaires use cases (load, decide, save), one mixin
module per use-case area: `calls` (national staff's calls and envelope), `applicants` (the funding
application as its applicants work on it), `deliberation` (eligibility, scoring, decisions, reviews,
settlement); `base` holds what they share (loaders, the command pipeline on a funding application).

Every method answers a `CommandResult` for the aggregate it is about. `expected_version` is the
version the client last read (HTTP `If-Match`); `on` is the date of the act, passed in (the demo
replays 2015; the API passes today); `by` is who acts, where a rule depends on it.
"""

from __future__ import annotations

from services.training.application.applicants import ApplicantUseCases, ContentRequest
from services.training.application.calls import CallUseCases
from services.training.application.deliberation import DeliberationUseCases
from services.training.domain.call import Call


class TrainingApplication(CallUseCases, ApplicantUseCases, DeliberationUseCases):
    name = "training"
    # A busy call accumulates one event per decision: snapshots keep loading it cheap, and the
    # library's aggregate cache (fast-forwarded from the store at each read, copied out) spares the
    # replay on the hot path.
    snapshotting_intervals = {Call: 100}
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000"}


__all__ = ["ContentRequest", "TrainingApplication"]
