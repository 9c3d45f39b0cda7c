"""The Jinja2 environment of the portal: the shared layout, then each service's templates."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from shared.web import filters

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC_DIRECTORY = Path(__file__).parent / "static"
SERVICES_DIRECTORY = Path(__file__).parent.parent.parent / "services"


def template_directories(service_names: Iterable[str]) -> list[Path]:
    """The shared layout first, then `services/<name>/web/templates` of each service that has one
    (a service's templates sit in a folder of its name, so two services never shadow each other)."""
    directories = [SHARED_TEMPLATES]
    for name in service_names:
        directory = SERVICES_DIRECTORY / name / "web" / "templates"
        if directory.is_dir():
            directories.append(directory)
    return directories


def template_config(service_names: Iterable[str]) -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in template_directories(service_names)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        # A name the page does not pass is a bug in the page, not an empty string on screen.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(environment)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))
