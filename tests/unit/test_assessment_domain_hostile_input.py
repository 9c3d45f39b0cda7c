"""Le Cap's domain under hostile input (the CLI and the demo go through it too): texts with control
characters refused naming the field, a participant acting in their own name, referential documents
whose shape or digits would have broken later. No database."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.assessment.domain.access_grant import AccessGrant
from services.assessment.domain.assessment import Assessment, Respondent
from services.assessment.domain.errors import AssessmentRefused, Forbidden, InvalidReferential
from services.assessment.domain.referential import Referential, load_document
from services.assessment.domain.referential_version import ReferentialVersion
from services.assessment.domain.sheet import dump_sheet, load_sheet
from shared.errors import InvalidInput
from shared.events import command_context
from tests.helpers.assessment_domain import (
    DELEGATE,
    REFERENTIAL,
    T0,
    submitted,
    under_review,
    with_participants,
)

DOCUMENT = load_document()
NUL, ESC, NEL, BELL = "\u0000", "\u001b", "\u0085", "\u0007"
ADMIN = Respondent(subject="admin", admin=True)
MARIE = Respondent(subject="marie", admin=False)


def _answer(assessment: Assessment, respondent: Respondent, participant_id: str, level: int = 2, **more: Any) -> None:
    assessment.answer(
        indicator="1.1.1",
        participant_id=participant_id,
        level=level,
        comment=more.get("comment", ""),
        practice="in_place",
        improve=False,
        revisit=False,
        referential=REFERENTIAL,
        at=T0,
        respondent=respondent,
    )


def _reviewed() -> tuple[Assessment, str]:
    """Under review, with a proposal pending the team's decision."""
    assessment, request_id = under_review(2)
    proposal_id = assessment.comment(
        request_id=request_id,
        reviewer=DELEGATE,
        indicator="1.1.1",
        comment="vu",
        proposed_level=3,
        reason="le CA est ouvert",
        referential=REFERENTIAL,
        at=T0,
    )
    assert proposal_id is not None
    return assessment, proposal_id


def _comment(**overrides: Any) -> Callable[[], Any]:
    def command() -> Any:
        assessment, request_id = under_review(2)
        fields = {"comment": "vu", "proposed_level": None, "reason": None, **overrides}
        return assessment, lambda: assessment.comment(
            request_id=request_id, reviewer=DELEGATE, indicator="1.1.1", referential=REFERENTIAL, at=T0, **fields
        )

    return command


def _on(make: Callable[[], Assessment], act: Callable[[Assessment], Any]) -> Callable[[], Any]:
    def command() -> Any:
        assessment = make()
        return assessment, lambda: act(assessment)

    return command


def _invite(**overrides: Any) -> Callable[[Assessment], Any]:
    fields = {"participant_id": "paul", "name": "Paul", "kind": "staff", "sub_themes": (), **overrides}
    return lambda a: a.invite(referential=REFERENTIAL, at=T0, **fields)


HOSTILE_COMMANDS = {
    "invite participant_id": (_on(with_participants, _invite(participant_id=f"p{NUL}")), "participant_id"),
    "invite name": (_on(with_participants, _invite(name=f"Paul{NEL}")), "name"),
    "invite name on two lines": (_on(with_participants, _invite(name="Paul\nMartin")), "name"),
    "answer comment": (
        _on(lambda: with_participants("marie"), lambda a: _answer(a, MARIE, "marie", comment=f"a{NUL}b")),
        "comment",
    ),
    "settle comment": (
        _on(
            lambda: _answered_by_marie(),
            lambda a: a.settle(
                indicator="1.1.1",
                level=2,
                practice="in_place",
                improve=False,
                comment=f"{ESC}[2J",
                referential=REFERENTIAL,
                at=T0,
            ),
        ),
        "comment",
    ),
    "review request reviewer_id": (
        _on(
            submitted,
            lambda a: a.request_review(
                kind="third_party",
                reviewer_id=f"delegue{NUL}",
                reviewer_role="trainer",
                reviewer_tenant=None,
                at=T0,
            ),
        ),
        "reviewer_id",
    ),
    "review comment": (_comment(comment=f"vu{NUL}"), "comment"),
    "review reason": (_comment(proposed_level=3, reason=f"parce que{BELL}"), "reason"),
    "review summary": (
        lambda: (lambda a, r: (a, lambda: a.complete_review(request_id=r, reviewer=DELEGATE, summary=NUL, at=T0)))(
            *under_review(2)
        ),
        "summary",
    ),
    "proposal rejection reason": (
        lambda: (lambda a, p: (a, lambda: a.reject_proposal(proposal_id=p, reason=f"non{NUL}", at=T0)))(*_reviewed()),
        "reason",
    ),
    "plan action owner": (
        _on(
            lambda: submitted(1),
            lambda a: a.schedule_action(
                indicator="1.1.1", owner=f"Paul{NUL}", due_on=date(2017, 1, 1), referential=REFERENTIAL, at=T0
            ),
        ),
        "owner",
    ),
    "plan action drop reason": (
        _on(
            lambda: submitted(1),
            lambda a: a.drop_action(indicator="1.1.1", reason=f"trop cher{ESC}", referential=REFERENTIAL, at=T0),
        ),
        "reason",
    ),
}


