"""The 2015 call's figures, texts and stories are data (`call_2015.json`), checked when loaded:
a file that is malformed or does not add up is refused with what is wrong."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from services.training.demo.call_2015 import (
    APPLICATIONS,
    DATA,
    DATA_FILE,
    GRID,
    MAX_COFUNDING_RATE,
    PRIORITY_TRAININGS,
    call_2015,
    load_call_data,
)
from tests.helpers.data_files import data_file_with, truncated_copy


def test_the_data_file_holds_the_report_figures() -> None:
    assert DATA == load_call_data(DATA_FILE)
    assert (DATA.applications, DATA.retained, DATA.awarded, DATA.trainees, DATA.hours) == (
        51,
        37,
        280_153,
        1_063,
        3_085,
    )
    assert (DATA.envelope, DATA.fund, DATA.envelope - DATA.awarded) == (290_000, 725_000, 9_847)
    assert (DATA.opens_on, DATA.closes_on) == (date(2015, 1, 26), date(2015, 3, 31))
    story = DATA.scenario
    assert (story.under_threshold, story.outranked, story.ineligible) == (6, 5, 3)


def test_the_module_names_keep_their_types() -> None:
    assert APPLICATIONS == 51 and isinstance(APPLICATIONS, int)
    assert str(MAX_COFUNDING_RATE) == "0.50"  # an exact decimal: the terms stored in the call's events
    assert GRID[0] == ("pertinence", "Pertinence du projet pour les parcours d'insertion", 3)
    assert len(PRIORITY_TRAININGS) == 6 and isinstance(PRIORITY_TRAININGS, tuple)


def test_the_texts_of_the_data_file_reach_the_applications() -> None:
    demo = call_2015()
    assert {a.reason for a in demo} == {
        DATA.reasons.full_award,
        DATA.reasons.partial_award,
        DATA.reasons.under_threshold,
        DATA.reasons.outranked,
        DATA.reasons.ineligible,
    }
    assert demo[0].summary.startswith(f"{demo[0].trainees} salariés en parcours d'insertion formés en ")
    comments = {comment for a in demo for review in a.scores for _, _, comment in review}
    assert comments <= set(DATA.score_comments.values())


def test_a_value_of_the_wrong_type_fails_naming_the_file_and_the_place(tmp_path) -> None:
    def change(document):
        document["grid"][1]["weight"] = 2.5

    with pytest.raises(ValueError, match=r"call_2015\.json: Expected `int`, got `float` - at `\$\.grid\[1\]\.weight`"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_an_unknown_entry_fails(tmp_path) -> None:
    def change(document):
        document["scenario"]["overridden"] = 10

    with pytest.raises(ValueError, match=r"unknown field `overridden` - at `\$\.scenario`"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_file_that_is_not_json_fails(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"call_2015\.json: .*truncated"):
        load_call_data(truncated_copy(tmp_path, DATA_FILE))


def test_applications_that_do_not_add_up_fail(tmp_path) -> None:
    def change(document):
        document["scenario"]["outranked"] = 4

    with pytest.raises(ValueError, match="do not make the 51 applications"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_story_on_an_application_that_does_not_exist_fails(tmp_path) -> None:
    def change(document):
        document["scenario"]["award_sent_back"] = 40
        document["scenario"]["partners_of_not_retained"]["12"] = 1

    with pytest.raises(ValueError) as refused:
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))
    assert "scenario.award_sent_back is 40, not the key of a retained application (0 to 36)" in str(refused.value)
    assert "partners_of_not_retained names 12, not the key of an application not retained" in str(refused.value)


def test_an_award_over_the_envelope_fails(tmp_path) -> None:
    def change(document):
        document["envelope"] = "280000"

    with pytest.raises(ValueError, match=r"awarded \(280153\) <= envelope \(280000\) <= fund \(725000\) is false"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_rate_over_one_fails(tmp_path) -> None:
    def change(document):
        document["priority_cofunding_rate"] = "70"

    with pytest.raises(ValueError, match="priority_cofunding_rate is 70, not a rate over 0 and up to 1"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_one_person_cannot_both_decide_and_check(tmp_path) -> None:
    def change(document):
        document["checker"] = document["decider"]

    with pytest.raises(ValueError, match=r"the decider and the checker must be two people \(four-eyes\)"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_score_without_its_comment_fails(tmp_path) -> None:
    def change(document):
        del document["score_comments"]["0"]

    with pytest.raises(ValueError, match="score_comments needs one comment for each score from 0 to 5"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_text_with_an_unknown_placeholder_fails(tmp_path) -> None:
    def change(document):
        document["summary"] = "{trainees} salariés formés en {count} actions"

    with pytest.raises(ValueError, match=r"uses a field other than \['actions', 'trainees'\]"):
        load_call_data(data_file_with(tmp_path, DATA_FILE, change))


def test_the_call_is_the_one_generated_before_the_data_moved_to_json() -> None:
    """The digest of the applications generated by the Python literals the data file replaced (the
    generator draws in the file's order); change it only with a deliberate change of the demo data."""
    digest = hashlib.sha256(repr(call_2015()).encode("utf-8")).hexdigest()
    assert digest == "111495dde059b4847561b7492ed77f7389ee3c14ded8f02be9c7c3ceea7ab20c"
