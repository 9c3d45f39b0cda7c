"""Request bodies decoded strictly, and every validation message said in French, naming the field.

Litestar converts a JSON body to the handler's type with msgspec in lax mode, where `"1"` becomes
`1` and `"false"` becomes `False`: a client's mistake would be stored as something it never meant.
`StrictRequest` (the app's request class) checks the body against the handler's `data` type in
strict mode first, so a wrong type is a 400 naming the field; Litestar's own conversion then only
sees bodies that need no coercion. It also refuses what the type cannot express: bodies nested
deeper than `MAX_BODY_DEPTH`, integers beyond 64 bits (PostgreSQL's bigint), U+0000 in any string
(PostgreSQL cannot store it), malformed JSON and invalid UTF-8. `UrlGuardMiddleware` refuses
U+0000 in the path and query parameters the same way, and integers beyond 64 bits in the query
parameters declared as integers (a text parameter may be all digits).

`french_message` turns msgspec's messages ("Expected `int`, got `str`") into French sentences
that name the field; the error handlers use it for query and path parameters too.
"""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from typing import Any, get_args
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.types import ASGIApp, Empty, Receive, Scope, Send

from shared.values import PATTERN_MEANINGS

MAX_BODY_DEPTH = 32
MAX_BODY_BYTES = 1_000_000
_BIGINT = 2**63
_EXACT_FLOAT_INTEGERS = 2**53

_TYPE_NAMES = {
    "int": "un nombre entier",
    "float": "un nombre",
    "str": "une chaîne de caractères",
    "bool": "un booléen (true ou false)",
    "object": "un objet JSON",
    "array": "une liste",
    "null": "null",
}


class RequestRefused(ClientException):
    """A request no route may take: 400, with the field (and where it was) in `extra`."""

    status_code = 400

    def __init__(self, message: str, field: str, source: str) -> None:
        # The message may quote what the client sent (a field's name): never echo a control character.
        super().__init__(detail=_visible(message), extra={"field": _visible(field), "source": source})


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class BodyRefused(RequestRefused):
    """A body that is not the JSON the route expects."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field, "body")


class UrlGuardMiddleware:
    """Refuses what no path or query parameter may hold, whatever its declared type: U+0000
    (PostgreSQL can neither store nor compare it) and integers beyond 64 bits (bigint), which would
    otherwise reach a query and fail there as a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            _check_url(
                scope["path"], scope.get("query_string", b""), scope.get("route_handler"), scope.get("path_params")
            )
        await self.app(scope, receive, send)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _check_url(path: str, query: bytes, handler: Any, path_params: dict[str, Any] | None) -> None:
    if "\x00" in path:
        # The router has already split the path: name the parameter that holds the character.
        name = next((key for key, value in (path_params or {}).items() if "\x00" in str(value)), None)
        if name is None:
            raise RequestRefused("l'adresse contient le caractère nul (U+0000), interdit", "path", "path")
        raise RequestRefused(f"le paramètre « {name} » contient le caractère nul (U+0000), interdit", name, "path")
    parameters = handler.parsed_fn_signature.parameters if handler is not None else {}
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        # Litestar reads a number as a timestamp for a date parameter (`?known_at=0.5` is 1970):
        # a date is written as one.
        declared = parameters.get(name)
        if declared is not None and _is_date(declared.annotation) and not _ISO_DATE.match(value):
            raise RequestRefused(
                f"le paramètre « {name} » doit être une date AAAA-MM-JJ (ou une date-heure RFC 3339)", name, "query"
            )
        if "\x00" in name or "\x00" in value:
            raise RequestRefused(f"le paramètre « {name} » contient le caractère nul (U+0000), interdit", name, "query")
        # Only a parameter read as an integer reaches a query as a bigint: a text may be all digits.
        digits = value.removeprefix("-").removeprefix("+")
        takes_int = declared is not None and _admits(declared.annotation, int)
        if (
            takes_int
            and digits.isascii()
            and digits.isdigit()
            and (len(digits) > 19 or not -_BIGINT <= int(value) < _BIGINT)
        ):
            raise RequestRefused(f"le paramètre « {name} » est un nombre trop grand (au plus 64 bits)", name, "query")


class StrictRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if self._json is not Empty:
            return self._json
        if (known := self._connection_state.json) is not Empty:
            self._json = known
            return known
        body = await self.body()
        value = decode_body(body or b"null")
        body_type = _body_type(self)
        if body_type is not None:
            try:
                # `str_keys`: JSON object keys are text, as Litestar's own conversion assumes.
                msgspec.convert(
                    value,
                    type=body_type,
                    strict=True,
                    str_keys=True,
                    dec_hook=self.route_handler.default_deserializer,
                )
            except msgspec.ValidationError as error:
                message, path = _split(str(error))
                raise BodyRefused(french_message(message, path), field_of(message, path)) from None
        self._json = self._connection_state.json = value
        return value


def decode_body(body: bytes) -> Any:
    """The JSON value of a body, or a French 400 saying why it is not one."""
    try:
        value = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError) as error:
        reason = "n'est pas en UTF-8 valide" if isinstance(error, UnicodeDecodeError) else "n'est pas du JSON valide"
        if "out of range" in str(error):
            reason = "contient un nombre trop grand"
        raise BodyRefused(f"le corps de la requête {reason}", "body") from None
    except RecursionError:
        raise BodyRefused(_too_deep(), "body") from None
    return _check_values(value)


