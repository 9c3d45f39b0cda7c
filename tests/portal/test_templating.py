"""Templates are compiled once per process unless development asks to watch the files."""

from __future__ import annotations

from typing import Any

from shared.web.templating import template_config, templates_reload


def environment_of(config: Any) -> Any:
    return config.instance.engine


def test_templates_are_not_watched_unless_asked() -> None:
    assert templates_reload({}) is False
    assert templates_reload({"COORACE_TEMPLATES_RELOAD": "0"}) is False
    assert templates_reload({"COORACE_TEMPLATES_RELOAD": "1"}) is True
    assert environment_of(template_config([], auto_reload=False)).auto_reload is False
    assert environment_of(template_config([], auto_reload=True)).auto_reload is True


def test_the_default_follows_the_environment_variable(monkeypatch: Any) -> None:
    monkeypatch.delenv("COORACE_TEMPLATES_RELOAD", raising=False)
    assert environment_of(template_config([])).auto_reload is False
    monkeypatch.setenv("COORACE_TEMPLATES_RELOAD", "true")
    assert environment_of(template_config([])).auto_reload is True


def test_the_input_macro_writes_each_attribute_apart() -> None:
    # trim_blocks swallowed the line break between attributes: `autocomplete="name"required`.
    environment = template_config([]).instance.engine
    html = environment.from_string(
        '{% from "forms.html" import input %}'
        '{{ input("nom", "Nom", {"nom": "Trop long."}, autocomplete="name", hint="h") }}'
    ).render()
    assert 'value="" autocomplete="name" required aria-describedby="nom-aide nom-erreur" aria-invalid="true">' in html
