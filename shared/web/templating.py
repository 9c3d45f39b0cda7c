"""The Jinja2 environment of the portal: the shared layout, then each service's templates."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from shared.web import filters

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC_DIRECTORY = Path(__file__).parent / "static"
SERVICES_DIRECTORY = Path(__file__).parent.parent.parent / "services"
# Set to 1 while editing templates: each render then checks the files' times (a stat per template
# and per render, 2-4 % of a page under load), and an edited template shows at the next page.
RELOAD_VARIABLE = "COORACE_TEMPLATES_RELOAD"


def templates_reload(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(RELOAD_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def template_directories(service_names: Iterable[str]) -> list[Path]:
    """The shared layout first, then `services/<name>/web/templates` of each service that has one
    (a service's templates sit in a folder of its name, so two services never shadow each other)."""
    directories = [SHARED_TEMPLATES]
    for name in service_names:
        directory = SERVICES_DIRECTORY / name / "web" / "templates"
        if directory.is_dir():
            directories.append(directory)
    return directories


def template_config(
    service_names: Iterable[str], *, auto_reload: bool | None = None
) -> TemplateConfig[JinjaTemplateEngine]:
    """Templates are read and compiled once per process (each compiled template is kept by the
    environment), unless `auto_reload` (default: COORACE_TEMPLATES_RELOAD) asks to watch the files."""
    environment = Environment(
        auto_reload=templates_reload() if auto_reload is None else auto_reload,
        loader=ChoiceLoader([FileSystemLoader(d) for d in template_directories(service_names)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        # A name the page does not pass is a bug in the page, not an empty string on screen.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(environment)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))
