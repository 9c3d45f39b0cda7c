"""The portal's home page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from shared.web.auth import signed_in_as


@get("/", guards=[signed_in_as()], sync_to_thread=False)
def home(request: Request[Any, Any, Any]) -> Template:
    return Template(template_name="membership/home.html", context={"title": "Accueil"})
