"""What the directory's pages share: the form's fields, the portal's clock, commands, redirects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import asyncpg
from anyio import to_thread
from litestar import Request

from services.people.application import PeopleApplication
from shared.auth import Principal
from shared.events import command_context
from shared.platform import Platform
from shared.web.session import sessions_of

T = TypeVar("T")
AnyRequest = Request[Any, Any, Any]


def platform_of(request: AnyRequest) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def write_pool(request: AnyRequest) -> asyncpg.Pool:
    """The platform's write pool: the only one that reaches credentials, links and sessions."""
    pool = platform_of(request).write_pool
    if pool is None:
        raise RuntimeError("the platform is not started")
    return pool


def people(request: AnyRequest) -> PeopleApplication:
    application = platform_of(request).application("people")
    if not isinstance(application, PeopleApplication):
        raise TypeError(f"the people service runs {type(application).__name__}, not PeopleApplication")
    return application


def now(request: AnyRequest) -> datetime:
    """The portal's time: the sessions' clock, which tests move (links, limits and sessions agree)."""
    return sessions_of(request.app.state).clock()


async def as_person(request: AnyRequest, principal: Principal, command: Callable[[], T]) -> T:
    """Run a command of the directory's application in the thread pool, its events recording who
    asked (`principal`) and the request's correlation."""

    def run() -> T:
        with command_context(
            actor_id=principal.subject,
            actor_role=principal.main_role,
            tenant_id=principal.tenant,
            correlation_id=request.scope["state"].get("correlation_id"),
            causation_id=request.scope["state"].get("request_id"),
        ):
            return command()

    return await to_thread.run_sync(run)


def local_path(target: str | None) -> str:
    """`target` when it is a path of this site ("/cap?x=1"), else "/": never a redirect elsewhere
    ("//evil.example", "https://…", "/\\evil.example" all count as elsewhere)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
