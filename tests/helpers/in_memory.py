"""Service applications on the library's in-memory persistence (POPO): service-layer tests of rules
that need no SQL (authorization, retries, merges) run without PostgreSQL.

What in memory does not give (see `ServiceApplication`): idempotency records, the settling of a
save whose connection died, and everything read through SQL (projections, queries, row-level
security). Test those against PostgreSQL (tests/integration, tests/e2e, tests/faults)."""

from __future__ import annotations

from typing import TypeVar

from shared.eventstore import ServiceApplication

App = TypeVar("App", bound=ServiceApplication)


def in_memory(application_class: type[App], env: dict[str, str] | None = None) -> App:
    """A fresh application of that class whose events live in this process only."""
    return application_class(None, env)
