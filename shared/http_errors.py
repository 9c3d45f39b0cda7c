"""The one place that turns every error into an HTTP answer.

Domain code raises `shared.errors` refusals with a message a user can read; `exception_handlers`
maps them, the library's optimistic-concurrency error, and anything unexpected, to JSON answers.
Nothing a client sends can produce a 500: unexpected errors are logged with the request id and
answered 500 without internals only when the fault is ours.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from eventsourcing.persistence import IntegrityError
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from shared.errors import DatabaseUnavailable, DomainError
from shared.outages import is_database_outage

log = structlog.get_logger(__name__)


class ErrorBody(msgspec.Struct):
    """Every error answer: the status, a stable code, a message in French saying what is wrong, and
    for a fault in one field `extra.field` naming it (whether the schema or a rule caught it)."""

    status_code: int
    error: str
    detail: str
    extra: dict[str, Any] | None = None


_ERROR_DESCRIPTIONS = {
    400: "JSON mal formé, champ inconnu, type erroné ou valeur hors bornes (`extra.field` nomme le champ)",
    401: "Jeton d'accès (bearer) absent, invalide ou expiré",
    403: "Les rôles du jeton ne permettent pas cette action",
    404: "Aucun enregistrement de ce nom, ou aucun que l'appelant puisse voir",
    409: "Une modification concurrente est passée avant, ou If-Match nomme une version dépassée : rien n'a été écrit",
    413: "Corps de requête trop volumineux",
    422: "La commande ne convient pas à l'état de l'enregistrement (`extra.field` nomme le champ en cause), "
    "ou l'Idempotency-Key a déjà servi pour une autre requête",
    503: "La base de données est indisponible, ou le modèle de lecture n'a pas encore atteint la notification "
    "demandée (wait_for) : réessayer après `Retry-After` secondes (une commande avec la même Idempotency-Key)",
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


def domain_error_handler(_: Request[Any, Any, Any], error: DomainError) -> Response[dict[str, Any]]:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return Response(
        _body(error.status_code, error.code, error.message, error.details),
        status_code=error.status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def concurrency_error_handler(_: Request[Any, Any, Any], error: IntegrityError) -> Response[dict[str, Any]]:
    return Response(
        _body(
            409,
            "concurrent_change",
            "une autre modification de cet enregistrement est passée avant : rechargez-le et recommencez "
            "(rien n'a été écrit)",
        ),
        status_code=409,
        media_type=MediaType.JSON,
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "too_many_requests",
}


def http_error_handler(request: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    detail, extra = _french_detail(request, error)
    return Response(
        _body(error.status_code, _HTTP_CODES.get(error.status_code, "error"), detail, extra),
        status_code=error.status_code,
        media_type=MediaType.JSON,
        headers=error.headers,
    )


def _french_detail(request: Request[Any, Any, Any], error: HTTPException) -> tuple[str, dict[str, Any] | None]:
    """The message and `extra` of a framework error: our own exceptions already speak French and
    name their field; Litestar's (routing, parameter validation, body size) are translated here."""
    # Imported here: shared.decoding needs shared.values, which needs this module's InvalidInput.
    from shared.decoding import french_message

    if isinstance(error, ValidationException) and isinstance(error.extra, list) and error.extra:
        # Litestar lists every parameter it could not convert; the first one is named, as a rule
        # refusal names its field, and the others follow in `extra.others`.
        faults = [item for item in error.extra if isinstance(item, dict)]
        first = faults[0] if faults else {}
        field = str(first.get("key", ""))
        if field == "data":  # Litestar's name for the body: a body the route needs was not sent
            return "le corps de la requête (un objet JSON) est obligatoire", {"field": "body", "source": "body"}
        source = first.get("source", "")
        named: dict[str, Any] = {"field": field, "source": str(getattr(source, "value", source))}
        if len(faults) > 1:
            named["others"] = [str(item.get("key", "")) for item in faults[1:]]
        return french_message(str(first.get("message", "")), field), named
    if isinstance(error, ValidationException) and error.detail.startswith("Missing required"):
        return french_message(error.detail, ""), {"field": error.detail.split("'")[1]} if "'" in error.detail else None
    extra = error.extra if isinstance(error.extra, dict) and error.extra else None
    if type(error) is NotFoundException and error.detail == "Not Found":
        return f"aucune ressource à l'adresse {request.url.path}", extra
    if isinstance(error, MethodNotAllowedException):
        allowed = (error.headers or {}).get("allow", "")
        return f"la méthode {request.method} n'est pas permise à cette adresse (permises : {allowed})", extra
    if isinstance(error, RequestEntityTooLarge):
        return "le corps de la requête est trop volumineux", extra
    if error.status_code == 400 and error.detail in {"Bad Request", ""}:
        return "requête mal formée", extra
    return error.detail, extra


def unexpected_error_handler(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    if is_database_outage(error):
        log.warning("request.database_unavailable", path=request.url.path, error=repr(error))
        return domain_error_handler(request, DatabaseUnavailable())
    log.exception("request.failed", path=request.url.path, error=repr(error))
    return Response(
        _body(
            500,
            "internal_error",
            "la plateforme n'a pas pu répondre ; l'erreur est consignée avec l'identifiant de cette requête",
        ),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


exception_handlers = {
    DomainError: domain_error_handler,
    IntegrityError: concurrency_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
