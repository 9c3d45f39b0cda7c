"""Domain refusals: messages a user can read (in French), free of any web framework.

Each class carries the status an HTTP answer gives it and a stable `code` for programs;
`shared.http_errors` is the one place that turns them (and everything else) into HTTP answers.
"""

from __future__ import annotations

from typing import Any

from shared.outages import RETRY_AFTER_SECONDS


class DomainError(Exception):
    """A refusal the user can understand. `status_code` says how HTTP reports it."""

    status_code = 422
    code = "refused"
    retry_after: int | None = None  # seconds, for refusals that a later retry may overcome

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class VersionMismatch(Conflict):
    """The client's `If-Match` names a version the record has moved past."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"l'enregistrement a changé depuis votre lecture (vous aviez la version {expected}, il est à la "
            f"version {actual}) : relisez-le puis recommencez",
            expected_version=expected,
            current_version=actual,
        )


class CommandRefused(DomainError):
    """The command does not fit the aggregate's current state."""

    status_code = 422
    code = "command_refused"


class InvalidInput(DomainError):
    status_code = 422
    code = "invalid_input"


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


class NotCaughtUp(DomainError):
    status_code = 503
    code = "read_model_not_caught_up"
    retry_after = 1


class DatabaseUnavailable(DomainError):
    """PostgreSQL cannot be reached (down, restarting, connection lost): come back shortly."""

    status_code = 503
    code = "database_unavailable"
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(
            message
            or "la base de données est momentanément indisponible ; rien n'a été fait, réessayez dans "
            "quelques secondes",
            **details,
        )
