"""Domain refusals, and the one place that turns every error into an HTTP answer.

Domain code raises these with a message a user can read; `exception_handlers` maps them, the
library's optimistic-concurrency error, and anything unexpected, to JSON answers. Nothing a client
sends can produce a 500: unexpected errors are logged with the request id and answered 500 without
internals only when the fault is ours.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from eventsourcing.persistence import IntegrityError
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from shared.outages import RETRY_AFTER_SECONDS, is_database_outage

log = structlog.get_logger(__name__)


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


class ErrorBody(msgspec.Struct):
    """Every error answer: the status, a stable code, a message saying what is wrong."""

    status_code: int
    error: str
    detail: str
    extra: dict[str, Any] | list[Any] | None = None


_ERROR_DESCRIPTIONS = {
    400: "Malformed JSON, unknown field, wrong type or out-of-range value (the field is named)",
    401: "Missing, invalid or expired bearer token",
    403: "The token's roles do not allow this action",
    404: "No such record, or not one the caller may see",
    409: "A concurrent change won, or If-Match names a stale version: nothing was written",
    422: "The command does not fit the record's state, or the Idempotency-Key was used for another request",
    503: "The database is unavailable, or the read model has not yet reached the requested notification id "
    "(wait_for): retry after `Retry-After` seconds (a command with the same Idempotency-Key)",
}


def error_responses(*codes: int) -> dict[int, ResponseSpec]:
    return {
        code: ResponseSpec(data_container=ErrorBody, description=_ERROR_DESCRIPTIONS[code], generate_examples=False)
        for code in codes
    }


COMMAND_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 503)
QUERY_ERRORS = error_responses(400, 401, 403, 404, 503)


def _body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status, "error": code, "detail": message}
    if details:
        body["extra"] = details
    return body


def domain_error_handler(_: Request, error: DomainError) -> Response[dict[str, Any]]:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return Response(
        _body(error.status_code, error.code, error.message, error.details),
        status_code=error.status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def concurrency_error_handler(_: Request, error: IntegrityError) -> Response[dict[str, Any]]:
    return Response(
        _body(
            409,
            "concurrent_change",
            "another change to this record was saved first; reload it and try again (nothing was written)",
        ),
        status_code=409,
        media_type=MediaType.JSON,
    )


def http_error_handler(_: Request, error: HTTPException) -> Response[dict[str, Any]]:
    extra = error.extra if isinstance(error.extra, (dict, list)) and error.extra else None
    code = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        429: "too_many_requests",
    }.get(error.status_code, "error")
    return Response(
        _body(error.status_code, code, error.detail, extra),
        status_code=error.status_code,
        media_type=MediaType.JSON,
        headers=error.headers,
    )


def unexpected_error_handler(request: Request, error: Exception) -> Response[dict[str, Any]]:
    if is_database_outage(error):
        log.warning("request.database_unavailable", path=request.url.path, error=repr(error))
        return domain_error_handler(request, DatabaseUnavailable())
    log.exception("request.failed", path=request.url.path, error=repr(error))
    return Response(
        _body(500, "internal_error", "the platform failed to answer; the error was logged with this request's id"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


exception_handlers = {
    DomainError: domain_error_handler,
    IntegrityError: concurrency_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
