"""Checks on the Cap referential data file (no database needed)."""

import json
from pathlib import Path

import pytest

REFERENTIAL_PATH = Path(__file__).resolve().parents[2] / "services" / "assessment" / "referential" / "cap-2016.1.json"

EXPECTED_SUB_THEMES = {
    "1": ["1.1", "1.2"],
    "2": ["2.1", "2.2", "2.3"],
    "3": ["3.1", "3.2", "3.3", "3.4"],
    "4": ["4.1", "4.2"],
}
SERVICE_KEYS = {"training", "legal_support", "quality", "social_utility"}
INDICATOR_KEYS = {
    "code",
    "question",
    "help",
    "example",
    "levels",
    "objective_level",
    "weight",
    "actions",
    "service",
}


@pytest.fixture(scope="module")
def referential():
    with REFERENTIAL_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def all_indicators(ref):
    for theme in ref["themes"]:
        for sub in theme["sub_themes"]:
            for indicator in sub["indicators"]:
                yield sub, indicator


def assert_text(value, where):
    assert isinstance(value, dict), f"{where}: expected a {{fr, en}} object"
    assert isinstance(value.get("fr"), str) and value["fr"].strip(), f"{where}: empty 'fr'"
    if "en" in value:
        assert isinstance(value["en"], str), f"{where}: 'en' must be a string"


def test_top_level_keys(referential):
    assert set(referential) == {"version", "title", "adopted_on", "services", "themes"}
    assert referential["version"] == "2016.1"
    assert referential["adopted_on"] == "2015-11-20"
    assert_text(referential["title"], "title")


def test_services(referential):
    assert set(referential["services"]) == SERVICE_KEYS
    for key, label in referential["services"].items():
        assert_text(label, f"services.{key}")


def test_four_themes(referential):
    themes = referential["themes"]
    assert len(themes) == 4
    assert [t["code"] for t in themes] == ["1", "2", "3", "4"]
    for theme in themes:
        assert_text(theme["title"], f"theme {theme['code']}")


def test_eleven_sub_themes(referential):
    found = {t["code"]: [s["code"] for s in t["sub_themes"]] for t in referential["themes"]}
    assert found == EXPECTED_SUB_THEMES
    assert sum(len(v) for v in found.values()) == 11
    for theme in referential["themes"]:
        for sub in theme["sub_themes"]:
            assert_text(sub["title"], f"sub-theme {sub['code']}")


def test_at_least_three_indicators_per_sub_theme(referential):
    for theme in referential["themes"]:
        for sub in theme["sub_themes"]:
            assert len(sub["indicators"]) >= 3, sub["code"]


def test_indicator_codes_unique_and_prefixed(referential):
    codes = []
    for sub, indicator in all_indicators(referential):
        code = indicator["code"]
        assert code.startswith(sub["code"] + "."), code
        suffix = code[len(sub["code"]) + 1 :]
        assert suffix.isdigit(), code
        codes.append(code)
    assert len(codes) == len(set(codes))


def test_indicator_shape(referential):
    for _, indicator in all_indicators(referential):
        code = indicator["code"]
        assert set(indicator) == INDICATOR_KEYS, code
        for key in ("question", "help", "example"):
            assert_text(indicator[key], f"{code}.{key}")


def test_levels_one_to_four(referential):
    for _, indicator in all_indicators(referential):
        code = indicator["code"]
        levels = indicator["levels"]
        assert [lv["level"] for lv in levels] == [1, 2, 3, 4], code
        for lv in levels:
            assert_text(lv["label"], f"{code} level {lv['level']} label")
            assert_text(lv["description"], f"{code} level {lv['level']} description")
        descriptions = [lv["description"]["fr"] for lv in levels]
        assert len(set(descriptions)) == 4, f"{code}: level descriptions must differ"


def test_objective_and_weight(referential):
    for _, indicator in all_indicators(referential):
        code = indicator["code"]
        assert indicator["objective_level"] in (3, 4), code
        assert indicator["weight"] in (1, 2, 3), code
        assert not isinstance(indicator["objective_level"], bool)
        assert not isinstance(indicator["weight"], bool)


def test_actions_for_each_level(referential):
    for _, indicator in all_indicators(referential):
        code = indicator["code"]
        actions = indicator["actions"]
        assert set(actions) == {"1", "2", "3", "4"}, code
        for level, action in actions.items():
            assert_text(action, f"{code} action {level}")


def test_service_is_known(referential):
    for _, indicator in all_indicators(referential):
        assert indicator["service"] in SERVICE_KEYS, indicator["code"]


def test_every_text_has_french(referential):
    """Any object carrying an 'en' key is a translated text and needs a non-empty 'fr'."""
    checked = []

    def walk(node, path):
        if isinstance(node, dict):
            if "en" in node or "fr" in node:
                assert_text(node, path)
                checked.append(path)
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(referential, "$")
    # A walk that found no translated text checked nothing: the document's own texts must be among those checked.
    assert {"$.title", "$.services.training", "$.themes[0].title"} <= set(checked), checked[:5]
    indicators = sum(1 for _ in all_indicators(referential))
    assert len(checked) >= indicators * 15, f"only {len(checked)} texts checked"  # 3 texts, 4 × 2 per level, 4 actions
