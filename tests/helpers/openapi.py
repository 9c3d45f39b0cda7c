"""The platform's OpenAPI document, as a client reads it."""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path

from shared.database import DatabaseAddress
from tests.helpers.settings import make_settings


def openapi_document() -> dict:
    """The app's OpenAPI document, built without a database (routes and schemas need none); a
    fresh copy for each caller, built once."""
    return copy.deepcopy(_openapi_document())


@functools.cache
def _openapi_document() -> dict:
    import json

    from litestar._openapi.plugin import OpenAPIPlugin

    from services.bootstrap import build_platform
    from shared.app_factory import create_app

    nowhere = DatabaseAddress.from_url("postgresql://nobody@127.0.0.1:1/nothing")
    platform = build_platform(settings=make_settings(Path(tempfile.mkdtemp(prefix="coorace-doc-"))), database=nowhere)
    document = create_app(platform).plugins.get(OpenAPIPlugin).provide_openapi_schema()
    return json.loads(json.dumps(document))  # as a client reads it: plain JSON values
