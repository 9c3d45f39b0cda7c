"""The seam between HTTP and the write side, decided once.

A command handler calls `run_command`: it runs the synchronous library in Litestar's thread pool,
inside a `command_context` (so events carry who and why) and an idempotency claim saved with the
events: the request's `Idempotency-Key`, or a key made up for this one request. A retry with the
same key and body gets the first answer and writes nothing; the same key with another body is
refused (422).

An answer is never the opposite of what happened: when the connection dies during the save, the
command looks up its own idempotency record and answers the original answer if the save committed,
or 503 with `Retry-After` if it did not (or if the database cannot tell yet): a retry with the same
key is then always safe.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
from anyio import to_thread
from litestar import Request, Response

from shared.auth import Principal
from shared.errors import DatabaseUnavailable, DomainError, IdempotencyKeyReused, InvalidInput
from shared.events import command_context
from shared.eventstore import (
    CommandResult,
    IdempotencyClaim,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SaveOutcomeUndetermined,
    SaveOutcomeUnknown,
    ServiceApplication,
    idempotency_claim,
)
from shared.observability import COMMANDS
from shared.openapi import COMMAND_STATUS

MAX_IDEMPOTENCY_KEY_LENGTH = 200
# The scope of the keys the server makes up for commands sent without one.
SERVER_KEY_SCOPE = "server"
# Said on an answer replayed for a retried Idempotency-Key (the name Stripe's API uses), so that
# clients and the route itself can tell that nothing was done this time.
REPLAYED_HEADER = "Idempotent-Replayed"


def expected_version(request: Request[Any, Any, Any]) -> int | None:
    """`If-Match: <version>` (or `"<version>"`): the version the client last read."""
    value = request.headers.get("if-match")
    if value is None:
        return None
    try:
        return int(value.strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise InvalidInput(
            "l'en-tête If-Match doit être la version de l'enregistrement lue en dernier, par ex. If-Match: 3",
            field="If-Match",
        ) from None


async def run_command(
    request: Request[Any, Any, Any],
    application: ServiceApplication,
    command: Callable[[], CommandResult],
    *,
    name: str,
    status_code: int | None = None,
) -> Response[CommandResult]:
    # By default the status the route declares with `shared.openapi.command`/`creation` (so the
    # answer is the documented one), else 200.
    status_code = status_code or request.route_handler.opt.get(COMMAND_STATUS, 200)
    principal: Principal = request.user
    key = request.headers.get("idempotency-key")
    if key is not None:
        if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise InvalidInput(
                f"l'en-tête Idempotency-Key doit avoir de 1 à {MAX_IDEMPOTENCY_KEY_LENGTH} caractères",
                field="Idempotency-Key",
            )
        fingerprint = hashlib.sha256(
            request.method.encode() + b" " + request.url.path.encode() + b"\n" + await request.body()
        ).hexdigest()
        scope = f"tenant:{principal.tenant}" if principal.tenant else f"user:{principal.subject}"
        claim = IdempotencyClaim(scope=scope, key=key, fingerprint=fingerprint, status_code=status_code)
    else:
        # No key from the client: one for this request alone, so that a save whose connection died
        # can still find out whether it committed.
        claim = IdempotencyClaim(scope=SERVER_KEY_SCOPE, key=uuid.uuid4().hex, fingerprint="", status_code=status_code)
    client_key = key is not None

    def run() -> tuple[int, CommandResult, bool]:
        if client_key:
            answered = _answered(application, claim)
            if answered is not None:
                return (*answered, True)
        with (
            command_context(
                actor_id=principal.subject,
                actor_role=principal.main_role,
                tenant_id=principal.tenant,
                correlation_id=request.scope["state"].get("correlation_id"),
                causation_id=request.scope["state"].get("request_id"),
            ),
            idempotency_claim(claim),
        ):
            try:
                return status_code, command(), False
            except SaveOutcomeUnknown as lost:
                # Found committed, it is this request's own save: not a replay.
                return (*_settle(application, claim, lost), False)
            except (IntegrityError, DomainError):
                # Either a concurrent change to the aggregate (409), or a refusal the domain drew
                # from one (a SIRET "already registered"), or a concurrent retry with the same key
                # that committed first: then its answer stands.
                answered = _answered_if_reachable(application, claim) if client_key else None
                if answered is None:
                    raise
                return (*answered, True)

    try:
        status, result, replayed = await to_thread.run_sync(run)
    except Exception:
        COMMANDS.labels(application.schema, name, "refused").inc()
        raise
    COMMANDS.labels(application.schema, name, "ok").inc()
    headers = {"ETag": f'"{result.version}"'}
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(result, status_code=status, headers=headers)


def is_replay(answer: Response[CommandResult]) -> bool:
    """The answer is a former request's, replayed for the same `Idempotency-Key`: the command did
    nothing this time, so neither should what follows it (an e-mail, say)."""
    return answer.headers.get(REPLAYED_HEADER) == "true"


def _answered(application: ServiceApplication, claim: IdempotencyClaim) -> tuple[int, CommandResult] | None:
    found = application.find_idempotent_answer(claim.scope, claim.key)
    if found is None:
        return None
    return _decoded(found, claim)


def _decoded(found: tuple[str, int, bytes], claim: IdempotencyClaim) -> tuple[int, CommandResult]:
    """The answer saved under the claim's key, if it was saved for this same request."""
    fingerprint, status, body = found
    if fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused(
            "cette Idempotency-Key a déjà servi pour une autre requête : prenez une nouvelle clé pour une "
            "nouvelle commande",
            field="Idempotency-Key",
        )
    return status, msgspec.json.decode(body, type=CommandResult)


def _answered_if_reachable(
    application: ServiceApplication, claim: IdempotencyClaim
) -> tuple[int, CommandResult] | None:
    """`_answered`, or None when the database cannot say (the refusal being handled then stands)."""
    try:
        return _answered(application, claim)
    except (OperationalError, InterfaceError):
        return None


def _settle(
    application: ServiceApplication, claim: IdempotencyClaim, lost: SaveOutcomeUnknown
) -> tuple[int, CommandResult]:
    """The truth about a save whose connection died: its answer if it committed, else 503."""
    try:
        found = application.command_recorder.settle_lost_save(claim.scope, claim.key, lost.attempt)
    except SaveOutcomeUndetermined:
        raise DatabaseUnavailable(
            "la connexion à la base de données a été perdue pendant l'enregistrement et on ne sait pas "
            "encore s'il a abouti ; réessayez dans quelques secondes avec la même Idempotency-Key "
            "(sans clé, vérifiez d'abord si la modification figure dans le registre)",
            written="unknown",
        ) from lost
    if found is None:
        raise DatabaseUnavailable(
            "la connexion à la base de données a été perdue pendant l'enregistrement : rien n'a été "
            "enregistré ; réessayez dans quelques secondes",
            written=False,
        ) from lost
    return _decoded(found, claim)
