"""The Cap referential as data: its shape checks, what makes two versions of an indicator
comparable, and the rules of a version's life (drafted, revised, published, frozen once in use)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.assessment.domain.errors import InvalidReferential, ReferentialRefused
from services.assessment.domain.referential import Referential, definition_of, load_document
from services.assessment.domain.referential_version import ReferentialVersion, with_indicator, without_indicator

DOCUMENT = load_document()
NOW = datetime(2016, 1, 4, tzinfo=UTC)


def first_indicator() -> dict:
    return copy.deepcopy(DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][0])


def test_the_first_version_has_four_themes_eleven_sub_themes_and_its_indicators() -> None:
    referential = Referential.parse(DOCUMENT)
    assert [t.code for t in referential.themes] == ["1", "2", "3", "4"]
    assert len(referential.sub_theme_codes()) == 11
    assert len(referential.indicators) == 38
    indicator = referential.indicators["3.4.1"]
    assert (indicator.theme, indicator.sub_theme) == ("3", "3.4")
    assert referential.service_label(indicator.service) == "Appui juridique"


def test_a_malformed_indicator_is_refused_with_a_french_message() -> None:
    broken = copy.deepcopy(DOCUMENT)
    del broken["themes"][0]["sub_themes"][0]["indicators"][0]["weight"]
    with pytest.raises(InvalidReferential, match="champs manquants"):
        Referential.parse(broken)


def test_a_published_version_needs_three_indicators_per_sub_theme() -> None:
    version = ReferentialVersion.draft({**copy.deepcopy(DOCUMENT), "version": "2017.1"})
    version.remove_indicator("1.2.3")
    with pytest.raises(InvalidReferential, match="au moins 3 indicateurs"):
        version.publish(NOW)


def test_an_indicators_definition_changes_with_its_question_levels_or_objective_only() -> None:
    indicator = first_indicator()
    reworded_help = {**indicator, "help": {"fr": "Autre aide"}, "weight": 1}
    assert definition_of(reworded_help) == definition_of(indicator)
    assert definition_of({**indicator, "objective_level": 4}) != definition_of(indicator)
    other_question = copy.deepcopy(indicator)
    other_question["question"]["fr"] = "Une autre question ?"
    assert definition_of(other_question) != definition_of(indicator)


def test_revising_an_indicator_keeps_the_sub_theme_in_code_order() -> None:
    document = without_indicator(DOCUMENT, "1.1.2")
    document = with_indicator(document, {**first_indicator(), "code": "1.1.2"})
    codes = [i["code"] for i in document["themes"][0]["sub_themes"][0]["indicators"]]
    assert codes == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]
    assert DOCUMENT["themes"][0]["sub_themes"][0]["indicators"][1]["code"] == "1.1.2"  # the original is untouched


def test_a_version_in_use_can_no_longer_change() -> None:
    version = ReferentialVersion.draft({**copy.deepcopy(DOCUMENT), "version": "2017.1"})
    version.publish(NOW)
    changed = first_indicator()
    changed["question"]["fr"] = "Une autre question ?"
    version.revise_indicator(changed)  # published, not yet used: a correction is still possible
    version.take_into_use(uuid4())
    with pytest.raises(ReferentialRefused, match="ne peut plus changer"):
        version.revise_indicator(first_indicator())
    with pytest.raises(ReferentialRefused, match="ne peut plus changer"):
        version.remove_indicator("1.1.1")
    assert [type(e).__name__ for e in version.collect_events()] == [
        "Drafted",
        "Published",
        "IndicatorRevised",
        "TakenIntoUse",
    ]


def test_an_assessment_cannot_start_on_a_draft() -> None:
    version = ReferentialVersion.draft({**copy.deepcopy(DOCUMENT), "version": "2017.1"})
    with pytest.raises(ReferentialRefused, match="pas publiée"):
        version.take_into_use(uuid4())
    with pytest.raises(ReferentialRefused, match="déjà publiée"):
        version.publish(NOW)
        version.publish(NOW)
