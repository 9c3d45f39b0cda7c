"""Errors on pages: an HTML page in French, never JSON; a visitor not signed in goes to sign in."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from shared.errors import DomainError
from shared.outages import RETRY_AFTER_SECONDS, is_database_outage
from shared.web.auth import SignInRequired

log = structlog.get_logger(__name__)

TITLES = {
    400: "Demande incorrecte",
    401: "Connexion nécessaire",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action impossible ici",
    409: "Modification concurrente",
    413: "Envoi trop volumineux",
    422: "Action impossible",
    429: "Trop de tentatives",
    503: "Service momentanément indisponible",
}

MESSAGES = {
    403: "Votre compte ne donne pas accès à cette page.",
    404: "Cette page n'existe pas, ou vous n'y avez pas accès.",
    503: "La base de données ne répond pas. Réessayez dans quelques secondes.",
}


def error_page(request: Request[Any, Any, Any], status: int, message: str) -> Template:
    return Template(
        template_name="error.html",
        context={"title": TITLES.get(status, "Erreur"), "message": message},
        status_code=status,
    )


def page_http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if isinstance(error, SignInRequired):
        return Redirect(error.detail, status_code=303)
    message = MESSAGES.get(error.status_code) or error.detail or TITLES.get(error.status_code, "Erreur")
    if error.status_code == 404 and error.detail == "Not Found":
        message = MESSAGES[404]
    return error_page(request, error.status_code, message)


def page_domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    return error_page(request, error.status_code, error.message)


def page_unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    if is_database_outage(error):
        log.warning("page.database_unavailable", path=request.url.path, error=repr(error))
        page = error_page(request, 503, MESSAGES[503])
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page
    log.exception("page.failed", path=request.url.path, error=repr(error))
    return error_page(
        request, 500, "La plateforme n'a pas pu afficher cette page ; l'erreur est consignée. Réessayez plus tard."
    )


page_exception_handlers = {
    HTTPException: page_http_error,
    DomainError: page_domain_error,
    Exception: page_unexpected_error,
}