def _answered_by_marie() -> Assessment:
    assessment = with_participants("marie", "paul")
    _answer(assessment, MARIE, "marie", level=1)
    _answer(assessment, Respondent(subject="paul", admin=False), "paul", level=3)
    return assessment


@pytest.mark.parametrize(("command", "field"), HOSTILE_COMMANDS.values(), ids=HOSTILE_COMMANDS.keys())
def test_a_command_with_a_control_character_in_a_text_is_refused_naming_the_field(
    command: Callable[[], Any], field: str
) -> None:
    assessment, act = command()
    assessment.collect_events()  # what the given state saved
    with pytest.raises(InvalidInput) as refused:
        act()
    assert refused.value.details["field"] == field
    assert "caractère interdit" in refused.value.message
    assert assessment.collect_events() == []  # nothing to save


@pytest.mark.parametrize(
    ("auditor_id", "reason", "field"), [(f"audit{NUL}", "audit", "auditor_id"), ("audit", f"audit{ESC}", "reason")]
)
def test_an_access_grant_with_a_control_character_is_refused(auditor_id: str, reason: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        AccessGrant.grant(
            auditor_id=auditor_id,
            tenant_id="member-1",
            assessment_id=None,
            valid_from=T0,
            valid_until=T0 + timedelta(days=1),
            reason=reason,
        )
    assert refused.value.details["field"] == field


def test_a_revocation_needs_a_reason_without_control_characters() -> None:
    grant = AccessGrant.grant(
        auditor_id="audit",
        tenant_id="member-1",
        assessment_id=None,
        valid_from=T0,
        valid_until=T0 + timedelta(days=1),
        reason="audit",
    )
    with pytest.raises(InvalidInput) as refused:
        grant.revoke(f"erreur{NUL}")
    assert refused.value.details["field"] == "reason"
    with pytest.raises(AssessmentRefused, match="reason"):
        grant.revoke("   ")
    assert grant.revoked is False


# --- a participant acts in their own name --------------------------------------------------------------


def test_a_participant_may_not_answer_in_another_participants_name() -> None:
    assessment = with_participants("marie", "paul")
    with pytest.raises(Forbidden) as refused:
        _answer(assessment, MARIE, "paul")
    assert refused.value.details["field"] == "participant_id"
    assert "paul" not in assessment.sheet.answers.get("1.1.1", {})


def test_the_admin_records_the_answer_of_a_participant_who_has_not_given_their_own() -> None:
    assessment = with_participants("admin", "benevole")
    with command_context(actor_id="admin", actor_role="member_admin", tenant_id="member-1"):
        _answer(assessment, ADMIN, "benevole", level=3)
    recorded = assessment.sheet.answers["1.1.1"]["benevole"]
    assert (recorded.level, recorded.author_id, recorded.author_role) == (3, "admin", "member_admin")


def test_the_admin_may_not_replace_or_flag_an_answer_a_participant_gave_in_their_own_name() -> None:
    assessment = with_participants("admin", "marie")
    with command_context(actor_id="marie", actor_role="member_contributor", tenant_id="member-1"):
        _answer(assessment, MARIE, "marie", level=1)
    with pytest.raises(Forbidden, match="en son nom"):
        _answer(assessment, ADMIN, "marie", level=4)
    with pytest.raises(Forbidden, match="en son nom"):
        assessment.mark_revisit(indicator="1.1.1", participant_id="marie", revisit=True, at=T0, respondent=ADMIN)
    kept = assessment.sheet.answers["1.1.1"]["marie"]
    assert (kept.level, kept.revisit) == (1, False)


def test_a_participant_naming_someone_else_is_refused_whether_or_not_that_one_is_invited() -> None:
    assessment = with_participants("marie")
    with pytest.raises(Forbidden):
        _answer(assessment, MARIE, "inconnu")
    with pytest.raises(Forbidden):
        assessment.mark_revisit(indicator="1.1.1", participant_id="inconnu", revisit=True, at=T0, respondent=MARIE)


def test_a_participant_may_not_flag_another_participants_answer() -> None:
    assessment = with_participants("marie", "paul")
    _answer(assessment, Respondent(subject="paul", admin=False), "paul")
    with pytest.raises(Forbidden):
        assessment.mark_revisit(indicator="1.1.1", participant_id="paul", revisit=True, at=T0, respondent=MARIE)


# --- referential documents ---------------------------------------------------------------------------------


def _document(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return document


def _first_indicator(document: dict[str, Any]) -> dict[str, Any]:
    return document["themes"][0]["sub_themes"][0]["indicators"][0]


BROKEN_DOCUMENTS = {
    "a NUL in a title": lambda d: d["title"].update(fr=f"Le Cap{NUL}"),
    "a control character in a key": lambda d: d["services"].update({f"x{ESC}": {"fr": "x"}}),
    "a NUL deep in an indicator": lambda d: _first_indicator(d)["levels"][0]["label"].update(fr=f"a{NUL}"),
    "a version that no path can name": lambda d: d.update(version="2017/1"),
    "a theme that is not an object": lambda d: d["themes"].append(1),
    "a theme without sub-themes": lambda d: d["themes"][0].pop("sub_themes"),
    "a theme code in Arabic-Indic digits": lambda d: d["themes"][0].update(code="١"),
    "a sub-theme that is not an object": lambda d: d["themes"][0]["sub_themes"].append("1.9"),
    "a sub-theme code in fullwidth digits": lambda d: d["themes"][0]["sub_themes"][0].update(code="1.１"),
    "an indicator code in superscript digits": lambda d: _first_indicator(d).update(code="1.1.²"),
    "a service that is a list": lambda d: _first_indicator(d).update(service=["a"]),
}


@pytest.mark.parametrize("change", BROKEN_DOCUMENTS.values(), ids=BROKEN_DOCUMENTS.keys())
def test_a_broken_referential_document_is_refused_not_crashed_on(change: Callable[[dict[str, Any]], None]) -> None:
    with pytest.raises(InvalidReferential):
        ReferentialVersion.draft(_document(change))


def test_an_indicator_revised_with_a_code_in_superscript_digits_is_refused() -> None:
    version = ReferentialVersion.draft(copy.deepcopy(DOCUMENT))
    indicator = {**copy.deepcopy(_first_indicator(DOCUMENT)), "code": "1.1.²"}
    with pytest.raises(InvalidReferential, match="1.1.²"):
        version.revise_indicator(indicator)


def test_an_indicator_revised_with_a_control_character_is_refused() -> None:
    version = ReferentialVersion.draft(copy.deepcopy(DOCUMENT))
    indicator = copy.deepcopy(_first_indicator(DOCUMENT))
    indicator["example"] = {"fr": f"exemple{NUL}"}
    with pytest.raises(InvalidReferential, match="U\\+0000"):
        version.revise_indicator(indicator)


def test_the_first_version_still_parses() -> None:
    assert len(Referential.parse(DOCUMENT).indicators) == 38


# --- any text at all --------------------------------------------------------------------------------------

# Control characters, line breaks, NUL, homoglyphs, non-ASCII digits and plain text, mixed.
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from([NUL, ESC, NEL, BELL, "\n", "\r", "\t", "\u007f", "\u2028", "\u202e", "А", "٣", "²", "e"]),
        st.characters(),
    ),
    min_size=1,
    max_size=40,
)
# The shared rule (shared/values.py): control characters are refused except the tab, and a
# single-line text refuses the newline too.
# Control characters, and lone UTF-16 surrogates (no UTF-8 text can hold one: the domain refuses them too).
FORBIDDEN_IN_A_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@settings(max_examples=150, deadline=None)
@given(name=HOSTILE_TEXT, comment=HOSTILE_TEXT)
def test_whatever_text_a_participant_sends_what_is_stored_has_no_control_character(name: str, comment: str) -> None:
    assessment = with_participants("marie")
    try:
        _invite(participant_id="paul", name=name)(assessment)
    except InvalidInput as refused:
        assert refused.details["field"] == "name" and FORBIDDEN_IN_A_LINE.search(name)
    try:
        _answer(assessment, MARIE, "marie", comment=comment)
    except InvalidInput as refused:
        assert refused.details["field"] == "comment" and FORBIDDEN_IN_TEXT.search(comment)
    stored = load_sheet(dump_sheet(assessment.sheet))  # what the projection keeps, and PostgreSQL with it
    texts = [p.name for p in stored.participants.values()] + [
        a.comment for a in stored.answers.get("1.1.1", {}).values()
    ]
    assert not any(FORBIDDEN_IN_TEXT.search(text) for text in texts)
    assert all(not FORBIDDEN_IN_A_LINE.search(p.name) for p in stored.participants.values())


def test_an_access_grant_period_without_a_time_zone_is_refused() -> None:
    with pytest.raises(AssessmentRefused) as refused:
        AccessGrant.grant(
            auditor_id="audit",
            tenant_id="member-1",
            assessment_id=None,
            valid_from=T0,
            valid_until=(T0 + timedelta(days=1)).replace(tzinfo=None),
            reason="audit",
        )
    assert refused.value.details["field"] == "valid_until"
