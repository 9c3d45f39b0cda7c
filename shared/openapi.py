"""The contract as the platform keeps it: what the OpenAPI document and OPTIONS answers say.

Services describe their own operations; what every operation shares is derived here from the
routes themselves, so that the document cannot drift from what the code does:

- the roles that may call an operation come from its guard (`shared.auth.requires`), as an
  `x-roles` extension, a sentence in its description, its bearer security requirement and its
  401/403 answers; public operations (health, readiness, metrics, the document) need no token;
- an operation whose path names a record documents its 404;
- a GET that takes `wait_for` documents its 422 (a notification id beyond the log's head);
- a Struct that refuses unknown fields says `additionalProperties: false`;
- every integer says its 64-bit bounds and every free string that U+0000 is refused, as the
  decoder and the URL guard do whatever the declared type;
- `command` and `creation` declare a command's status once (200, or 201 for what creates a
  record), for the document and for `shared.commands.run_command`, which answers the status the
  route declares;
- OPTIONS answers every method of the path, without a token (Litestar's own answer lists only the
  methods of the controller registered first, and runs that controller's guards).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Litestar, post
from litestar._openapi.plugin import OpenAPIPlugin
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.enums import ScopeType
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from shared.http_errors import COMMAND_ERRORS, ErrorBody, error_responses

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
COMMAND_STATUS = "command_status"
NO_NUL_PATTERN = "^[^\\x00]*$"
_ROLE_NAMES = {
    "member_admin": "administrateur d'adhérent",
    "member_contributor": "contributeur d'adhérent",
    "peer_reviewer": "pair évaluateur",
    "regional_delegate": "délégué régional",
    "trainer": "formateur",
    "auditor": "auditeur",
    "fund_reviewer": "instructeur du fonds",
    "national_staff": "équipe nationale",
}


def command(path: str | None = None, **options: Any) -> Callable[..., Any]:
    """A POST that changes an existing record: documented and answered 200."""
    return _command_post(path, 200, options)


def creation(path: str | None = None, **options: Any) -> Callable[..., Any]:
    """A POST that creates a record: documented and answered 201."""
    return _command_post(path, 201, options)


def _command_post(path: str | None, status: int, options: dict[str, Any]) -> Callable[..., Any]:
    options.setdefault("responses", COMMAND_ERRORS)
    # `run_command` reads the status from `opt`, so the answer is the one the document shows.
    options["opt"] = {**options.get("opt", {}), COMMAND_STATUS: status}
    return post(path, status_code=status, **options)


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Litestar's schema of a msgspec Struct, saying `additionalProperties: false` when the Struct
    refuses unknown fields (as the decoder does, with a 400)."""

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Any:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        struct = field_definition.type_
        if getattr(struct.__struct_config__, "forbid_unknown_fields", False):
            schema.additional_properties = False
        # Litestar documents a field's own constraints but drops those of list items and dict
        # values (`list[RegionCode]` shows plain strings): msgspec's view of the type restores them.
        info = msgspec.inspect.type_info(struct)
        for field in info.fields if isinstance(info, msgspec.inspect.StructType) else ():
            prop = (schema.properties or {}).get(field.encode_name)
            if isinstance(prop, Schema):
                _constrain_inner(prop, field.type)
        return schema


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusive_minimum", "lt": "exclusive_maximum"}


def _constrain_inner(schema: Schema, info: Any) -> None:
    """Set on the items / values / keys of `schema` the constraints msgspec knows for them."""
    info = _unwrap(info)
    if isinstance(info, msgspec.inspect.UnionType):
        types = [t for t in info.types if not isinstance(_unwrap(t), msgspec.inspect.NoneType)]
        if len(types) == 1:
            inner = [s for s in (schema.one_of or []) if isinstance(s, Schema) and s.type != OpenAPIType.NULL]
            for candidate in inner or [schema]:
                _constrain_inner(candidate, types[0])
        return
    if isinstance(info, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.VarTupleType):
        if isinstance(schema.items, Schema):
            _constrain(schema.items, info.item_type)
            _constrain_inner(schema.items, info.item_type)
    elif isinstance(info, msgspec.inspect.DictType):
        if schema.min_properties is None:
            schema.min_properties = info.min_length
        if schema.max_properties is None:
            schema.max_properties = info.max_length
        keys = _unwrap(info.key_type)
        if isinstance(keys, msgspec.inspect.LiteralType | msgspec.inspect.EnumType) and schema.property_names is None:
            values = keys.values if isinstance(keys, msgspec.inspect.LiteralType) else [m.value for m in keys.cls]
            schema.property_names = Schema(type=OpenAPIType.STRING, enum=list(values))
        elif isinstance(keys, msgspec.inspect.StrType) and schema.property_names is None and keys.pattern:
            schema.property_names = Schema(type=OpenAPIType.STRING, pattern=keys.pattern)
        if isinstance(schema.additional_properties, Schema):
            _constrain(schema.additional_properties, info.value_type)
            _constrain_inner(schema.additional_properties, info.value_type)


def _unwrap(info: Any) -> Any:
    """msgspec wraps a type that carries a description or examples in `Metadata`."""
    while isinstance(info, msgspec.inspect.Metadata):
        info = info.type
    return info