def _check_values(value: Any) -> Any:
    """Depth, integer range and U+0000, walked without recursion (the body may be hostile); the
    value with its whole-number floats (`3.0`) as integers, which JSON Schema counts as integers
    and msgspec's strict mode would refuse for an `int` field."""
    root = [value]
    pending: list[tuple[Any, str, int, Any, Any]] = [(value, "", 0, root, 0)]
    while pending:
        item, path, depth, parent, slot = pending.pop()
        field = path or "body"
        if depth >= MAX_BODY_DEPTH:  # the body itself is level 1
            raise BodyRefused(_too_deep(), "body")
        if isinstance(item, dict):
            for key, inner in item.items():
                if "\x00" in key:
                    raise BodyRefused("un nom de champ du corps contient le caractère nul (U+0000)", field)
                pending.append((inner, f"{path}.{key}" if path else key, depth + 1, item, key))
        elif isinstance(item, list):
            pending.extend((inner, f"{path}[{i}]", depth + 1, item, i) for i, inner in enumerate(item))
        elif isinstance(item, float) and item.is_integer() and abs(item) < _EXACT_FLOAT_INTEGERS:
            parent[slot] = int(item)
        elif isinstance(item, str) and "\x00" in item:
            raise BodyRefused(f"le champ « {field} » contient le caractère nul (U+0000), interdit", field)
        elif isinstance(item, int) and not isinstance(item, bool) and not -_BIGINT <= item < _BIGINT:
            raise BodyRefused(f"le champ « {field} » est un nombre trop grand (au plus 64 bits)", field)
    return root[0]


def _is_date(annotation: Any) -> bool:
    return bool({annotation, *get_args(annotation)} & {date, datetime})


def _admits(annotation: Any, kind: type) -> bool:
    """Whether a declared type (through `Annotated`, unions and `Optional`) takes values of `kind`."""
    if annotation is kind:
        return True
    return any(_admits(arg, kind) for arg in get_args(annotation) if arg is not annotation)


def _too_deep() -> str:
    return f"le corps de la requête est imbriqué trop profondément (au plus {MAX_BODY_DEPTH} niveaux)"


def _body_type(request: Request[Any, Any, Any]) -> Any:
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    return None if data is None else data.annotation


_AT = re.compile(r" - at `(?:key` in `)?\$(?P<path>[^`]*)`$")  # "at `key` in `$.x`": a key of x


def _split(message: str) -> tuple[str, str]:
    """msgspec's message without its location, and the location as a field name ("contact.name")."""
    match = _AT.search(message)
    if match is None:
        return message, ""
    return message[: match.start()], match["path"].removeprefix(".")


def field_of(message: str, path: str) -> str:
    """The field a msgspec message is about: the unknown or missing one it names, else its path."""
    if match := re.fullmatch(r"Object (?:contains unknown|missing required) field `(.+)`", message):
        return _join(path, match[1])
    return path or "body"


def french_message(message: str, field: str) -> str:
    """msgspec's (or Litestar's) validation message, in French, naming the field.

    An unknown or missing field names itself; a message we do not know stays as msgspec says it,
    after a French lead, rather than being guessed at.
    """
    if match := re.fullmatch(r"Object contains unknown field `(.+)`", message):
        return f"le champ « {_join(field, match[1])} » est inconnu : il n'est pas accepté ici"
    if match := re.fullmatch(r"Object missing required field `(.+)`", message):
        return f"le champ « {_join(field, match[1])} » est obligatoire"
    name = field or "body"
    if match := re.fullmatch(r"Expected `([\w |]+)`, got `(\w+)`", message):
        expected = " ou ".join(_TYPE_NAMES.get(t, t) for t in match[1].split(" | "))
        return f"le champ « {name} » doit être {expected} (reçu : {_TYPE_NAMES.get(match[2], match[2])})"
    if match := re.fullmatch(r"Missing required (\w+) parameter '(.+)' for path .*", message):
        return f"le paramètre « {match[2]} » est obligatoire"
    if match := re.fullmatch(r"Expected `str` matching regex ('.*')", message):
        pattern = ast.literal_eval(match[1])  # msgspec quotes the pattern as Python's repr does
        meaning = PATTERN_MEANINGS.get(pattern) or f"n'a pas la forme attendue (motif {pattern})"
        return f"le champ « {name} » {meaning}"
    if match := re.fullmatch(r"Expected `(\w+)` of length ([<>]=) (\d+)", message):
        what = "caractère" if match[1] == "str" else "élément"
        bound = "au moins" if match[2] == ">=" else "au plus"
        plural = "s" if int(match[3]) > 1 else ""
        return f"le champ « {name} » doit avoir {bound} {match[3]} {what}{plural}"
    if match := re.fullmatch(r"Expected `(\w+)` ([<>]=?) (-?[\d.e+]+)", message):
        words = {">=": "supérieur ou égal à", ">": "supérieur à", "<=": "inférieur ou égal à", "<": "inférieur à"}
        return f"le champ « {name} » doit être {words[match[2]]} {match[3]}"
    if match := re.fullmatch(r"Invalid enum value (.+)", message):
        return f"le champ « {name} » n'admet pas la valeur {match[1]} (voir les valeurs permises dans le schéma)"
    if message == "Invalid UUID":
        return f"le champ « {name} » doit être un identifiant UUID"
    if message.startswith("Invalid RFC3339 encoded date"):
        what = "une date-heure RFC 3339" if "datetime" in message else "une date AAAA-MM-JJ"
        return f"le champ « {name} » doit être {what} valide"
    if message == "Invalid decimal string":
        return f'le champ « {name} » doit être un nombre décimal écrit en chaîne (ex. "12.50")'
    if message == "Number out of range":
        return f"le champ « {name} » est un nombre hors limites"
    return f"le champ « {name} » est invalide ({message})"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
