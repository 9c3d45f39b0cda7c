"""The Cap referential as a value: themes, sub-themes and indicators of one version.

The referential is data (a JSON document, `referential/cap-2016.1.json` for the first version),
carried whole by the `ReferentialVersion` events. `Referential.parse` checks its shape and builds
the read-only structure the plan and the positioning compute with. Texts are `{"fr": ..., "en": ...}`:
French is required (members read it), English optional.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.assessment.domain.errors import InvalidReferential
from shared.errors import InvalidInput
from shared.values import check_text

LEVELS = (1, 2, 3, 4)
WEIGHTS = (1, 2, 3)
INDICATORS_PER_SUB_THEME = 3
FIRST_VERSION_FILE = Path(__file__).resolve().parents[1] / "referential" / "cap-2016.1.json"
INDICATOR_KEYS = frozenset(
    {"code", "question", "help", "example", "levels", "objective_level", "weight", "actions", "service"}
)

Text = dict[str, str]
VERSION_CODE = re.compile(r"[0-9A-Za-z._-]{1,30}")  # the shape the API's paths accept
ASCII_NUMBER = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class Indicator:
    code: str
    theme: str
    sub_theme: str
    question: Text
    objective_level: int
    weight: int
    actions: dict[int, Text]  # the suggested action for each answer level
    service: str  # the federation service an action calls on
    definition: str  # a fingerprint of what an answer means: question, levels, objective

    def action_for(self, level: int) -> str:
        return self.actions[level]["fr"]


@dataclass(frozen=True)
class Theme:
    code: str
    title: Text
    sub_themes: tuple[tuple[str, Text, tuple[str, ...]], ...]  # (code, title, indicator codes)


@dataclass(frozen=True)
class Referential:
    version: str
    title: Text
    services: dict[str, Text]
    themes: tuple[Theme, ...]
    indicators: dict[str, Indicator]  # in the document's order
    document: dict[str, Any]

    def indicator(self, code: str) -> Indicator | None:
        return self.indicators.get(code)

    def sub_theme_codes(self) -> list[str]:
        return [code for theme in self.themes for code, _, _ in theme.sub_themes]

    def service_label(self, key: str) -> str:
        return self.services.get(key, {}).get("fr", key)

    @staticmethod
    def parse(document: dict[str, Any], *, complete: bool = True) -> Referential:
        """The referential of a document; `complete` also requires the indicators a published
        version needs (at least three per sub-theme)."""
        return _parse(document, complete)


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict) or not isinstance(value.get("fr"), str) or not value["fr"].strip():
        raise InvalidReferential(f'{where} : un texte {{"fr": ..., "en": ...}} avec le français est attendu')
    if "en" in value and not isinstance(value["en"], str):
        raise InvalidReferential(f"{where} : la traduction anglaise doit être un texte")
    return {k: v for k, v in value.items() if k in ("fr", "en")}


def _int(value: Any, allowed: tuple[int, ...], where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise InvalidReferential(f"{where} : une valeur parmi {', '.join(map(str, allowed))} est attendue")
    return value


def definition_of(indicator: dict[str, Any]) -> str:
    """What makes two answers to an indicator comparable: same question, same level descriptions,
    same objective. Help texts, examples, actions, weight and service may change freely."""
    meaning = {
        "question": indicator["question"]["fr"],
        "levels": [level["description"]["fr"] for level in indicator["levels"]],
        "objective_level": indicator["objective_level"],
    }
    return hashlib.sha256(json.dumps(meaning, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def check_indicator(indicator: Any, sub_theme: str, services: dict[str, Any]) -> None:
    """Raise InvalidReferential unless `indicator` is a well-formed indicator of `sub_theme`."""
    if not isinstance(indicator, dict):
        raise InvalidReferential(f"sous-thème {sub_theme} : un indicateur doit être un objet")
    _check_texts(indicator, "indicateur")
    code = indicator.get("code")
    if (
        not isinstance(code, str)
        or not code.startswith(sub_theme + ".")
        or not ASCII_NUMBER.fullmatch(code[len(sub_theme) + 1 :])
    ):
        raise InvalidReferential(f"indicateur {code!r} : le code doit être « {sub_theme}.<numéro> »")
    if set(indicator) != INDICATOR_KEYS:
        missing, extra = INDICATOR_KEYS - set(indicator), set(indicator) - INDICATOR_KEYS
        raise InvalidReferential(f"indicateur {code} : champs manquants {sorted(missing)}, en trop {sorted(extra)}")
    for key in ("question", "help", "example"):
        _text(indicator[key], f"indicateur {code}, {key}")
    levels = indicator["levels"]
    if not isinstance(levels, list) or [lv.get("level") if isinstance(lv, dict) else None for lv in levels] != list(
        LEVELS
    ):
        raise InvalidReferential(f"indicateur {code} : quatre niveaux numérotés de 1 à 4 sont attendus")
    for level in levels:
        _text(level.get("label"), f"indicateur {code}, niveau {level['level']}, libellé")
        _text(level.get("description"), f"indicateur {code}, niveau {level['level']}, description")
    if len({level["description"]["fr"] for level in levels}) != len(LEVELS):
        raise InvalidReferential(f"indicateur {code} : chaque niveau doit avoir sa propre description")
    _int(indicator["objective_level"], LEVELS[1:], f"indicateur {code}, objective_level")
    _int(indicator["weight"], WEIGHTS, f"indicateur {code}, weight")
    actions = indicator["actions"]
    if not isinstance(actions, dict) or set(actions) != {str(lv) for lv in LEVELS}:
        raise InvalidReferential(f"indicateur {code} : une action suggérée par niveau (« 1 » à « 4 ») est attendue")
    for level, action in actions.items():
        _text(action, f"indicateur {code}, action du niveau {level}")
    if not isinstance(indicator["service"], str) or indicator["service"] not in services:
        raise InvalidReferential(
            f"indicateur {code} : service {indicator['service']!r} inconnu ; services : {', '.join(sorted(services))}"
        )


def _check_texts(value: Any, where: str) -> None:
    """Every text of the document, keys included, is free of control characters: a NUL would be
    stored in the version's event and refused by PostgreSQL in every read model after it."""
    if isinstance(value, str):
        try:
            check_text(value, where, multi_line=True)
        except InvalidInput as error:
            raise InvalidReferential(error.message, field="document") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_texts(key, f"{where}.{key!s:.40}")
            _check_texts(item, f"{where}.{key!s:.40}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_texts(item, f"{where}[{i}]")


def _parse(document: Any, complete: bool) -> Referential:
    if not isinstance(document, dict):
        raise InvalidReferential("le référentiel doit être un objet JSON")
    _check_texts(document, "document")
    for key in ("version", "title", "adopted_on", "services", "themes"):
        if key not in document:
            raise InvalidReferential(f"le référentiel n'a pas de champ « {key} »")
    version = document["version"]
    if not isinstance(version, str) or not VERSION_CODE.fullmatch(version):
        raise InvalidReferential("version : un identifiant de version est attendu, par exemple « 2017.1 »")
    services = document["services"]
    if not isinstance(services, dict) or not services:
        raise InvalidReferential("services : la liste des services de la fédération est attendue")
    services = {key: _text(label, f"service {key}") for key, label in services.items()}
    themes, indicators, seen = [], {}, set()
    if not isinstance(document["themes"], list) or not document["themes"]:
        raise InvalidReferential("themes : au moins un thème est attendu")
    for theme in document["themes"]:
        if not isinstance(theme, dict) or not isinstance(theme.get("code"), str):
            raise InvalidReferential("themes : chaque thème est un objet avec son code (« 1 », « 2 »...)")
        if not ASCII_NUMBER.fullmatch(theme["code"]):
            raise InvalidReferential(f"thème {theme['code']!r} : le code est un numéro (chiffres de 0 à 9)")
        if not isinstance(theme.get("sub_themes"), list):
            raise InvalidReferential(f"thème {theme['code']} : sub_themes doit être une liste")
        sub_themes = []
        for sub in theme["sub_themes"]:
            sub_code = sub.get("code") if isinstance(sub, dict) else None
            if (
                not isinstance(sub_code, str)
                or not sub_code.startswith(f"{theme['code']}.")
                or not ASCII_NUMBER.fullmatch(sub_code[len(theme["code"]) + 1 :])
                or not isinstance(sub.get("indicators"), list)
            ):
                raise InvalidReferential(
                    f"sous-thème {sub_code!r} : un objet dont le code est « {theme['code']}.<numéro> » "
                    "et les indicateurs une liste"
                )
            codes = []
            for raw in sub["indicators"]:
                check_indicator(raw, sub_code, services)
                if raw["code"] in seen:
                    raise InvalidReferential(f"indicateur {raw['code']} : code en double")
                seen.add(raw["code"])
                codes.append(raw["code"])
                indicators[raw["code"]] = Indicator(
                    code=raw["code"],
                    theme=theme["code"],
                    sub_theme=sub_code,
                    question=raw["question"],
                    objective_level=raw["objective_level"],
                    weight=raw["weight"],
                    actions={int(level): text for level, text in raw["actions"].items()},
                    service=raw["service"],
                    definition=definition_of(raw),
                )
            if complete and len(codes) < INDICATORS_PER_SUB_THEME:
                raise InvalidReferential(
                    f"sous-thème {sub_code} : au moins {INDICATORS_PER_SUB_THEME} indicateurs "
                    f"sont attendus ({len(codes)} actuellement)"
                )
            sub_themes.append((sub_code, _text(sub.get("title"), f"sous-thème {sub_code}"), tuple(codes)))
        themes.append(
            Theme(
                code=theme["code"],
                title=_text(theme.get("title"), f"thème {theme.get('code')}"),
                sub_themes=tuple(sub_themes),
            )
        )
    return Referential(
        version=version,
        title=_text(document["title"], "title"),
        services=services,
        themes=tuple(themes),
        indicators=indicators,
        document=document,
    )


def load_document(path: Path = FIRST_VERSION_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def content_key(document: dict[str, Any]) -> str:
    """A stable key of a document's content (to cache parsed referentials safely)."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@lru_cache(maxsize=64)
def _parsed(key: str, encoded: str) -> Referential:
    return Referential.parse(json.loads(encoded))


def parsed_referential(document: dict[str, Any]) -> Referential:
    """`Referential.parse`, memoised on the document's content (versions in use never change)."""
    encoded = json.dumps(document, sort_keys=True, ensure_ascii=False)
    return _parsed(hashlib.sha256(encoded.encode()).hexdigest(), encoded)