def _constrain(schema: Schema, info: Any) -> None:
    info = _unwrap(info)
    if isinstance(info, msgspec.inspect.StrType):
        schema.min_length = schema.min_length if schema.min_length is not None else info.min_length
        schema.max_length = schema.max_length if schema.max_length is not None else info.max_length
        schema.pattern = schema.pattern or info.pattern
    elif isinstance(info, msgspec.inspect.IntType | msgspec.inspect.FloatType):
        for bound, attribute in _BOUNDS.items():
            if getattr(info, bound) is not None and getattr(schema, attribute) is None:
                setattr(schema, attribute, getattr(info, bound))


def roles_of(handler: Any) -> list[str] | None:
    """The roles the handler's guards let through (all guards must pass), or None without a guard."""
    allowed: set[str] | None = None
    for guard in handler.resolve_guards():
        roles = getattr(guard, "roles", None)
        if roles is None:
            continue
        names = {role.value for role in roles}
        allowed = names if allowed is None else allowed & names
    return None if allowed is None else sorted(allowed)


def complete_openapi(app: Litestar, public_paths: list[str]) -> None:
    """Have the app's OpenAPI document completed with what every operation derives from its route,
    the first time it is asked for.

    Building the document costs one to two seconds, which a process that never serves it (a
    projection worker, most tests) should not pay when its app is made. Litestar makes its
    `OpenAPIPlugin` itself, so the plugin is given the subclass below, which only adds the
    completion to the step that caches the document."""
    app.state[_PUBLIC_PATHS] = public_paths
    app.plugins.get(OpenAPIPlugin).__class__ = _CompletedOpenAPIPlugin


_PUBLIC_PATHS = "openapi_public_paths"


class _CompletedOpenAPIPlugin(OpenAPIPlugin):
    __slots__ = ()

    def provide_openapi_schema(self) -> dict[str, Any]:
        if self._openapi_schema is None:
            document = self.provide_openapi().to_schema()
            _complete_document(self.app, document, self.app.state[_PUBLIC_PATHS])
            self._openapi_schema = document
        return self._openapi_schema


def _complete_document(app: Litestar, document: dict[str, Any], public_paths: list[str]) -> None:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        item = document.get("paths", {}).get(route.path_format)
        if item is None:
            continue
        public = any(re.search(pattern, route.path_format) for pattern in public_paths)
        for method, (handler, _) in route.route_handler_map.items():
            operation = item.get(method.lower())
            if operation is None:
                continue
            _complete_operation(operation, handler, public)
    _state_platform_bounds(document)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorBody" not in schemas:  # the error answers added above refer to it
        _, components = msgspec.json.schema_components([ErrorBody], ref_template="#/components/schemas/{name}")
        schemas.update(components)


def _complete_operation(operation: dict[str, Any], handler: Any, public: bool) -> None:
    responses = operation.setdefault("responses", {})
    if public:
        operation["security"] = []
        return
    operation["security"] = BEARER
    _add_error(responses, 401)
    roles = roles_of(handler)
    if roles is not None:
        operation["x-roles"] = roles
        names = ", ".join(_ROLE_NAMES.get(role, role) for role in roles)
        sentence = f"Rôles autorisés : {names} (`{'`, `'.join(roles)}`)."
        description = operation.get("description", "")
        operation["description"] = f"{description}\n\n{sentence}".strip()
        _add_error(responses, 403)
    parameters = operation.get("parameters", [])
    if operation.get("requestBody") or parameters:
        _add_error(responses, 400)
    if any(p.get("in") == "path" for p in parameters):
        _add_error(responses, 404)  # a path names a record, which may not exist (or not for the caller)
    if any(p.get("name") == "wait_for" for p in parameters):
        _add_error(
            responses,
            422,
            "`wait_for` nomme une notification au-delà de la dernière enregistrée (`extra.field` : wait_for)",
        )
    if operation.get("requestBody"):
        _add_error(responses, 413)


def _state_platform_bounds(document: dict[str, Any]) -> None:
    """Say in every schema what the platform refuses whatever the declared type (shared.decoding):
    integers beyond 64 bits, and U+0000 in a free string (one without pattern, format or enum)."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if node.get("type") == "integer":
            node.setdefault("minimum", -(2**63))
            node.setdefault("maximum", 2**63 - 1)
        elif node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys():
            node["pattern"] = NO_NUL_PATTERN
        pending.extend(node.values())


def _add_error(responses: dict[str, Any], code: int, description: str | None = None) -> None:
    if str(code) in responses:
        return
    spec = error_responses(code)[code]
    responses[str(code)] = {
        "description": description or spec.description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


class AllowedMethodsMiddleware:
    """Answers OPTIONS with every method of the path (204, `Allow`), before guards run."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        methods = _methods_by_path(scope["app"]).get(scope.get("path_template", ""))
        if methods is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"allow", ", ".join(methods).encode()), (b"content-length", b"0")]
        start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 204, "headers": headers}
        await send(start)
        body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(body)


def _methods_by_path(app: Litestar) -> dict[str, list[str]]:
    known = app.state.get("allowed_methods_by_path")
    if known is None:
        known = {}
        for route in app.routes:
            if isinstance(route, HTTPRoute):
                known.setdefault(route.path_format, set()).update(route.methods)
        known = {path: sorted(methods | {"OPTIONS"}) for path, methods in known.items()}
        app.state["allowed_methods_by_path"] = known
    return known
